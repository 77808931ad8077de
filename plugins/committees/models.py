"""专委会 tables: committees, residents' applications and the seats members hold.

The seat limit is the database's: ``seats_taken`` may never pass ``max_seats`` (a check
constraint), appointments raise it with a conditional UPDATE (seats.py), and a member holds
at most one active seat per committee (``active_key`` is 1 while active, NULL after, so the
unique key only binds active seats on SQLite and PostgreSQL alike).
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

KINDS = ("environment", "safety", "opinion", "legal", "assistance", "care", "youth", "other")
ROLES = ("convener", "supervisor", "coordinator", "inspector", "member")
APPLICATION_STATUSES = ("applied", "vetted", "appointed", "rejected", "withdrawn")
OPEN_STATUSES = ("applied", "vetted")
END_REASONS = ("", "term_end", "stepped_down")


def short_tenant_fk(
    column: str, target: str, name: str, ondelete: str | None = "CASCADE"
) -> sa.ForeignKeyConstraint:
    """``tenant_foreign_key`` with a name of our own: the generated one would pass
    PostgreSQL's 63 characters for a long table name."""
    return sa.ForeignKeyConstraint(
        ["tenant_id", column], [f"{target}.tenant_id", f"{target}.id"], name=name, ondelete=ondelete
    )


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} in ({', '.join(repr(v) for v in values)})"


class Committee(TenantScoped, db.Model):
    __tablename__ = "committees_committee"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "name", name="uq_committees_committee_name"),
        sa.CheckConstraint(_one_of("kind", KINDS), name="kind"),
        sa.CheckConstraint(
            "min_seats >= 0 AND min_seats <= max_seats AND max_seats >= 1",
            name="seat_range",
        ),
        sa.CheckConstraint(
            "seats_taken >= 0 AND seats_taken <= max_seats",
            name="seats_taken",
        ),
    )

    name: Mapped[str] = mapped_column(sa.String(60))
    kind: Mapped[str] = mapped_column(sa.String(16), default="other")
    remit: Mapped[str] = mapped_column(sa.Text, default="")
    contact: Mapped[str] = mapped_column(sa.String(120), default="")
    schedule: Mapped[str] = mapped_column(sa.String(120), default="")
    min_seats: Mapped[int] = mapped_column(default=1)
    max_seats: Mapped[int] = mapped_column(default=7)
    seats_taken: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def seats_free(self) -> int:
        return max(self.max_seats - self.seats_taken, 0)

    @property
    def understaffed(self) -> bool:
        return self.seats_taken < self.min_seats


