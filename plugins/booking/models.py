"""Tables of the booking plugin (邻里中心): spaces and their rules, opening hours,
closures, photos, registered social organisations, bookings and the slot claims that make a
double booking impossible.

No double booking is a rule of the database, on both databases alike: every booking that
holds its time (pending or confirmed) owns one ``booking_claim`` row per
``CLAIM_MINUTES`` of it, and ``(tenant_id, space_id, slot_start)`` is unique. Two people
asking for overlapping times at the same moment both try to insert the same claim row and
the database lets exactly one of them win. On PostgreSQL an exclusion constraint over the
booking's time range (btree_gist) says the same thing a second time.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.plugin_api import (
    ID_TYPE,
    TenantScoped,
    UTCDateTime,
    db,
    member_column,
    tenant_foreign_key,
    utcnow,
)

CLAIM_MINUTES = 30  # the grain of the time grid; slot sizes are multiples of it
APPROVAL_MODES = ("instant", "staff")
STATUSES = ("pending", "confirmed", "cancelled", "rejected")
HOLDING = ("pending", "confirmed")  # statuses that keep the time taken
CHANNELS = ("online", "desk")
ATTENDANCE = ("checked_in", "no_show")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} in ({', '.join(repr(v) for v in values)})"


class Space(TenantScoped, db.Model):
    """A room or place residents may book, with its booking rules."""

    __tablename__ = "booking_space"
    __tenant_table_args__ = (
        sa.CheckConstraint(_in("approval", APPROVAL_MODES), name="approval"),
        sa.CheckConstraint(
            f"slot_minutes > 0 and slot_minutes % {CLAIM_MINUTES} = 0", name="slot_grain"
        ),
        sa.CheckConstraint("min_minutes > 0 and max_minutes >= min_minutes", name="lengths"),
        sa.Index("ix_booking_space_active", "tenant_id", "active", "position"),
    )

    name: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    capacity: Mapped[int] = mapped_column(default=10)
    equipment: Mapped[str] = mapped_column(sa.String(300), default="")
    uses: Mapped[str] = mapped_column(sa.String(300), default="")  # comma-separated
    approval: Mapped[str] = mapped_column(sa.String(8), default="instant")
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=100)
    fee_fen: Mapped[int] = mapped_column(default=0)  # per hour; 0 = free
    slot_minutes: Mapped[int] = mapped_column(default=60)
    min_minutes: Mapped[int] = mapped_column(default=60)
    max_minutes: Mapped[int] = mapped_column(default=240)
    advance_days: Mapped[int] = mapped_column(default=14)
    weekly_quota_minutes: Mapped[int] = mapped_column(default=0)  # per person; 0 = none

    def use_list(self) -> list[str]:
        words = [w.strip() for w in self.uses.replace("，", ",").split(",")]
        return [w for w in words if w]


MAX_SPACE_PHOTOS = 6


class SpacePhoto(TenantScoped, db.Model):
    """A photo of a space (not personal data), in the order staff gave; the file lives in
    the platform's photo store under ``stored_name``."""

    __tablename__ = "booking_space_photo"
    __tenant_table_args__ = (
        tenant_foreign_key("space_id", "booking_space", ondelete="CASCADE"),
        sa.Index("ix_booking_space_photo_space", "tenant_id", "space_id", "position"),
    )

    space_id: Mapped[int] = mapped_column(ID_TYPE)
    stored_name: Mapped[str] = mapped_column(sa.String(64))
    content_type: Mapped[str] = mapped_column(sa.String(32))
    size: Mapped[int] = mapped_column(default=0)
    caption: Mapped[str] = mapped_column(sa.String(120), default="")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OpeningHours(TenantScoped, db.Model):
    """One opening period of a space on a weekday (0 Monday … 6 Sunday), in local time,
    as minutes after midnight; a day may have several (09:00-12:00 and 18:00-21:30)."""

    __tablename__ = "booking_hours"
    __tenant_table_args__ = (
        tenant_foreign_key("space_id", "booking_space", ondelete="CASCADE"),
        sa.CheckConstraint("weekday between 0 and 6", name="weekday"),
        sa.CheckConstraint("opens >= 0 and closes <= 1440 and opens < closes", name="period"),
        sa.Index("ix_booking_hours_space", "tenant_id", "space_id", "weekday"),
    )

    space_id: Mapped[int] = mapped_column(ID_TYPE)
    weekday: Mapped[int] = mapped_column()
    opens: Mapped[int] = mapped_column()
    closes: Mapped[int] = mapped_column()


