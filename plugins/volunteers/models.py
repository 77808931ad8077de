"""Tables of the volunteers plugin (志愿积分, 积分超市).

Hours are kept in whole minutes and points are integers. The points ledger is append-only:
a mistake is corrected with a reversal entry, never by editing one. Each member's kept
balance (``volunteers_balance``) changes in the same transaction as the entry that moves
it, and the database refuses a balance or a stock below zero (CHECK constraints), so a
conditional UPDATE that loses a race changes nothing instead of overdrawing.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import event
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

ACTIVITY_STATUSES = ("published", "cancelled")
SIGNUP_STATUSES = ("signed_up", "cancelled")
LOG_STATUSES = ("open", "pending", "approved", "rejected")  # open: checked in, not out yet
LOG_SOURCES = ("qr", "self")
ENTRY_KINDS = ("award", "redeem", "refund", "reversal", "spend", "grant")
REDEMPTION_STATUSES = ("pending", "ready", "handed_over", "cancelled")
NEED_STATUSES = ("open", "met")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} in ({', '.join(repr(v) for v in values)})"


class ServiceCategory(TenantScoped, db.Model):
    """A kind of service with its points rate: points = hours × rate × multiplier."""

    __tablename__ = "volunteers_category"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "name", name="uq_volunteers_category_name"),
        sa.CheckConstraint("rate_per_hour >= 0", name="rate"),
        sa.CheckConstraint("multiplier_pct between 0 and 1000", name="multiplier"),
    )

    name: Mapped[str] = mapped_column(sa.String(60))
    rate_per_hour: Mapped[int] = mapped_column(default=10)  # points per hour
    multiplier_pct: Mapped[int] = mapped_column(default=100)  # 150 = ×1.5
    active: Mapped[bool] = mapped_column(default=True)


class Team(TenantScoped, db.Model):
    """A volunteer team (志愿服务队); private matters can be referred to it."""

    __tablename__ = "volunteers_team"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "name", name="uq_volunteers_team_name"),
    )

    name: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    contact: Mapped[str] = mapped_column(sa.String(80), default="")  # 每周六上午 · 电话
    active: Mapped[bool] = mapped_column(default=True)


class Activity(TenantScoped, db.Model):
    """An activity or project volunteers sign up for and log hours at."""

    __tablename__ = "volunteers_activity"
    __tenant_table_args__ = (
        sa.CheckConstraint(_in("status", ACTIVITY_STATUSES), name="status"),
        sa.CheckConstraint("ends_at > starts_at", name="window"),
        sa.CheckConstraint("slots >= 1 and taken >= 0 and taken <= slots", name="slots"),
        tenant_foreign_key("category_id", "volunteers_category"),
        tenant_foreign_key("team_id", "volunteers_team", ondelete="SET NULL"),
        sa.Index("ix_volunteers_activity_starts", "tenant_id", "status", "starts_at"),
    )

    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    place: Mapped[str] = mapped_column(sa.String(120), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    slots: Mapped[int] = mapped_column(default=10)
    taken: Mapped[int] = mapped_column(default=0)  # kept with each sign-up, never above slots
    skills: Mapped[str] = mapped_column(sa.String(200), default="")
    category_id: Mapped[int] = mapped_column(ID_TYPE)
    team_id: Mapped[int | None] = mapped_column(ID_TYPE)
    status: Mapped[str] = mapped_column(sa.String(12), default="published")
    qr_version: Mapped[int] = mapped_column(default=1)  # bumped to void printed codes
    created_by_id: Mapped[int | None] = member_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Signup(TenantScoped, db.Model):
    __tablename__ = "volunteers_signup"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "activity_id", "user_id", name="uq_volunteers_signup"),
        sa.CheckConstraint(_in("status", SIGNUP_STATUSES), name="status"),
        tenant_foreign_key("activity_id", "volunteers_activity", ondelete="CASCADE"),
    )

    activity_id: Mapped[int] = mapped_column(ID_TYPE)
    user_id: Mapped[int] = member_column(nullable=False)
    status: Mapped[str] = mapped_column(sa.String(12), default="signed_up")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class HourLog(TenantScoped, db.Model):
    """Time a volunteer served: a QR check-in/out or a self-report, then reviewed."""

    __tablename__ = "volunteers_hour_log"
    __tenant_table_args__ = (
        sa.CheckConstraint(_in("status", LOG_STATUSES), name="status"),
        sa.CheckConstraint(_in("source", LOG_SOURCES), name="source"),
        sa.CheckConstraint("minutes >= 0 and minutes <= 1440", name="minutes"),
        sa.CheckConstraint("ends_at is null or ends_at > starts_at", name="window"),
        sa.CheckConstraint("points >= 0", name="points"),
        tenant_foreign_key("activity_id", "volunteers_activity", ondelete="SET NULL"),
        tenant_foreign_key("category_id", "volunteers_category"),
        sa.Index("ix_volunteers_hour_log_user", "tenant_id", "user_id", "id"),
        sa.Index("ix_volunteers_hour_log_status", "tenant_id", "status", "id"),
        sa.Index("ix_volunteers_hour_log_date", "tenant_id", "status", "work_date", "user_id"),
        # a volunteer's first and last approved day: two index probes, not a scan
        sa.Index("ix_volunteers_hour_log_user_days", "tenant_id", "user_id", "status", "work_date"),
    )

    user_id: Mapped[int] = member_column(nullable=False, index=False)
    activity_id: Mapped[int | None] = mapped_column(ID_TYPE)
    category_id: Mapped[int] = mapped_column(ID_TYPE)
    source: Mapped[str] = mapped_column(sa.String(8))
    status: Mapped[str] = mapped_column(sa.String(10))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    work_date: Mapped[date] = mapped_column(sa.Date)  # community's calendar day
    minutes: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    reason: Mapped[str] = mapped_column(sa.String(300), default="")  # why rejected
    points: Mapped[int] = mapped_column(default=0)  # awarded on approval
    reviewed_by_id: Mapped[int | None] = member_column()
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MonthTotal(TenantScoped, db.Model):
    """A volunteer's kept totals for one month of work dates (``month``: its first day):
    always the sums over their hour logs of that month (``monthly.py`` changes them in the
    transaction of each write; ``flask volunteers totals check`` compares). The volunteer's
    page and the leaderboard read these instead of every log."""

    __tablename__ = "volunteers_month_total"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "user_id", "month", name="uq_volunteers_month_total"),
    )

    user_id: Mapped[int] = member_column(nullable=False, index=False)
    month: Mapped[date] = mapped_column(sa.Date)
    minutes: Mapped[int] = mapped_column(sa.BigInteger, default=0)  # approved
    services: Mapped[int] = mapped_column(default=0)  # approved logs
    pending_minutes: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    points: Mapped[int] = mapped_column(sa.BigInteger, default=0)  # awarded with the hours


# The month's leaderboard: the top of one month read in index order, no sort of the month.
sa.Index(
    "ix_volunteers_month_total_rank",
    MonthTotal.tenant_id,
    MonthTotal.month,
    MonthTotal.minutes.desc(),
    MonthTotal.user_id,
)

ALL_YEARS = 0  # the ``year`` of a volunteer's row of all years together


class YearTotal(TenantScoped, db.Model):
    """A volunteer's kept approved totals for one local year of work dates (``year``), and
    for all years together (``year`` = ``ALL_YEARS``): always the sums over their approved
    hour logs, changed with the month totals in the transaction of each write
    (``monthly.py``). The year and all-time leaderboards read the top rows of an index,
    whatever the number of volunteers or logs."""

    __tablename__ = "volunteers_year_total"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "year", "user_id", name="uq_volunteers_year_total"),
    )

    user_id: Mapped[int] = member_column(nullable=False)  # indexed: an account's deletion
    year: Mapped[int] = mapped_column()
    minutes: Mapped[int] = mapped_column(sa.BigInteger, default=0)  # approved
    services: Mapped[int] = mapped_column(default=0)  # approved logs
    points: Mapped[int] = mapped_column(sa.BigInteger, default=0)  # awarded with the hours


sa.Index(
    "ix_volunteers_year_total_rank",
    YearTotal.tenant_id,
    YearTotal.year,
    YearTotal.minutes.desc(),
    YearTotal.user_id,
)


class Balance(TenantScoped, db.Model):
    """A member's kept points balance: always the sum of their ledger entries."""

    __tablename__ = "volunteers_balance"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "user_id", name="uq_volunteers_balance_user"),
        sa.CheckConstraint("balance >= 0", name="not_negative"),
    )

    user_id: Mapped[int] = member_column(nullable=False, index=False)
    balance: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class Entry(TenantScoped, db.Model):
    """One line of the append-only points ledger; every entry says why."""

    __tablename__ = "volunteers_entry"
    __tenant_table_args__ = (
        sa.CheckConstraint(_in("kind", ENTRY_KINDS), name="kind"),
        sa.CheckConstraint("amount <> 0", name="amount"),
        sa.UniqueConstraint("tenant_id", "reverses_id", name="uq_volunteers_entry_reverses"),
        tenant_foreign_key("reverses_id", "volunteers_entry"),
        sa.Index("ix_volunteers_entry_user", "tenant_id", "user_id", "id"),
    )

    user_id: Mapped[int] = member_column(nullable=False, index=False)
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    kind: Mapped[str] = mapped_column(sa.String(10))
    reason: Mapped[str] = mapped_column(sa.String(200))
    reference: Mapped[str] = mapped_column(sa.String(80), default="")  # "hours:12", "booking:7"
    reverses_id: Mapped[int | None] = mapped_column(ID_TYPE)
    created_by_id: Mapped[int | None] = member_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


