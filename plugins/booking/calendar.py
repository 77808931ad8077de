"""The week of a space as a resident sees it: per day the slots, free or taken, past or
closed. Three queries whatever the number of bookings (hours, closures, the week's
bookings), so the page costs the same in a busy centre as in a new one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.plugin_api import db
from plugins.booking.models import HOLDING, Booking, Closure, OpeningHours, Space
from plugins.booking.rules import midnight, week_of


@dataclass
class Slot:
    start: time
    end: time
    state: str  # "free", "taken", "mine", "past"

    @property
    def evening(self) -> bool:
        return self.start >= time(18, 0)


@dataclass
class Day:
    day: date
    closed: str | None = None  # the closure's reason ("" when none given)
    slots: list[Slot] = field(default_factory=list)

    @property
    def free(self) -> int:
        return sum(1 for s in self.slots if s.state == "free")


def _time(minutes: int) -> time:
    return time(0, 0) if minutes >= 1440 else time(minutes // 60, minutes % 60)


def hours_by_weekday(space_ids: list[int]) -> dict[tuple[int, int], list[tuple[int, int]]]:
    out: dict[tuple[int, int], list[tuple[int, int]]] = {}
    rows = db.session.execute(
        db.select(
            OpeningHours.space_id, OpeningHours.weekday, OpeningHours.opens, OpeningHours.closes
        )
        .where(OpeningHours.space_id.in_(space_ids))
        .order_by(OpeningHours.opens)
    ).all()
    for space_id, weekday, opens, closes in rows:
        out.setdefault((space_id, weekday), []).append((opens, closes))
    return out


def closures_between(space_ids: list[int], first: date, last: date) -> list[Closure]:
    return list(
        db.session.execute(
            db.select(Closure).where(
                db.or_(Closure.space_id.in_(space_ids), Closure.space_id.is_(None)),
                Closure.first_day <= last,
                Closure.last_day >= first,
            )
        ).scalars()
    )


def holding_between(space_ids: list[int], since: datetime, until: datetime) -> list[tuple]:
    """(space_id, starts_at, ends_at, person_id) of the bookings that hold time."""
    return db.session.execute(
        db.select(Booking.space_id, Booking.starts_at, Booking.ends_at, Booking.person_id).where(
            Booking.space_id.in_(space_ids),
            Booking.status.in_(HOLDING),
            Booking.starts_at < until,
            # A booking lasts at most a (25-hour) day: this bound lets the index skip years
            # before (the condition on ends_at alone would read them all).
            Booking.starts_at >= since - timedelta(days=1, hours=1),
            Booking.ends_at > since,
        )
    ).all()


def weeks(
    spaces: list[Space], first: date, days: int, tz: str, now: datetime, me: int | None
) -> dict[int, list[Day]]:
    """``days`` days from ``first`` for each space: three queries in all."""
    ids = [s.id for s in spaces]
    if not ids:
        return {}
    last = first + timedelta(days=days - 1)
    hours = hours_by_weekday(ids)
    closures = closures_between(ids, first, last)
    since, until = midnight(first, tz), midnight(last + timedelta(days=1), tz)
    held = holding_between(ids, since, until)
    zone = ZoneInfo(tz)
    out = {}
    for space in spaces:
        mine = [(s, e, p == me) for sid, s, e, p in held if sid == space.id]
        out[space.id] = []
        for n in range(days):
            day = first + timedelta(days=n)
            entry = Day(day)
            for c in closures:
                if c.space_id in (None, space.id) and c.first_day <= day <= c.last_day:
                    entry.closed = c.reason
            if entry.closed is None:
                day_start = datetime.combine(day, time(0, 0), zone)
                day_end = day_start + timedelta(days=1, hours=1)
                today = [h for h in mine if h[0] < day_end and h[1] > day_start]
                for opens, closes in hours.get((space.id, day.weekday()), []):
                    at = opens
                    while at + space.slot_minutes <= closes:
                        entry.slots.append(_slot(day, at, space.slot_minutes, zone, now, today))
                        at += space.slot_minutes
            out[space.id].append(entry)
    return out


def _slot(day: date, at: int, length: int, zone: ZoneInfo, now: datetime, held) -> Slot:
    start_local = datetime.combine(day, _time(at), zone)
    end_local = start_local + timedelta(minutes=length)
    slot = Slot(_time(at), _time(at + length), "free")
    for s, e, own in held:
        if s < end_local and e > start_local:
            slot.state = "mine" if own else "taken"
            return slot
    if start_local < now:
        slot.state = "past"
    return slot


def week(space: Space, any_day: date, tz: str, now: datetime, me: int | None) -> list[Day]:
    return weeks([space], week_of(any_day), 7, tz, now, me)[space.id]