class Closure(TenantScoped, db.Model):
    """Days a space (or, without a space, the whole centre) is closed: holidays, works."""

    __tablename__ = "booking_closure"
    __tenant_table_args__ = (
        tenant_foreign_key("space_id", "booking_space", ondelete="CASCADE"),
        sa.CheckConstraint("first_day <= last_day", name="days"),
        sa.Index("ix_booking_closure_days", "tenant_id", "last_day", "first_day"),
    )

    space_id: Mapped[int | None] = mapped_column(ID_TYPE)
    first_day: Mapped[date] = mapped_column(sa.Date)
    last_day: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.String(120), default="")


class Organisation(TenantScoped, db.Model):
    """A registered social organisation (社会组织): its contact books for it, free of any
    fee, and with priority (instant confirmation, a longer booking window) if so marked."""

    __tablename__ = "booking_organisation"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "name", name="uq_booking_organisation_name"),
    )

    name: Mapped[str] = mapped_column(sa.String(80))
    contact_id: Mapped[int | None] = member_column()
    free: Mapped[bool] = mapped_column(default=True)
    priority: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)


class Booking(TenantScoped, db.Model):
    """One booking of one space for one period."""

    __tablename__ = "booking_booking"
    __tenant_table_args__ = (
        tenant_foreign_key("space_id", "booking_space", ondelete="CASCADE"),
        tenant_foreign_key("organisation_id", "booking_organisation"),  # never deleted: retired
        sa.CheckConstraint(_in("status", STATUSES), name="status"),
        sa.CheckConstraint(_in("channel", CHANNELS), name="channel"),
        sa.CheckConstraint(
            "attendance is null or " + _in("attendance", ATTENDANCE), name="attendance"
        ),
        sa.CheckConstraint("starts_at < ends_at", name="period"),
        sa.Index("ix_booking_booking_space_time", "tenant_id", "space_id", "starts_at"),
        sa.Index("ix_booking_booking_person", "tenant_id", "person_id", "starts_at"),
        sa.Index("ix_booking_booking_status", "tenant_id", "status", "starts_at"),
        sa.Index("ix_booking_booking_time", "tenant_id", "starts_at"),
    )

    space_id: Mapped[int] = mapped_column(ID_TYPE)
    person_id: Mapped[int] = member_column(nullable=False, index=False)
    # The name when booked: the desk sheet and the exports read it without a query each.
    person_name: Mapped[str] = mapped_column(sa.String(120), default="")
    organisation_id: Mapped[int | None] = mapped_column(ID_TYPE)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    purpose: Mapped[str] = mapped_column(sa.String(200), default="")
    use: Mapped[str] = mapped_column(sa.String(40), default="")
    attendees: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(sa.String(10), default="confirmed")
    channel: Mapped[str] = mapped_column(sa.String(8), default="online")
    series: Mapped[str] = mapped_column(sa.String(32), default="")  # recurring bookings
    fee_fen: Mapped[int] = mapped_column(default=0)
    payment: Mapped[str] = mapped_column(sa.String(60), default="")  # "desk", "<plugin>:…"
    reason: Mapped[str] = mapped_column(sa.String(300), default="")  # decline/cancel note
    decided_by_id: Mapped[int | None] = member_column()
    attendance: Mapped[str | None] = mapped_column(sa.String(12))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # told once
    created_by_id: Mapped[int | None] = member_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Claim(TenantScoped, db.Model):
    """One occupied grain of a space's time, owned by a holding booking. The unique key
    is the no-double-booking rule."""

    __tablename__ = "booking_claim"
    __tenant_table_args__ = (
        tenant_foreign_key("space_id", "booking_space", ondelete="CASCADE"),
        tenant_foreign_key("booking_id", "booking_booking", ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "space_id", "slot_start", name="uq_booking_claim_slot"),
        sa.Index("ix_booking_claim_booking", "tenant_id", "booking_id"),
    )

    space_id: Mapped[int] = mapped_column(ID_TYPE)
    booking_id: Mapped[int] = mapped_column(ID_TYPE)
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime())


# The same rule once more on PostgreSQL: holding bookings of one space never overlap.
EXCLUSION_SQL = (
    "ALTER TABLE booking_booking ADD CONSTRAINT ex_booking_booking_no_overlap "
    "EXCLUDE USING gist (tenant_id WITH =, space_id WITH =, "
    "tstzrange(starts_at, ends_at, '[)') WITH &&) "
    "WHERE (status in ('pending', 'confirmed'))"
)
sa.event.listen(
    Booking.__table__,
    "before_create",
    sa.DDL("CREATE EXTENSION IF NOT EXISTS btree_gist").execute_if(dialect="postgresql"),
)
sa.event.listen(
    Booking.__table__, "after_create", sa.DDL(EXCLUSION_SQL).execute_if(dialect="postgresql")
)