@event.listens_for(Entry, "before_update")
@event.listens_for(Entry, "before_delete")
def _append_only(_mapper, _connection, target: Entry) -> None:
    raise ValueError("volunteers_entry is append-only: add a reversal entry instead")


class Item(TenantScoped, db.Model):
    """Something in the points shop (积分超市): goods or a service."""

    __tablename__ = "volunteers_item"
    __tenant_table_args__ = (
        sa.CheckConstraint("price > 0", name="price"),
        sa.CheckConstraint("stock >= 0", name="stock"),
    )

    name: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    price: Mapped[int] = mapped_column()  # points
    stock: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Redemption(TenantScoped, db.Model):
    __tablename__ = "volunteers_redemption"
    __tenant_table_args__ = (
        sa.CheckConstraint(_in("status", REDEMPTION_STATUSES), name="status"),
        tenant_foreign_key("item_id", "volunteers_item"),
        sa.Index("ix_volunteers_redemption_status", "tenant_id", "status", "id"),
        sa.Index("ix_volunteers_redemption_user", "tenant_id", "user_id", "id"),
    )

    item_id: Mapped[int] = mapped_column(ID_TYPE)
    item_name: Mapped[str] = mapped_column(sa.String(80))
    user_id: Mapped[int] = member_column(nullable=False, index=False)
    points: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(12), default="pending")
    handled_by_id: Mapped[int | None] = member_column()
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Profile(TenantScoped, db.Model):
    """What a volunteer says about themselves: skills, free time, leaderboard choice."""

    __tablename__ = "volunteers_profile"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "user_id", name="uq_volunteers_profile_user"),
    )

    user_id: Mapped[int] = member_column(nullable=False, index=False)
    skills: Mapped[str] = mapped_column(sa.String(200), default="")
    availability: Mapped[str] = mapped_column(sa.String(120), default="")
    leaderboard_opt_out: Mapped[bool] = mapped_column(default=False)


