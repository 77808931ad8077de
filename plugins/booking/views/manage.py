"""What staff do at the centre desk: spaces and their rules, opening hours, closures,
registered organisations, approvals, the day sheet with check-in."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from core.plugin_api import audit, commit, db, parse_date, requires, to_local, utcnow
from plugins.booking import calendar, rules, workflow
from plugins.booking.forms import (
    ClosureForm,
    OrganisationForm,
    ReasonForm,
    SpaceForm,
    format_periods,
)
from plugins.booking.i18n import _
from plugins.booking.models import (
    HOLDING,
    Booking,
    Closure,
    OpeningHours,
    Organisation,
    Space,
)
from plugins.booking.views import booking_or_404, bp, page, space_or_404, today, tz

MANAGE = "booking.manage"


def all_spaces() -> list[Space]:
    return list(db.session.execute(db.select(Space).order_by(Space.position, Space.id)).scalars())


@bp.route("/manage")
@requires(MANAGE)
def manage():
    pending = db.session.execute(
        db.select(db.func.count(Booking.id)).where(Booking.status == "pending")
    ).scalar()
    return page("booking/manage.html", spaces=all_spaces(), pending=pending)


def _fill_space(form: SpaceForm, space: Space) -> None:
    space.name = form.name.data.strip()
    space.description = form.description.data or ""
    space.capacity = form.capacity.data
    space.equipment = (form.equipment.data or "").strip()
    space.uses = (form.uses.data or "").strip()
    space.approval = form.approval.data
    space.fee_fen = (form.fee_yuan.data or 0) * 100
    space.slot_minutes = form.slot_minutes.data
    space.min_minutes = form.min_minutes.data
    space.max_minutes = form.max_minutes.data
    space.advance_days = form.advance_days.data
    space.weekly_quota_minutes = (form.weekly_quota_hours.data or 0) * 60
    space.active = bool(form.active.data)


def _save_hours(space: Space, hours: dict[int, list[tuple[int, int]]]) -> None:
    db.session.execute(db.delete(OpeningHours).where(OpeningHours.space_id == space.id))
    db.session.add_all(
        OpeningHours(space_id=space.id, weekday=d, opens=o, closes=c)
        for d, periods in hours.items()
        for o, c in periods
    )


def _space_form(space: Space | None) -> SpaceForm:
    if request.method != "GET" or space is None:
        form = SpaceForm()
        if space is None and request.method == "GET":
            for d in range(5):
                getattr(form, f"hours_{d}").data = "09:00-12:00, 14:00-21:00"
            form.hours_5.data = form.hours_6.data = "09:00-21:00"
        return form
    hours = calendar.hours_by_weekday([space.id])
    data = {
        "name": space.name, "description": space.description, "capacity": space.capacity,
        "equipment": space.equipment, "uses": space.uses, "approval": space.approval,
        "fee_yuan": space.fee_fen // 100, "slot_minutes": space.slot_minutes,
        "min_minutes": space.min_minutes, "max_minutes": space.max_minutes,
        "advance_days": space.advance_days,
        "weekly_quota_hours": space.weekly_quota_minutes // 60, "active": space.active,
    }  # fmt: skip
    for d in range(7):
        data[f"hours_{d}"] = format_periods(hours.get((space.id, d), []))
    return SpaceForm(data=data)


@bp.route("/manage/spaces/new", methods=["GET", "POST"])
@requires(MANAGE)
def new_space():
    return _space_page(None)


@bp.route("/manage/spaces/<int:space_id>/edit", methods=["GET", "POST"])
@requires(MANAGE)
def edit_space(space_id: int):
    return _space_page(space_or_404(space_id))


def _space_page(space: Space | None):
    form = _space_form(space)
    if form.validate_on_submit():
        slot = form.slot_minutes.data
        if slot > form.min_minutes.data or form.min_minutes.data % slot:
            form.min_minutes.errors.append(_("The shortest booking must be whole slots."))
        else:
            if space is None:
                space = Space()
                db.session.add(space)
            _fill_space(form, space)
            db.session.flush()
            _save_hours(space, form.hours())
            audit("booking.space_saved", space.name)
            commit()
            flash(_("Space saved."), "success")
            return redirect(url_for("booking.manage"))
    status = 422 if request.method == "POST" else 200
    return page("booking/space_form.html", form=form, space=space), status


@bp.route("/manage/closures", methods=["GET", "POST"])
@requires(MANAGE)
def closures():
    form = ClosureForm()
    spaces = all_spaces()
    space_id = request.form.get("space_id", "")
    chosen = None
    if space_id:
        chosen = next((s for s in spaces if str(s.id) == space_id), None)
    space_error = None
    if request.method == "POST" and space_id and chosen is None:
        form.validate_on_submit()  # the other fields' messages too
        space_error = _("Choose one of the spaces, or the whole centre.")
    elif form.validate_on_submit():
        db.session.add(
            Closure(
                space_id=chosen.id if chosen else None,
                first_day=form.first_day.data,
                last_day=form.last_day.data or form.first_day.data,
                reason=form.reason.data.strip(),
            )
        )
        audit("booking.closure_added", form.reason.data)
        commit()
        flash(
            _(
                "Closure saved. Bookings already made on those days are kept; "
                "cancel them from the day sheet if need be."
            ),
            "success",
        )
        return redirect(url_for("booking.closures"))
    rows = db.session.execute(
        db.select(Closure).where(Closure.last_day >= today()).order_by(Closure.first_day)
    ).scalars()
    names = {s.id: s.name for s in spaces}
    status = 422 if request.method == "POST" else 200
    return page(
        "booking/closures.html", form=form, closures=list(rows), spaces=spaces, names=names,
        chosen=space_id, space_error=space_error,
    ), status  # fmt: skip


@bp.route("/manage/closures/<int:closure_id>/delete", methods=["POST"])
@requires(MANAGE)
def delete_closure(closure_id: int):
    closure = db.session.execute(
        db.select(Closure).where(Closure.id == closure_id)
    ).scalar_one_or_none()
    if closure is None:
        abort(404)
    db.session.delete(closure)
    audit("booking.closure_removed", closure.reason)
    commit()
    flash(_("Closure removed."), "success")
    return redirect(url_for("booking.closures"))


@bp.route("/manage/organisations", methods=["GET", "POST"])
@requires(MANAGE)
def organisations():
    form = OrganisationForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        exists = db.session.execute(
            db.select(Organisation.id).where(Organisation.name == name)
        ).first()
        if exists:
            form.name.errors.append(_("This organisation is already registered."))
        else:
            db.session.add(
                Organisation(name=name, contact_id=form.contact.data, free=bool(form.free.data),
                             priority=bool(form.priority.data))
            )  # fmt: skip
            audit("booking.organisation_added", name)
            commit()
            flash(_("Organisation registered."), "success")
            return redirect(url_for("booking.organisations"))
    rows = db.session.execute(
        db.select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name)
    ).scalars()
    status = 422 if request.method == "POST" else 200
    return page("booking/organisations.html", form=form, organisations=list(rows)), status


@bp.route("/manage/organisations/<int:organisation_id>/retire", methods=["POST"])
@requires(MANAGE)
def retire_organisation(organisation_id: int):
    org = db.session.execute(
        db.select(Organisation).where(Organisation.id == organisation_id)
    ).scalar_one_or_none()
    if org is None:
        abort(404)
    org.active = False
    audit("booking.organisation_retired", org.name)
    commit()
    flash(_("Organisation removed from the list; its past bookings are kept."), "success")
    return redirect(url_for("booking.organisations"))


def _pending_page(forms: dict | None = None, status: int = 200):
    rows = db.session.execute(
        db.select(Booking, Space.name)
        .join(Space, Space.id == Booking.space_id)
        .where(Booking.status == "pending")
        .order_by(Booking.starts_at)
        .limit(200)
    ).all()
    forms = forms or {}
    return page(
        "booking/pending.html",
        rows=rows,
        forms={b.id: forms.get(b.id) or ReasonForm(formdata=None) for b, _n in rows},
    ), status


@bp.route("/manage/pending")
@requires(MANAGE)
def pending():
    return _pending_page()


@bp.route("/manage/bookings/<int:booking_id>/approve", methods=["POST"])
@requires(MANAGE)
def approve(booking_id: int):
    booking = booking_or_404(booking_id)
    try:
        workflow.approve(booking, current_user.id)
    except rules.Refused as refusal:
        flash(refusal.message, "error")
        return _pending_page(status=409)
    commit()
    flash(_("Booking confirmed; the resident is told."), "success")
    return redirect(url_for("booking.pending"))


@bp.route("/manage/bookings/<int:booking_id>/reject", methods=["POST"])
@requires(MANAGE)
def reject(booking_id: int):
    booking = booking_or_404(booking_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _pending_page({booking.id: form}, 422)
    try:
        workflow.reject(booking, current_user.id, form.reason.data.strip())
    except rules.Refused as refusal:
        flash(refusal.message, "error")
        return _pending_page(status=409)
    commit()
    flash(_("Booking declined; the resident is told why."), "success")
    return redirect(url_for("booking.pending"))


def _day_page(day: date, error: str | None = None, status: int = 200):
    since, until = rules.midnight(day, tz()), rules.midnight(day + timedelta(days=1), tz())
    rows = db.session.execute(
        db.select(Booking, Space.name)
        .join(Space, Space.id == Booking.space_id)
        .where(Booking.starts_at >= since, Booking.starts_at < until, Booking.status.in_(HOLDING))
        .order_by(Space.position, Space.id, Booking.starts_at)
    ).all()
    return page(
        "booking/day.html", rows=rows, day=day, error=error, spaces=all_spaces(), now=utcnow()
    ), status


@bp.route("/manage/day")
@requires(MANAGE)
def day_sheet():
    """The desk's sheet for one day: every booking, who, what for, check-in."""
    raw = request.args.get("day")
    day = parse_date(raw) if raw else today()
    if day is None:
        return _day_page(today(), _("“%(value)s” is not a date; showing today.", value=raw), 422)
    return _day_page(day)


@bp.route("/manage/bookings/<int:booking_id>/attendance", methods=["POST"])
@requires(MANAGE)
def attendance(booking_id: int):
    booking = booking_or_404(booking_id)
    local_day = to_local(booking.starts_at, tz()).date()
    value = request.form.get("attendance", "")
    if value not in ("checked_in", "no_show"):
        return _day_page(local_day, _("Choose whether they came or not."), 422)
    try:
        workflow.mark_attendance(booking, value)
    except rules.Refused as refusal:
        return _day_page(local_day, refusal.message, 409)
    commit()
    return redirect(url_for("booking.day_sheet", day=local_day.isoformat()))
