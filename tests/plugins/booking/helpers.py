"""Helpers shared by the booking tests."""

from __future__ import annotations

from datetime import date, timedelta

from core.plugin_api import commit, current_tenant, db, to_local, utcnow
from plugins.booking.models import OpeningHours, Space

BASE = "/c/alpha/booking"


def add_space(hours=((8 * 60, 22 * 60),), days=range(7), **fields) -> int:
    """A space open ``hours`` on ``days`` (every day 08:00-22:00 by default), committed."""
    space = Space(**{"name": "活动室", "uses": "排练,会议,课程", **fields})
    db.session.add(space)
    db.session.flush()
    db.session.add_all(
        OpeningHours(space_id=space.id, weekday=d, opens=o, closes=c)
        for d in days
        for o, c in hours
    )
    commit()
    return space.id


def local_today() -> date:
    return to_local(utcnow(), current_tenant().timezone).date()


def next_weekday(weekday: int, after_days: int = 1) -> date:
    """The first ``weekday`` (0 Monday) at least ``after_days`` days from today, local."""
    day = local_today() + timedelta(days=after_days)
    return day + timedelta(days=(weekday - day.weekday()) % 7)