class Certificate(TenantScoped, db.Model):
    """A certificate of service hours; anyone can check its code on the public page."""

    __tablename__ = "volunteers_certificate"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "code", name="uq_volunteers_certificate_code"),
    )

    user_id: Mapped[int] = member_column(nullable=False)
    holder_name: Mapped[str] = mapped_column(sa.String(80))
    code: Mapped[str] = mapped_column(sa.String(20))
    minutes: Mapped[int] = mapped_column()
    services: Mapped[int] = mapped_column()  # approved logs counted
    first_date: Mapped[date | None] = mapped_column(sa.Date)
    last_date: Mapped[date | None] = mapped_column(sa.Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Need(TenantScoped, db.Model):
    """A private matter the requests plugin referred to one of our teams."""

    __tablename__ = "volunteers_need"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "request_id", name="uq_volunteers_need_request"),
        sa.CheckConstraint(_in("status", NEED_STATUSES), name="status"),
        tenant_foreign_key("team_id", "volunteers_team", ondelete="SET NULL"),
    )

    request_id: Mapped[int] = mapped_column(ID_TYPE)  # the requests plugin's id: no key
    number: Mapped[str] = mapped_column(sa.String(20))
    team_id: Mapped[int | None] = mapped_column(ID_TYPE)
    status: Mapped[str] = mapped_column(sa.String(8), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
