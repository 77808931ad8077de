"""Time is timezone-aware everywhere; stored in UTC, shown in the community's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone=True columns: they are UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def to_local(value: datetime, tz: str = DEFAULT_TIMEZONE) -> datetime:
    return as_aware(value).astimezone(ZoneInfo(tz))
