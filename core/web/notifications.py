"""The notification centre: the bell, the lists (one community's, or all of mine), marking
read, and each person's e-mail choices. Rows are written by ``core.community.notifications``.

A person only ever reads their own rows. In a community the list and the bell show that
community's; outside one (the home page, someone still waiting to join) they show the
person's notifications of every community, each named.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from core.community import notifications
from core.community.permissions import membership, require_login_and
from core.extensions import db
from core.models import Notification
from core.plugins.gateway import host
from core.services.i18n import localized
from core.services.mail import mail_configured
from core.services.pagination import paginate
from core.services.parsing import local_path
from core.services.time import utcnow
from core.sqlite import writes_on_get
from tenants.context import all_tenants, current_community
from tenants.models import Tenant

bp = Blueprint("notifications", __name__)
PER_PAGE = 20


def notification_bell() -> dict | None:
    """The header's bell: this community's unread count for its members, else the
    person's unread count in all their communities."""
    if not current_user.is_authenticated:
        return None
    if current_community() is not None and membership() is not None:
        count = notifications.unread_count(current_user.id)
        return {"count": count, "url": url_for("notifications.community_index")}
    with all_tenants():
        count = notifications.unread_count(current_user.id)
    return {"count": count, "url": url_for("notifications.index")}


def _render_list(page, communities: dict[int, Tenant] | None):
    """One template for both lists; ``communities`` names each row's community (all mine)."""
    return render_template("notifications/index.html", page=page, communities=communities)


@bp.route("/notifications")
@login_required
def index():
    with all_tenants():
        page = paginate(notifications.mine(current_user.id), Notification.id, PER_PAGE)
        ids = {n.tenant_id for n in page.items}
        communities = {
            t.id: t
            for t in db.session.execute(db.select(Tenant).where(Tenant.id.in_(ids))).scalars()
        }
    return _render_list(page, communities)


@bp.route("/c/<tenant>/notifications")
def community_index():
    answer = require_login_and(None)  # members: a pending applicant reads them at /notifications
    if answer is not None:
        return answer
    page = paginate(notifications.mine(current_user.id), Notification.id, PER_PAGE)
    return _render_list(page, None)


@bp.route("/notifications/<int:notification_id>/open")
@login_required
@writes_on_get  # marks the row read
def open_one(notification_id: int):
    """Mark it read and go to the thing. A GET on purpose, so it is a plain link (a new
    tab, a long press on a phone); it only ever touches the reader's own row."""
    with all_tenants():
        row = db.session.execute(
            db.select(Notification).where(
                Notification.id == notification_id, Notification.user_id == current_user.id
            )
        ).scalar_one_or_none()
        if row is None:
            abort(404)
        if row.read_at is None:
            row.read_at = utcnow()
        link = row.link
        db.session.commit()
    return redirect(local_path(link) or url_for("notifications.index"), 303)


def _back(default: str):
    return redirect(local_path(request.form.get("next")) or default, 303)


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def read_one(notification_id: int):
    with all_tenants():
        notifications.mark_read(current_user.id, notification_id)
        db.session.commit()
    return _back(url_for("notifications.index"))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def read_all():
    with all_tenants():
        count = notifications.mark_read(current_user.id)
        db.session.commit()
    if count:
        flash(_("All notifications are marked read."), "success")
    return _back(url_for("notifications.index"))


@bp.route("/c/<tenant>/notifications/read-all", methods=["POST"])
def community_read_all():
    answer = require_login_and(None)
    if answer is not None:
        return answer
    if notifications.mark_read(current_user.id):
        flash(_("All notifications are marked read."), "success")
    db.session.commit()
    return _back(url_for("notifications.community_index"))


# ----- e-mail choices -------------------------------------------------------------------
def _kind_groups() -> list[tuple[str, list]]:
    """(heading, kinds) for core, then each active plugin that declares kinds."""
    every = notifications.kinds()
    groups = [(_("Community"), [k for k in every.values() if k.name.startswith("core.")])]
    for record in host().active():
        mine = [k for k in every.values() if k.name.startswith(record.id + ".")]
        if mine:
            groups.append((localized(record.meta.label), mine))
    return groups


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = FlaskForm()  # the CSRF token; the choices are one checkbox per kind
    every = notifications.kinds()
    if form.validate_on_submit():
        chosen = set(request.form.getlist("email"))
        notifications.set_email_choices(current_user.id, {k: k in chosen for k in every})
        db.session.commit()
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("notifications.settings"), 303)
    return render_template(
        "notifications/settings.html",
        form=form,
        groups=_kind_groups(),
        wanted=notifications.email_kinds(current_user.id),
        mail_on=mail_configured(),
    )


def install(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["notification_bell"] = notification_bell
