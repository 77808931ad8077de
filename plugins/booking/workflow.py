"""What happens to a booking: placed (instantly confirmed or waiting for staff), a
recurring series previewed and placed, approved, declined, cancelled, attended."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from flask import url_for

from core.plugin_api import (
    NotificationKind,
    audit,
    current_tenant,
    db,
    emit,
    get_member,
    members_with_permission,
    notify,
    plugin_settings,
    to_local,
)
from plugins.booking import reserve, rules
from plugins.booking.i18n import _l
from plugins.booking.models import Booking, Organisation, Space
from plugins.booking.rules import Refused

KINDS = [
    NotificationKind(
        "booking.decided",
        {
            "zh_Hans": "我的预约已确认、被拒绝或被取消",
            "en": "My bookings confirmed, declined or cancelled",
        },
    ),
    NotificationKind(
        "booking.reminder",
        {"zh_Hans": "场地预约提醒", "en": "Reminders of my bookings"},
    ),
    NotificationKind(
        "booking.pending",
        {"zh_Hans": "待审核的场地预约（工作人员）", "en": "Bookings waiting for approval (staff)"},
        email=False,
    ),
]
MAX_WEEKS = 26


@dataclass(frozen=True)
class Details:
    """What a booking is for and who places it (beside the time)."""

    purpose: str = ""
    organisation: Organisation | None = None
    channel: str = "online"
    created_by_id: int | None = None
    payment: str = ""


def tz() -> str:
    return current_tenant().timezone


def _link(booking: Booking) -> str:
    return url_for("booking.mine")


def when(booking: Booking) -> str:
    start, end = to_local(booking.starts_at, tz()), to_local(booking.ends_at, tz())
    return f"{start:%Y-%m-%d %H:%M}-{end:%H:%M}"


def _space_name(booking: Booking) -> str:
    space = db.session.get(Space, booking.space_id)
    return space.name if space else ""


def _name(person_id: int) -> str:
    member = get_member(person_id)
    return member.name if member else ""


def place(req: rules.Request, details: Details, now: datetime) -> Booking:
    """Check the rules and store the booking (``Refused``/``Taken`` otherwise)."""
    reserve.lock_person(req.person_id)
    if not req.desk:
        paused_check(req.person_id, now)
    starts_at, ends_at = rules.check(req, tz(), now)
    space, org = req.space, details.organisation
    hours = (ends_at - starts_at).total_seconds() / 3600
    fee = 0 if (org is not None and org.free) else round(space.fee_fen * hours)
    instant = space.approval == "instant" or details.channel == "desk" or req.priority
    booking = reserve.store(
        space,
        starts_at,
        ends_at,
        person_id=req.person_id,
        person_name=_name(req.person_id),
        organisation_id=org.id if org else None,
        purpose=details.purpose,
        use=req.use,
        attendees=req.attendees,
        status="confirmed" if instant else "pending",
        channel=details.channel,
        created_by_id=details.created_by_id,
        fee_fen=fee,
        payment=(details.payment or "desk") if fee else "",
    )
    audit("booking.placed", f"{space.name} {when(booking)}")
    if booking.status == "pending":
        notify(
            [m.user_id for m in members_with_permission("booking.manage")],
            "booking.pending",
            _l("Booking to approve: %(space)s %(when)s", space=space.name, when=when(booking)),
            url_for("booking.pending"),
            body=details.purpose,
        )
    elif details.channel == "desk":
        _tell(
            booking, _l("Booked for you: %(space)s %(when)s", space=space.name, when=when(booking))
        )
    if fee and booking.payment != "desk":
        emit(
            "booking_payment_chosen",
            booking_id=booking.id,
            person_id=booking.person_id,
            fee_fen=fee,
            payment=booking.payment,
        )
    return booking


NO_SHOW_DAYS = 90


def no_shows(person_id: int, now: datetime) -> int:
    return db.session.execute(
        db.select(db.func.count(Booking.id)).where(
            Booking.person_id == person_id,
            Booking.attendance == "no_show",
            Booking.starts_at >= now - timedelta(days=NO_SHOW_DAYS),
        )
    ).scalar()


def paused_check(person_id: int, now: datetime) -> None:
    """Refuse on-line booking to someone with too many recent no-shows (a setting)."""
    limit = plugin_settings("booking")["no_show_limit"]
    if limit and no_shows(person_id, now) >= limit:
        raise Refused(
            str(
                _l(
                    "Booking on-line is paused: %(n)d no-shows in the last %(days)d days. "
                    "Please book at the centre desk.",
                    n=limit,
                    days=NO_SHOW_DAYS,
                )
            )
        )


@dataclass
class Occurrence:
    day: date
    problem: str = ""  # why it cannot be booked ("" = free)
    booking: Booking | None = None


def series_days(first: date, weeks: int) -> list[date]:
    return [first + timedelta(weeks=n) for n in range(weeks)]


def preview_series(req: rules.Request, weeks: int, now: datetime) -> list[Occurrence]:
    """Each week's date and, if it cannot be booked, why (a booking already there, a
    closure, the advance window …). Nothing is stored."""
    out = []
    for day in series_days(req.day, weeks):
        occurrence = Occurrence(day)
        try:
            starts_at, ends_at = rules.check(replace(req, day=day), tz(), now)
            if taken(req.space.id, starts_at, ends_at):
                occurrence.problem = str(_l("Already booked"))
        except Refused as refusal:
            occurrence.problem = refusal.message
        out.append(occurrence)
    return out


def taken(space_id: int, starts_at: datetime, ends_at: datetime) -> bool:
    from plugins.booking.models import Claim

    return (
        db.session.execute(
            db.select(Claim.id)
            .where(
                Claim.space_id == space_id,
                Claim.slot_start >= starts_at,
                Claim.slot_start < ends_at,
            )
            .limit(1)
        ).first()
        is not None
    )


def place_series(
    req: rules.Request, weeks: int, details: Details, now: datetime
) -> list[Occurrence]:
    """Book every week that can be booked; the others come back with their reason."""
    series = secrets.token_hex(8)
    out = []
    for day in series_days(req.day, weeks):
        occurrence = Occurrence(day)
        try:
            occurrence.booking = place(replace(req, day=day), details, now)
            occurrence.booking.series = series
        except Refused as refusal:
            occurrence.problem = refusal.message
        out.append(occurrence)
    return out


def _tell(booking: Booking, title) -> None:
    notify([booking.person_id], "booking.decided", title, _link(booking), body=booking.reason)


def approve(booking: Booking, by: int) -> None:
    if booking.status != "pending":
        raise Refused(str(_l("Only a booking waiting for approval can be approved.")))
    booking.status = "confirmed"
    booking.decided_by_id = by
    audit("booking.approved", when(booking))
    _tell(
        booking,
        _l(
            "Your booking is confirmed: %(space)s %(when)s",
            space=_space_name(booking),
            when=when(booking),
        ),
    )


def reject(booking: Booking, by: int, reason: str) -> None:
    if booking.status != "pending":
        raise Refused(str(_l("Only a booking waiting for approval can be declined.")))
    reserve.release(booking, "rejected", reason, by)
    audit("booking.rejected", f"{when(booking)} {reason}")
    _tell(
        booking,
        _l(
            "Your booking was declined: %(space)s %(when)s",
            space=_space_name(booking),
            when=when(booking),
        ),
    )


def cancel(booking: Booking, by: int, reason: str = "") -> None:
    """The person cancels their own booking, or staff cancel it with a message."""
    reserve.release(booking, "cancelled", reason, by)
    audit("booking.cancelled", when(booking))
    if by != booking.person_id:
        _tell(
            booking,
            _l(
                "Your booking was cancelled: %(space)s %(when)s",
                space=_space_name(booking),
                when=when(booking),
            ),
        )


def mark_attendance(booking: Booking, attendance: str) -> None:
    if booking.status != "confirmed":
        raise Refused(str(_l("Only a confirmed booking can be checked in.")))
    booking.attendance = attendance
