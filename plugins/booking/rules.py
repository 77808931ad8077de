"""The booking rules of a space, checked before anything is stored: the opening hours,
closures, the time grid, lengths, the advance window, the weekly quota, the past.

Every refusal is a :class:`Refused` with a message in the user's language. Times are
aware; the rules are read in the community's time zone (a zone with daylight saving time
included: a local time that does not exist that day is refused)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup

from core.plugin_api import db
from plugins.booking.i18n import _
from plugins.booking.labels import with_data
from plugins.booking.models import CLAIM_MINUTES, HOLDING, Booking, Closure, OpeningHours, Space


class Refused(Exception):
    """A booking the rules or the calendar do not allow; ``message`` is for the user (with
    what people typed marked as data; ``str()`` is the same as plain text)."""

    @property
    def message(self) -> str:
        return self.args[0] if self.args else ""

    def __str__(self) -> str:
        message = self.message
        return message.striptags() if isinstance(message, Markup) else str(message)


class Taken(Refused):
    """The time is already booked (the database said so)."""


@dataclass(frozen=True)
class Request:
    """What someone asks for, in local time."""

    space: Space
    day: date
    start: time
    end: time
    person_id: int
    attendees: int = 1
    use: str = ""
    priority: bool = False  # a priority organisation: a longer window
    desk: bool = False  # staff at the desk: no quota, no window


def minutes_of(value: time) -> int:
    return value.hour * 60 + value.minute


def local_period(day: date, start: time, end: time, tz: str) -> tuple[datetime, datetime]:
    """The aware UTC start and end of a local period; ``Refused`` for a time the clock
    skips that day (daylight saving time)."""
    zone = ZoneInfo(tz)
    out = []
    for moment in (datetime.combine(day, start), datetime.combine(day, end)):
        aware = moment.replace(tzinfo=zone)
        utc = aware.astimezone(UTC)
        if utc.astimezone(zone).replace(tzinfo=None) != moment:
            raise Refused(
                _(
                    "%(time)s does not exist on that day (the clocks change).",
                    time=moment.strftime("%H:%M"),
                )
            )
        out.append(utc)
    return out[0], out[1]


def midnight(day: date, tz: str) -> datetime:
    """The UTC moment a local day starts."""
    return datetime.combine(day, time(0, 0), ZoneInfo(tz)).astimezone(UTC)


def week_of(day: date) -> date:
    """The Monday of the week ``day`` is in."""
    return day - timedelta(days=day.weekday())


def hours_of(space_id: int, weekday: int) -> list[tuple[int, int]]:
    rows = db.session.execute(
        db.select(OpeningHours.opens, OpeningHours.closes)
        .where(OpeningHours.space_id == space_id, OpeningHours.weekday == weekday)
        .order_by(OpeningHours.opens)
    ).all()
    return [(o, c) for o, c in rows]


def closure_on(space_id: int, day: date) -> Closure | None:
    return db.session.execute(
        db.select(Closure)
        .where(
            db.or_(Closure.space_id == space_id, Closure.space_id.is_(None)),
            Closure.first_day <= day,
            Closure.last_day >= day,
        )
        .limit(1)
    ).scalar_one_or_none()


def booked_minutes(person_id: int, space_id: int, since: datetime, until: datetime) -> int:
    rows = db.session.execute(
        db.select(Booking.starts_at, Booking.ends_at).where(
            Booking.person_id == person_id,
            Booking.space_id == space_id,
            Booking.status.in_(HOLDING),
            Booking.starts_at >= since,
            Booking.starts_at < until,
        )
    ).all()
    return sum(int((e - s).total_seconds() // 60) for s, e in rows)


def check(req: Request, tz: str, now: datetime) -> tuple[datetime, datetime]:
    """The UTC period if ``req`` keeps every rule of its space; else ``Refused``."""
    space = req.space
    if not space.active:
        raise Refused(_("This space cannot be booked at the moment."))
    start_min, end_min = minutes_of(req.start), minutes_of(req.end)
    if req.end == time(0, 0):
        end_min = 24 * 60  # until midnight
    if end_min <= start_min:
        raise Refused(_("The end must be after the start."))
    if start_min % CLAIM_MINUTES or end_min % CLAIM_MINUTES:
        raise Refused(_("Bookings start and end on the half hour (for example 19:00 or 19:30)."))
    length = end_min - start_min
    if length % space.slot_minutes:
        raise Refused(_("Book whole slots of %(minutes)d minutes.", minutes=space.slot_minutes))
    if length < space.min_minutes:
        raise Refused(_("Too short: book at least %(minutes)d minutes.", minutes=space.min_minutes))
    if length > space.max_minutes:
        raise Refused(_("Too long: book at most %(minutes)d minutes.", minutes=space.max_minutes))
    if req.attendees < 1 or req.attendees > space.capacity:
        raise Refused(_("This space holds at most %(n)d people.", n=space.capacity))
    uses = space.use_list()
    if req.use and uses and req.use not in uses:
        raise Refused(_("This space is not for that use; choose one of its uses."))
    period = next(
        (
            (o, c)
            for o, c in hours_of(space.id, req.day.weekday())
            if o <= start_min and end_min <= c
        ),
        None,
    )
    if period is None:
        raise Refused(_("The space is not open at that time; choose a time within its hours."))
    if (start_min - period[0]) % space.slot_minutes:
        first = f"{period[0] // 60:02d}:{period[0] % 60:02d}"
        raise Refused(
            _(
                "Start at the beginning of a slot: slots of %(minutes)d minutes from %(first)s.",
                minutes=space.slot_minutes,
                first=first,
            )
        )
    closure = closure_on(space.id, req.day)
    if closure is not None:
        closed = _("The space is closed on that day: %(reason)s")
        raise Refused(with_data(closed, reason=closure.reason or "-"))
    starts_at, ends_at = local_period(req.day, req.start, req.end, tz)
    if req.end == time(0, 0):
        ends_at = midnight(req.day + timedelta(days=1), tz)
    if starts_at < now:
        raise Refused(_("That time has passed; choose a time from now on."))
    if not req.desk:
        today = now.astimezone(ZoneInfo(tz)).date()
        window = space.advance_days * (2 if req.priority else 1)
        if req.day > today + timedelta(days=window):
            raise Refused(_("Too far ahead: you can book up to %(days)d days ahead.", days=window))
        if space.weekly_quota_minutes:
            monday = week_of(req.day)
            since, until = midnight(monday, tz), midnight(monday + timedelta(days=7), tz)
            used = booked_minutes(req.person_id, space.id, since, until)
            if used + length > space.weekly_quota_minutes:
                used_hours = f"{used / 60:g}"
                raise Refused(
                    _(
                        "Over your weekly quota of %(quota)d hours for this space "
                        "(%(used)s hours booked that week).",
                        quota=space.weekly_quota_minutes // 60,
                        used=used_hours,
                    )
                )
    return starts_at, ends_at
