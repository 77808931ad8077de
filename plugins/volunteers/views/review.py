"""The coordinator's review of hours: approve (points awarded), reject with a reason,
approve many at once."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from core.plugin_api import commit, db, get_members, paginate, parse_id, render, requires
from plugins.volunteers import hours
from plugins.volunteers.forms import RejectForm
from plugins.volunteers.i18n import _, ngettext
from plugins.volunteers.models import Activity, HourLog, ServiceCategory
from plugins.volunteers.points import hours_text
from plugins.volunteers.views import bp, settings

MAX_BULK = 200


def _log_or_404(log_id: int) -> HourLog:
    log = db.session.execute(sa.select(HourLog).where(HourLog.id == log_id)).scalar_one_or_none()
    if log is None:
        abort(404)
    return log


def _render_review(status: int = 200, reject_form: RejectForm | None = None, failed_id=None):
    select = sa.select(HourLog).where(HourLog.status == "pending")
    page = paginate(select, HourLog.id, per_page=settings()["per_page"])
    people = get_members(log.user_id for log in page.items)
    activity_ids = {log.activity_id for log in page.items if log.activity_id}
    activity_titles = dict(
        db.session.execute(
            sa.select(Activity.id, Activity.title).where(Activity.id.in_(activity_ids or [0]))
        ).all()
    )
    category_names = dict(
        db.session.execute(sa.select(ServiceCategory.id, ServiceCategory.name)).all()
    )
    return render(
        "volunteers/review.html",
        page=page,
        people=people,
        activity_titles=activity_titles,
        category_names=category_names,
        reject_form=reject_form or RejectForm(formdata=None),
        failed_id=failed_id,
        hours_text=hours_text,
    ), status


@bp.route("/review")
@requires("volunteers.manage")
def review():
    return _render_review()


@bp.route("/hours/<int:log_id>/approve", methods=["POST"])
@requires("volunteers.manage")
def approve(log_id: int):
    log = _log_or_404(log_id)
    if log.status != "pending":
        flash(_("These hours were already reviewed."), "info")
        return redirect(url_for("volunteers.review"))
    points = hours.approve(log, current_user.id)
    if points is None:
        flash(_("These hours were already reviewed."), "info")
        return redirect(url_for("volunteers.review"))
    commit()
    flash(_("Approved: +%(points)d points.", points=points), "success")
    return redirect(url_for("volunteers.review"))


@bp.route("/hours/<int:log_id>/reject", methods=["POST"])
@requires("volunteers.manage")
def reject(log_id: int):
    log = _log_or_404(log_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _render_review(422, form, log.id)
    if hours.reject(log, current_user.id, form.reason.data):
        commit()
        flash(_("Rejected; the volunteer is told why."), "success")
    else:
        flash(_("These hours were already reviewed."), "info")
    return redirect(url_for("volunteers.review"))


@bp.route("/review/approve", methods=["POST"])
@requires("volunteers.manage")
def approve_many():
    raw = request.form.getlist("log_id")
    ids = [parse_id(x) for x in raw[: MAX_BULK + 1]]
    if not raw or len(raw) > MAX_BULK or None in ids:
        flash(_("Tick from 1 to %(n)d entries to approve.", n=MAX_BULK), "error")
        return _render_review(422)
    logs = list(
        db.session.execute(
            sa.select(HourLog).where(HourLog.id.in_(ids), HourLog.status == "pending")
        ).scalars()
    )
    approved = sum(1 for log in logs if hours.approve(log, current_user.id) is not None)
    commit()
    flash(ngettext("%(num)d entry approved.", "%(num)d entries approved.", approved), "success")
    return redirect(url_for("volunteers.review"))
