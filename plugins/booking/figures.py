"""Figures that show the centre serves residents: hours booked per space, the share of
evening and weekend hours, occupancy by week, a weekday x hour heat map, no-show rate,
hours by use and by organisation. A fixed number of queries for any period."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.plugin_api import db
from plugins.booking.calendar import closures_between, hours_by_weekday
from plugins.booking.models import Booking, Organisation, Space
from plugins.booking.rules import midnight, week_of


@dataclass
class SpaceFigures:
    space: Space
    hours: float = 0.0
    evening: float = 0.0
    weekend: float = 0.0
    bookings: int = 0
    no_shows: int = 0
    marked: int = 0  # bookings checked in or marked no-show
    open_hours: float = 0.0

    @property
    def occupancy(self) -> float:
        return self.hours / self.open_hours if self.open_hours else 0.0


@dataclass
class Report:
    first: date
    last: date
    spaces: list[SpaceFigures]
    weeks: list[tuple[date, float, float]]  # monday, booked hours, open hours
    heat: list[list[float]]  # [weekday][hour] booked hours
    by_use: list[tuple[str, float]]
    by_organisation: list[tuple[str, float]]
    totals: SpaceFigures = field(default=None)  # type: ignore[assignment]

    @property
    def heat_max(self) -> float:
        return max((v for row in self.heat for v in row), default=0.0)


def _hours(a: datetime, b: datetime) -> float:
    return max(0.0, (b - a).total_seconds() / 3600)


def _split_hours(start: datetime, end: datetime):
    """Yield (local hour start, hours) pieces of a local period, cut at each full hour."""
    at = start
    while at < end:
        nxt = min(end, at.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1))
        yield at, _hours(at, nxt)
        at = nxt


def build(first: date, last: date, tz: str, evening_from: int = 18) -> Report:
    zone = ZoneInfo(tz)
    spaces = list(db.session.execute(db.select(Space).order_by(Space.position, Space.id)).scalars())
    per_space = {s.id: SpaceFigures(s) for s in spaces}
    rows = db.session.execute(
        db.select(
            Booking.space_id, Booking.starts_at, Booking.ends_at, Booking.use,
            Booking.organisation_id, Booking.attendance,
        ).where(
            Booking.status == "confirmed",
            Booking.starts_at >= midnight(first, tz),
            Booking.starts_at < midnight(last + timedelta(days=1), tz),
        )
    ).all()  # fmt: skip
    orgs = dict(db.session.execute(db.select(Organisation.id, Organisation.name)).all())
    heat = [[0.0] * 24 for _d in range(7)]
    weeks: dict[date, list[float]] = defaultdict(lambda: [0.0, 0.0])
    uses: dict[str, float] = defaultdict(float)
    by_org: dict[str, float] = defaultdict(float)
    for space_id, starts_at, ends_at, use, org_id, attendance in rows:
        fig = per_space.get(space_id)
        if fig is None:
            continue
        start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
        length = _hours(start, end)
        fig.hours += length
        fig.bookings += 1
        if attendance:
            fig.marked += 1
            fig.no_shows += attendance == "no_show"
        for at, piece in _split_hours(start, end):
            heat[at.weekday()][at.hour] += piece
            if at.hour >= evening_from:
                fig.evening += piece
            if at.weekday() >= 5:
                fig.weekend += piece
        weeks[week_of(start.date())][0] += length
        uses[use or "-"] += length
        if org_id:
            by_org[orgs.get(org_id, "-")] += length
    _open_hours(spaces, per_space, weeks, first, last)
    total = SpaceFigures(Space(name=""))
    for fig in per_space.values():
        for name in ("hours", "evening", "weekend", "bookings", "no_shows", "marked", "open_hours"):
            setattr(total, name, getattr(total, name) + getattr(fig, name))
    return Report(
        first,
        last,
        list(per_space.values()),
        sorted((monday, booked, opened) for monday, (booked, opened) in weeks.items()),
        heat,
        sorted(uses.items(), key=lambda kv: -kv[1]),
        sorted(by_org.items(), key=lambda kv: -kv[1]),
        total,
    )


def _open_hours(spaces, per_space, weeks, first: date, last: date) -> None:
    """Opening hours in the period (closures left out): the denominator of occupancy."""
    ids = [s.id for s in spaces]
    if not ids:
        return
    hours = hours_by_weekday(ids)
    closures = closures_between(ids, first, last)
    day = first
    while day <= last:
        for space in spaces:
            if any(c.space_id in (None, space.id) and c.first_day <= day <= c.last_day
                   for c in closures):  # fmt: skip
                continue
            opened = sum(c - o for o, c in hours.get((space.id, day.weekday()), [])) / 60
            per_space[space.id].open_hours += opened
            weeks[week_of(day)][1] += opened
        day += timedelta(days=1)
