"""What a resident does: see the week of a space (or the day across spaces), book a slot
or a weekly series, follow and cancel their own bookings."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms import SelectChoice

from core.plugin_api import (
    Unavailable,
    ask_plugins,
    cached_page,
    commit,
    db,
    localized,
    paginate,
    parse_date,
    parse_time,
    plugin_settings,
    public,
    requires,
    utcnow,
)
from plugins.booking import calendar, rules, workflow
from plugins.booking.forms import BookForm, CancelForm
from plugins.booking.i18n import _
from plugins.booking.labels import typed
from plugins.booking.models import Booking, Organisation, Space
from plugins.booking.photos import photos_of
from plugins.booking.views import booking_or_404, bp, can_manage, page, space_or_404, today, tz


def active_spaces() -> list[Space]:
    return list(
        db.session.execute(
            db.select(Space).where(Space.active.is_(True)).order_by(Space.position, Space.id)
        ).scalars()
    )


def _day_arg(name: str, default: date) -> tuple[date, str | None]:
    """A date from the query string; a bad one answers the default and a message."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return default, None
    parsed = parse_date(raw)
    if parsed is None:
        return default, _("“%(value)s” is not a date; showing this week instead.", value=raw)
    return parsed, None


@bp.route("/")
@cached_page
def index():
    """Every space, with one day across all of them (htmx moves between days)."""
    day, error = _day_arg("day", today())
    spaces = active_spaces()
    days = calendar.weeks(spaces, day, 1, tz(), utcnow(), current_user.id)
    context = dict(spaces=spaces, days=days, day=day, error=error, today=today())
    if request.htmx:
        return page("booking/_across.html", **context), 422 if error else 200
    return page("booking/index.html", **context), 422 if error else 200


@bp.route("/spaces/<int:space_id>")
@cached_page
def space(space_id: int):
    """The week calendar of one space; prev/next week swap only the calendar (htmx)."""
    space = space_or_404(space_id, active_only=True)
    day, error = _day_arg("week", today())
    monday = rules.week_of(day)
    context = dict(
        space=space,
        monday=monday,
        days=calendar.week(space, monday, tz(), utcnow(), current_user.id),
        error=error,
        today=today(),
    )
    status = 422 if error else 200
    if request.htmx:
        return page("booking/_week.html", **context), status
    photos = photos_of([space.id]).get(space.id, [])
    return page("booking/space.html", photos=photos, **context), status


def _organisations() -> list[Organisation]:
    select = db.select(Organisation).where(Organisation.active.is_(True))
    if not can_manage():
        select = select.where(Organisation.contact_id == current_user.id)
    return list(db.session.execute(select.order_by(Organisation.name)).scalars())


def payment_choices(space: Space, person_id: int) -> list[tuple[str, str]]:
    """At the desk, and whatever other plugins offer (volunteer points …)."""
    offered = []
    for plugin_id, answers in ask_plugins(
        "booking_payment_options", person_id=person_id, fee_fen=space.fee_fen, space_name=space.name
    ):
        if isinstance(answers, Unavailable):
            continue
        for a in answers or []:
            key = str(a.get("key", ""))
            if key.startswith(plugin_id + ":"):
                offered.append((a.get("order", 100), key, localized(a.get("label", key))))
    return [("desk", _("Pay at the desk"))] + [(k, label) for _o, k, label in sorted(offered)]


def _book_form(space: Space, orgs: list[Organisation]) -> BookForm:
    form = BookForm()
    if not can_manage():
        del form.person
    if space.use_list():
        form.use.choices = [SelectChoice("", _("Choose a use"))] + [
            SelectChoice(u, u, render_kw={"data-user": ""}) for u in space.use_list()
        ]
    else:
        del form.use
    if orgs:
        form.organisation_id.choices = [SelectChoice("", _("Myself"))] + [
            SelectChoice(o.id, o.name, render_kw={"data-user": ""}) for o in orgs
        ]
    else:
        del form.organisation_id
    if space.fee_fen:
        form.payment.choices = [
            SelectChoice(k, v) for k, v in payment_choices(space, current_user.id)
        ]
    else:
        del form.payment
    return form


def _prefill(form: BookForm, space: Space) -> None:
    if request.method != "GET":
        return
    day, start = parse_date(request.args.get("day")), parse_time(request.args.get("start"))
    if day and not form.day.data:
        form.day.data = day
    if start:
        form.start.data = start
        length = max(space.min_minutes, space.slot_minutes)
        end = (datetime.combine(date.min, start) + timedelta(minutes=length)).time()
        form.end.data = end if end > start else time(0, 0)


