"""Response targets: the first-response clock runs only in service hours (8:00–20:00)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.plugin_api import DEFAULT_TIMEZONE, to_local


@dataclass(frozen=True)
class Targets:
    first_response_minutes: int = 5
    service_start: time = time(8, 0)
    service_end: time = time(20, 0)
    work_days_only: bool = False
    close_days: int = 7
    red_deadline_days: int = 5
    timezone: str = DEFAULT_TIMEZONE

    @classmethod
    def from_settings(cls, settings: dict, timezone: str) -> Targets:
        return cls(
            first_response_minutes=settings["first_response_minutes"],
            service_start=settings["service_start"],
            service_end=settings["service_end"],
            work_days_only=settings["work_days_only"],
            close_days=settings["close_target_days"],
            red_deadline_days=settings["red_deadline_days"],
            timezone=timezone,
        )


def clock_start(received: datetime, targets: Targets) -> datetime:
    """When the response clock starts: at once in service hours, else at the next opening."""
    local = to_local(received, targets.timezone)
    zone = ZoneInfo(targets.timezone)
    day = local.date()
    for _ in range(8):
        working = not targets.work_days_only or day.weekday() < 5
        opening = datetime.combine(day, targets.service_start, zone)
        closing = datetime.combine(day, targets.service_end, zone)
        if working and local < closing:
            return max(local, opening)
        day += timedelta(days=1)
        local = datetime.combine(day, time(0, 0), zone)
    return to_local(received, targets.timezone)  # no service hours configured at all


def first_response_met(received: datetime, responded: datetime, targets: Targets) -> bool:
    due = clock_start(received, targets) + timedelta(minutes=targets.first_response_minutes)
    return to_local(responded, targets.timezone) <= due