class Application(TenantScoped, db.Model):
    """志愿报名: a resident's application with a short statement, vetted by staff."""

    __tablename__ = "committees_application"
    __tenant_table_args__ = (
        short_tenant_fk(
            "committee_id", "committees_committee", "fk_committees_application_committee"
        ),
        sa.CheckConstraint(_one_of("status", APPLICATION_STATUSES), name="status"),
        # One open application per person and committee (open_key NULL once decided).
        sa.UniqueConstraint(
            "tenant_id",
            "committee_id",
            "user_id",
            "open_key",
            name="uq_committees_application_open",
        ),
        sa.Index(
            "ix_committees_application_committee", "tenant_id", "committee_id", "status", "id"
        ),
    )

    committee_id: Mapped[int] = mapped_column(ID_TYPE)
    user_id: Mapped[int] = member_column(nullable=False)
    name: Mapped[str] = mapped_column(sa.String(80), default="")
    statement: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[str] = mapped_column(sa.String(12), default="applied")
    open_key: Mapped[int | None] = mapped_column(sa.SmallInteger, nullable=True, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decided_by_id: Mapped[int | None] = member_column()


class Seat(TenantScoped, db.Model):
    """竞聘上岗: a member's seat on a committee for a term, with a role."""

    __tablename__ = "committees_seat"
    __tenant_table_args__ = (
        tenant_foreign_key("committee_id", "committees_committee", ondelete="CASCADE"),
        short_tenant_fk(
            "application_id", "committees_application", "fk_committees_seat_application", None
        ),
        sa.CheckConstraint(_one_of("role", ROLES), name="role"),
        sa.CheckConstraint(_one_of("end_reason", END_REASONS), name="end_reason"),
        sa.CheckConstraint("term_end >= term_start", name="term"),
        # A member holds at most one active seat per committee.
        sa.UniqueConstraint(
            "tenant_id", "committee_id", "user_id", "active_key", name="uq_committees_seat_active"
        ),
        sa.Index("ix_committees_seat_committee", "tenant_id", "committee_id", "active_key", "id"),
    )

    committee_id: Mapped[int] = mapped_column(ID_TYPE)
    user_id: Mapped[int] = member_column(nullable=False)
    name: Mapped[str] = mapped_column(sa.String(80), default="")
    role: Mapped[str] = mapped_column(sa.String(12), default="member")
    application_id: Mapped[int | None] = mapped_column(ID_TYPE, nullable=True)
    term_start: Mapped[date] = mapped_column(sa.Date)
    term_end: Mapped[date] = mapped_column(sa.Date)
    active_key: Mapped[int | None] = mapped_column(sa.SmallInteger, nullable=True, default=1)
    end_reason: Mapped[str] = mapped_column(sa.String(12), default="")
    appointed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    appointed_by_id: Mapped[int | None] = member_column()
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    @property
    def active(self) -> bool:
        return self.active_key == 1


class Meeting(TenantScoped, db.Model):
    """A committee meeting: its agenda beforehand, attendance and minutes afterwards."""

    __tablename__ = "committees_meeting"
    __tenant_table_args__ = (
        short_tenant_fk("committee_id", "committees_committee", "fk_committees_meeting_committee"),
        sa.Index("ix_committees_meeting_committee", "tenant_id", "committee_id", "id"),
    )

    committee_id: Mapped[int] = mapped_column(ID_TYPE)
    held_on: Mapped[date] = mapped_column(sa.Date)
    place: Mapped[str] = mapped_column(sa.String(120), default="")
    agenda: Mapped[str] = mapped_column(sa.Text, default="")
    minutes: Mapped[str] = mapped_column(sa.Text, default="")
    present_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Attendance(TenantScoped, db.Model):
    """Who was at a meeting (members' names are shown to members only)."""

    __tablename__ = "committees_attendance"
    __tenant_table_args__ = (
        tenant_foreign_key("meeting_id", "committees_meeting", ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "meeting_id", "user_id", name="uq_committees_attendance"),
    )

    meeting_id: Mapped[int] = mapped_column(ID_TYPE)
    user_id: Mapped[int] = member_column(nullable=False)
    name: Mapped[str] = mapped_column(sa.String(80), default="")


class Decision(TenantScoped, db.Model):
    """A decision the committee took, with the meeting it was taken at (if any)."""

    __tablename__ = "committees_decision"
    __tenant_table_args__ = (
        short_tenant_fk("committee_id", "committees_committee", "fk_committees_decision_committee"),
        short_tenant_fk("meeting_id", "committees_meeting", "fk_committees_decision_meeting", None),
        sa.Index("ix_committees_decision_committee", "tenant_id", "committee_id", "id"),
    )

    committee_id: Mapped[int] = mapped_column(ID_TYPE)
    meeting_id: Mapped[int | None] = mapped_column(ID_TYPE, nullable=True)
    decided_on: Mapped[date] = mapped_column(sa.Date)
    text: Mapped[str] = mapped_column(sa.String(500))
    public: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


REVIEW_GROUPS = ("party", "units", "residents")


class Review(TenantScoped, db.Model):
    """半年述职评议: a review round with criteria and weighted assessor groups."""

    __tablename__ = "committees_review"
    __tenant_table_args__ = (
        sa.CheckConstraint(
            "weight_party >= 0 AND weight_units >= 0 AND weight_residents >= 0 "
            "AND weight_party + weight_units + weight_residents = 100",
            name="weights",
        ),
    )

    name: Mapped[str] = mapped_column(sa.String(80))
    # The year-end round sets the year's rewards (以奖代投, rewards.py); ``year`` names it.
    year: Mapped[int] = mapped_column(default=2026)
    year_end: Mapped[bool] = mapped_column(default=False)
    due_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    rewards_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    weight_party: Mapped[int] = mapped_column(default=40)
    weight_units: Mapped[int] = mapped_column(default=30)
    weight_residents: Mapped[int] = mapped_column(default=30)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def weights(self) -> dict[str, int]:
        return {
            "party": self.weight_party,
            "units": self.weight_units,
            "residents": self.weight_residents,
        }


class Assessor(TenantScoped, db.Model):
    """A member of the community who scores a round's committees themselves, in a group."""

    __tablename__ = "committees_assessor"
    __tenant_table_args__ = (
        tenant_foreign_key("review_id", "committees_review", ondelete="CASCADE"),
        sa.CheckConstraint(_one_of("assessor_group", REVIEW_GROUPS), name="assessor_group"),
        sa.UniqueConstraint("tenant_id", "review_id", "user_id", name="uq_committees_assessor"),
    )

    review_id: Mapped[int] = mapped_column(ID_TYPE)
    user_id: Mapped[int] = member_column(nullable=False)
    name: Mapped[str] = mapped_column(sa.String(80), default="")
    assessor_group: Mapped[str] = mapped_column(sa.String(10))
    # The last day a reminder went out (the reminder job sends at most one a day).
    reminded_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Criterion(TenantScoped, db.Model):
    __tablename__ = "committees_criterion"
    __tenant_table_args__ = (
        tenant_foreign_key("review_id", "committees_review", ondelete="CASCADE"),
        sa.CheckConstraint("max_points >= 1", name="max_points"),
    )

    review_id: Mapped[int] = mapped_column(ID_TYPE)
    name: Mapped[str] = mapped_column(sa.String(60))
    max_points: Mapped[int] = mapped_column()
    position: Mapped[int] = mapped_column(default=0)


class Sheet(TenantScoped, db.Model):
    """One assessor's scores for one committee: entered by staff from the paper sheet, or
    by an assessor account itself (``assessor_user_id``, one sheet per committee)."""

    __tablename__ = "committees_sheet"
    __tenant_table_args__ = (
        tenant_foreign_key("review_id", "committees_review", ondelete="CASCADE"),
        tenant_foreign_key("committee_id", "committees_committee", ondelete="CASCADE"),
        sa.CheckConstraint(_one_of("assessor_group", REVIEW_GROUPS), name="assessor_group"),
        sa.UniqueConstraint(
            "tenant_id", "review_id", "committee_id", "assessor", name="uq_committees_sheet"
        ),
        sa.UniqueConstraint(
            "tenant_id",
            "review_id",
            "committee_id",
            "assessor_user_id",
            name="uq_committees_sheet_account",
        ),
    )

    review_id: Mapped[int] = mapped_column(ID_TYPE)
    committee_id: Mapped[int] = mapped_column(ID_TYPE)
    assessor_group: Mapped[str] = mapped_column(sa.String(10))
    assessor: Mapped[str] = mapped_column(sa.String(60))
    assessor_user_id: Mapped[int | None] = member_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Mark(TenantScoped, db.Model):
    __tablename__ = "committees_mark"
    __tenant_table_args__ = (
        tenant_foreign_key("sheet_id", "committees_sheet", ondelete="CASCADE"),
        tenant_foreign_key("criterion_id", "committees_criterion", ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "sheet_id", "criterion_id", name="uq_committees_mark"),
        sa.CheckConstraint("points >= 0", name="points"),
    )

    sheet_id: Mapped[int] = mapped_column(ID_TYPE)
    criterion_id: Mapped[int] = mapped_column(ID_TYPE)
    points: Mapped[int] = mapped_column()


class Result(TenantScoped, db.Model):
    """A committee's published result in a review (hundredths of a point out of 100)."""

    __tablename__ = "committees_result"
    __tenant_table_args__ = (
        tenant_foreign_key("review_id", "committees_review", ondelete="CASCADE"),
        short_tenant_fk("committee_id", "committees_committee", "fk_committees_result_committee"),
        sa.UniqueConstraint("tenant_id", "review_id", "committee_id", name="uq_committees_result"),
    )

    review_id: Mapped[int] = mapped_column(ID_TYPE)
    committee_id: Mapped[int] = mapped_column(ID_TYPE)
    committee_name: Mapped[str] = mapped_column(sa.String(60), default="")
    total: Mapped[int | None] = mapped_column(nullable=True)
    party: Mapped[int | None] = mapped_column(nullable=True)
    units: Mapped[int | None] = mapped_column(nullable=True)
    residents: Mapped[int | None] = mapped_column(nullable=True)
    sheets: Mapped[int] = mapped_column(default=0)


class Reward(TenantScoped, db.Model):
    """以奖代投: a committee's reward for the year, recorded once when staff confirm it (the
    unique key is what makes a second confirmation propose nothing twice)."""

    __tablename__ = "committees_reward"
    __tenant_table_args__ = (
        tenant_foreign_key("review_id", "committees_review", ondelete="CASCADE"),
        short_tenant_fk("committee_id", "committees_committee", "fk_committees_reward_committee"),
        sa.UniqueConstraint("tenant_id", "review_id", "committee_id", name="uq_committees_reward"),
        sa.CheckConstraint("amount_fen > 0", name="amount"),
        sa.Index("ix_committees_reward_committee", "tenant_id", "committee_id", "id"),
    )

    review_id: Mapped[int] = mapped_column(ID_TYPE)
    committee_id: Mapped[int] = mapped_column(ID_TYPE)
    committee_name: Mapped[str] = mapped_column(sa.String(60), default="")
    year: Mapped[int] = mapped_column()
    score: Mapped[int] = mapped_column()  # hundredths of a point, as Result.total
    amount_fen: Mapped[int] = mapped_column()
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_by_id: Mapped[int | None] = member_column()

    @property
    def reference(self) -> str:
        return f"committees:reward:{self.review_id}:{self.committee_id}"
