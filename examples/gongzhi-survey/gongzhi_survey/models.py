"""The survey tables: polls, their options and one vote per resident per poll.

Every table is prefixed ``survey_`` and tenant-scoped. Foreign keys between our own tables
are composite ``(tenant_id, poll_id)`` so a vote can never point at another community's
poll; relationships are read-only for the same reason (we set the ids ourselves).
Times are ``UTCDateTime``: aware and UTC on the way in and out, on SQLite as on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.plugin_api import (
    TenantScoped,
    UTCDateTime,
    db,
    member_column,
    tenant_foreign_key,
    utcnow,
)


class Poll(TenantScoped, db.Model):
    __tablename__ = "survey_poll"
    __tenant_table_args__ = (sa.Index("ix_survey_poll_tenant_closed", "tenant_id", "closed", "id"),)

    question: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    public: Mapped[bool] = mapped_column(default=True)  # results on the public page
    closed: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[str] = mapped_column(sa.String(300), default="")  # written when closed
    created_by_id: Mapped[int | None] = member_column()  # a person: never core's table name
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    options = relationship(
        "Option",
        primaryjoin="and_(Poll.id == foreign(Option.poll_id), Poll.tenant_id == Option.tenant_id)",
        order_by="Option.position",
        viewonly=True,
    )


class Option(TenantScoped, db.Model):
    __tablename__ = "survey_option"
    __tenant_table_args__ = (tenant_foreign_key("poll_id", "survey_poll", ondelete="CASCADE"),)

    poll_id: Mapped[int] = mapped_column()
    label: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[int] = mapped_column(default=0)


class Vote(TenantScoped, db.Model):
    __tablename__ = "survey_vote"
    __tenant_table_args__ = (
        # One vote per resident per poll, enforced by the database, not only by the view.
        sa.UniqueConstraint("tenant_id", "poll_id", "user_id", name="uq_survey_vote_once"),
        tenant_foreign_key("poll_id", "survey_poll", ondelete="CASCADE"),
        tenant_foreign_key("option_id", "survey_option", ondelete="CASCADE"),
    )

    poll_id: Mapped[int] = mapped_column()
    option_id: Mapped[int] = mapped_column()
    user_id: Mapped[int] = member_column(nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def tally(poll: Poll) -> list[tuple[Option, int]]:
    """Each option with its number of votes, in the poll's order."""
    counts = dict(
        db.session.execute(
            db.select(Vote.option_id, sa.func.count(Vote.id))
            .where(Vote.poll_id == poll.id)
            .group_by(Vote.option_id)
        ).all()
    )
    return [(option, counts.get(option.id, 0)) for option in poll.options]


def has_voted(poll: Poll, user_id: int) -> bool:
    return (
        db.session.execute(
            db.select(Vote.id).where(Vote.poll_id == poll.id, Vote.user_id == user_id)
        ).first()
        is not None
    )


def summarize(poll: Poll) -> str:
    """One line for the record: the leading option, its votes and the total."""
    results = tally(poll)
    total = sum(votes for _, votes in results)
    if not total:
        return "0"
    leader, votes = max(results, key=lambda pair: pair[1])
    return f"{leader.label}: {votes}/{total} ({round(100 * votes / total)}%)"