def _request_from(form: BookForm, space: Space, orgs: list[Organisation]) -> tuple:
    person = form.person.data if "person" in form and form.person.data else current_user.id
    org = None
    if "organisation_id" in form and form.organisation_id.data:
        org = next(o for o in orgs if o.id == form.organisation_id.data)
    desk = can_manage()
    req = rules.Request(
        space,
        form.day.data,
        form.start.data,
        form.end.data,
        person,
        attendees=form.attendees.data or 1,
        use=form.use.data if "use" in form else "",
        priority=bool(org and org.priority),
        desk=desk,
    )
    details = workflow.Details(
        purpose=form.purpose.data.strip(),
        organisation=org,
        channel="desk" if desk and person != current_user.id else "online",
        created_by_id=current_user.id,
        payment=form.payment.data if "payment" in form else "",
    )
    return req, details


@bp.route("/spaces/<int:space_id>/book", methods=["GET", "POST"])
@requires("booking.book")
def book(space_id: int):
    space = space_or_404(space_id, active_only=True)
    orgs = _organisations()
    form = _book_form(space, orgs)
    _prefill(form, space)
    context = dict(space=space, form=form, preview=None)
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return page("booking/book.html", **context), status
    req, details = _request_from(form, space, orgs)
    weeks = form.weeks.data or 1
    now = utcnow()
    try:
        if weeks > 1 and request.form.get("confirm") != "1":
            context["preview"] = workflow.preview_series(req, weeks, now)
            return page("booking/book.html", **context)
        if weeks > 1:
            placed = workflow.place_series(req, weeks, details, now)
            booked = [o for o in placed if o.booking is not None]
            if not booked:
                raise rules.Taken(_("None of these dates can be booked."))
            commit()
            flash(
                _(
                    "Booked %(booked)d of %(weeks)d dates; the others were skipped.",
                    booked=len(booked),
                    weeks=weeks,
                ),
                "success",
            )
            return redirect(url_for("booking.mine"))
        booking = workflow.place(req, details, now)
        commit()
    except rules.Refused as refusal:
        db.session.rollback()
        form.form_errors.append(refusal.message)
        status = 409 if isinstance(refusal, rules.Taken) else 422
        return page("booking/book.html", **context), status
    if booking.status == "pending":
        flash(_("Booking received; staff will confirm it. You will be told."), "success")
    else:
        words = Markup(escape(_("Booked: %(when)s, %(space)s.")))
        flash(words % {"when": workflow.when(booking), "space": typed(space.name)}, "success")
    if details.channel == "desk":
        return redirect(url_for("booking.day_sheet", day=form.day.data.isoformat()))
    return redirect(url_for("booking.mine"))


@bp.route("/mine")
@requires("booking.book")
def mine():
    """My bookings: the coming ones first, then the rest newest first (pages)."""
    now = utcnow()
    coming = db.session.execute(
        db.select(Booking, Space.name)
        .join(Space, Space.id == Booking.space_id)
        .where(
            Booking.person_id == current_user.id,
            Booking.ends_at > now,
            Booking.status.in_(("pending", "confirmed")),
        )
        .order_by(Booking.starts_at)
        .limit(100)
    ).all()
    select = db.select(Booking).where(
        Booking.person_id == current_user.id,
        db.or_(Booking.ends_at <= now, Booking.status.in_(("cancelled", "rejected"))),
    )
    older = paginate(select, Booking.id, per_page=20)
    names = {s.id: s.name for s in db.session.execute(db.select(Space)).scalars()}
    return page("booking/mine.html", coming=coming, page=older, names=names)


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@requires("booking.book")
def cancel(booking_id: int):
    """Ask first, then cancel (the booking's person, or staff with a message)."""
    booking = booking_or_404(booking_id, own=True)
    space = space_or_404(booking.space_id)
    form = CancelForm()
    if booking.status not in ("pending", "confirmed") or booking.ends_at <= utcnow():
        flash(_("This booking can no longer be cancelled."), "error")
        return page("booking/cancel.html", booking=booking, space=space, form=None), 409
    if form.validate_on_submit():
        workflow.cancel(booking, current_user.id, form.reason.data or "")
        commit()
        flash(_("Booking cancelled; the time is free for others."), "success")
        if booking.person_id != current_user.id:
            return redirect(url_for("booking.day_sheet"))
        return redirect(url_for("booking.mine"))
    status = 422 if request.method == "POST" else 200
    return page("booking/cancel.html", booking=booking, space=space, form=form), status


@bp.route("/free")
@cached_page
@public
def public_free():
    """Next week's free slots of every space, for anyone (no names)."""
    if not plugin_settings("booking")["public_free_slots"]:
        abort(404)
    spaces = active_spaces()
    first = today()
    return page(
        "booking/free.html",
        spaces=spaces,
        days=calendar.weeks(spaces, first, 7, tz(), utcnow(), None),
        photos=photos_of([s.id for s in spaces]),
    )
