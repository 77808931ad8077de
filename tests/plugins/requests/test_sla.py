"""When the first-response clock starts, in service hours (8:00–20:00, Shanghai)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from plugins.requests.sla import Targets, clock_start, first_response_met

T = Targets()


def utc(y, m, d, h, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=UTC)


def test_in_service_hours_the_clock_starts_at_once():
    assert clock_start(utc(2026, 3, 2, 2), T) == utc(2026, 3, 2, 2)


def test_before_opening_and_after_closing_it_starts_at_the_next_opening():
    assert clock_start(utc(2026, 3, 1, 22), T) == utc(2026, 3, 2, 0)  # 06:00 -> 08:00
    assert clock_start(utc(2026, 3, 2, 13), T) == utc(2026, 3, 3, 0)  # 21:00 -> next 08:00


def test_work_days_only_skips_the_weekend():
    friday_night = utc(2026, 3, 6, 13)  # Friday 21:00 local
    targets = Targets(work_days_only=True)
    assert clock_start(friday_night, targets) == utc(2026, 3, 9, 0)  # Monday 08:00


def test_met_or_missed():
    assert first_response_met(utc(2026, 3, 2, 2), utc(2026, 3, 2, 2, 5), T)
    assert not first_response_met(utc(2026, 3, 2, 2), utc(2026, 3, 2, 2, 6), T)
    assert first_response_met(
        utc(2026, 3, 2, 2),
        utc(2026, 3, 2, 2, 20),
        Targets(first_response_minutes=30, service_start=time(8), service_end=time(20)),
    )
