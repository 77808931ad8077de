"""Templates down: an office's page of the templates it publishes for its communities,
and which of them adopted which version (``core.offices.templates_down``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.offices import access, templates_down
from core.offices.models import Office
from core.plugins.types import BadTemplate
from core.services.time import DEFAULT_TIMEZONE, to_local, utcnow
from core.web.forms import OfficeTemplateForm
from core.web.offices import _page_of, bp, office_view


@bp.route("/<slug>/templates")
@office_view("templates")
def templates(office: Office, count: int):
    """Each kind of template with the office's current version and how many adopted it."""
    rows = []
    for kind in templates_down.kinds():
        versions = templates_down.versions(office, kind)
        adopted = templates_down.adopted_versions(office, kind) if versions else {}
        latest = versions[-1] if versions else None
        on_latest = sum(1 for v in adopted.values() if latest and v == latest.version)
        rows.append((kind, latest, len(adopted), on_latest))
    return render_template(
        "offices/templates.html", office=office, count=count, rows=rows,
        may_publish=access.holds(office),
    )  # fmt: skip


@bp.route("/<slug>/templates/<kind_key>", methods=["GET", "POST"])
@office_view("template")
def template(office: Office, count: int, kind_key: str):
    """One kind: the versions, the next version's form (the office's own account), and
    which of the office's communities adopted which version."""
    kind = templates_down.kind(kind_key)
    if kind is None:
        abort(404)
    may_publish = access.holds(office)
    versions = templates_down.versions(office, kind)
    form = OfficeTemplateForm()
    status = 200
    if request.method == "POST":
        if not may_publish:
            abort(403)
        if form.validate_on_submit():
            try:
                published = templates_down.publish(
                    office, kind, form.text.data, form.effective_from.data, current_user.id
                )
            except BadTemplate as exc:
                form.text.errors = [str(exc)]
            else:
                db.session.commit()
                flash(_("Version %(version)d published to the communities.",
                        version=published.version), "success")  # fmt: skip
                return redirect(url_for(".template", slug=office.slug, kind_key=kind.key), 303)
        status = 422
    elif versions:  # the next version starts from the last one's text
        form.text.data = kind.text(versions[-1].payload)
    if form.effective_from.data is None and not form.effective_from.errors:
        form.effective_from.data = to_local(utcnow(), DEFAULT_TIMEZONE).date()
    shown, pager = _page_of(office, count)
    return render_template(
        "offices/template.html", office=office, kind=kind, versions=versions, form=form,
        may_publish=may_publish, communities=shown, pager=pager, count=count,
        adopted=templates_down.adopted_versions(office, kind) if versions else {},
    ), status  # fmt: skip
