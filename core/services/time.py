"""Time is timezone-aware everywhere; stored in UTC, shown in the community's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

DEFAULT_TIMEZONE = "Asia/Shanghai"


def utcnow() -> datetime:
    """The current time, aware, in UTC: what a ``UTCDateTime`` column stores."""
    return datetime.now(UTC)


def as_aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone=True columns: they are UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def to_local(value: datetime, tz: str = DEFAULT_TIMEZONE) -> datetime:
    """``value`` (aware, or naive meaning UTC) as the wall-clock time in zone ``tz``."""
    return as_aware(value).astimezone(ZoneInfo(tz))


class UTCDateTime(TypeDecorator):
    """A timezone-aware DateTime that is always UTC on the way in and out.

    SQLite keeps no offset: an aware value is stored as its wall-clock time, so 09:00+08:00
    would read back as 09:00 UTC. Normalising to UTC on bind and marking results as UTC
    makes both databases agree.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give it a time zone (use utcnow())")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        return None if value is None else as_aware(value).astimezone(UTC)
