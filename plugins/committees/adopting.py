"""Pages for adopting the office's set of committees (``office_set``): the confirmation
page listing what will be set up and what stays, and the confirmation itself."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from core.plugin_api import TemplateVersion, audit, commit, db, parse_int, requires
from plugins.committees import office_set
from plugins.committees.i18n import _, ngettext
from plugins.committees.rendering import render_page
from plugins.committees.views import bp


def _chosen(source) -> TemplateVersion | None:
    """The set named by ``key`` and ``version`` in ``source`` (the query or the form);
    ``None`` when they are not a key and a number; 404 when the community may not see
    that version (another street's, or none at all)."""
    key = (source.get("key") or "").strip()
    version = parse_int(source.get("version"), minimum=1, maximum=1_000_000)
    if not key or len(key) > 80 or version is None:
        return None
    template = office_set.find(key, version)
    if template is None:
        abort(404)
    return template


def _not_chosen():
    message = _("Choose one of the sets offered on the page for setting up a committee.")
    return render_page("committees/adopt.html", plan=None, error=message), 422


@bp.route("/adopt", methods=["GET"])
@requires("committees.manage")
def adopt_review():
    """What adopting the chosen set would set up, and what stays as it is."""
    template = _chosen(request.args)
    if template is None:
        return _not_chosen()
    return render_page("committees/adopt.html", plan=office_set.plan(template), error=None)


@bp.route("/adopt", methods=["POST"])
@requires("committees.manage")
def adopt():
    """Set up the set's missing committees (one transaction) and record the adoption."""
    template = _chosen(request.form)
    if template is None:
        return _not_chosen()
    chosen = office_set.plan(template)
    try:
        office_set.set_up(chosen, current_user.id)
    except IntegrityError:  # a committee of one of these names was set up meanwhile
        db.session.rollback()
        again = office_set.plan(office_set.find(template.key, template.version) or template)
        error = _("A committee of the set was set up meanwhile: look at the list again.")
        return render_page("committees/adopt.html", plan=again, error=error), 409
    audit("committees.set_adopted", template.key, version=template.version,
          created=len(chosen.create), kept=len(chosen.existing))  # fmt: skip
    commit()
    office = template.office or _("the platform")
    if chosen.create:
        flash(ngettext("%(num)d committee set up from the set of %(office)s (version "
                       "%(version)d).", "%(num)d committees set up from the set of %(office)s "
                       "(version %(version)d).", len(chosen.create), office=office,
                       version=template.version), "success")  # fmt: skip
    else:
        flash(_("Every committee of the set exists already: nothing was set up, and the "
                "adoption of version %(version)d is recorded.", version=template.version),
              "success")  # fmt: skip
    return redirect(url_for("committees.index"), 303)
