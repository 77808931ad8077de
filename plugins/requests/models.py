"""Tables of the requests plugin: the responsibility list, the service directory, the
requests themselves (民情台账), their timeline and photos.

Foreign keys between our own tables are composite ``(tenant_id, x_id)`` so a row can never
point at another community's row; relationships are read-only for the same reason (the
ids are set explicitly, tenant_id is stamped by the core).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.plugin_api import (
    ID_TYPE,
    TenantScoped,
    UTCDateTime,
    db,
    member_column,
    tenant_foreign_key,
    utcnow,
)

KINDS = ("red", "orange", "yellow")
STATUSES = ("received", "in_progress", "replied", "closed")
OPEN_STATUSES = ("received", "in_progress")  # still "挂单": on the open ledger, unanswered
CONTACT_PREFERENCES = ("phone", "message", "visit", "none")
CHANNELS = ("online", "desk", "phone")
CLOSED_HOW = ("accepted", "unreachable")
# Steps whose note is the worker's own (the classification note): never shown to the
# resident, who sees the category and everything else on the request itself.
INTERNAL_NOTE_ACTIONS = frozenset({"classified"})


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} in ({', '.join(repr(v) for v in values)})"


class Category(TenantScoped, db.Model):
    """One line of the community's 三事分流责任清单: a category, its kind and default owner."""

    __tablename__ = "requests_category"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "name", name="uq_requests_category_name"),
        sa.CheckConstraint(_in("kind", KINDS), name="kind"),
    )

    name: Mapped[str] = mapped_column(sa.String(60))
    kind: Mapped[str] = mapped_column(sa.String(8))
    owner: Mapped[str] = mapped_column(sa.String(120), default="")
    # Comma-separated words that suggest this category for a new request (油烟,排烟).
    keywords: Mapped[str] = mapped_column(sa.String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=100)

    def keyword_list(self) -> list[str]:
        words = [w.strip() for w in self.keywords.replace("，", ",").split(",")]
        return [w for w in [self.name, *words] if w]


class Service(TenantScoped, db.Model):
    """An entry of the community's service directory (便民服务: 家政, 家电, 餐饮 …)."""

    __tablename__ = "requests_service"

    field: Mapped[str] = mapped_column(sa.String(30))  # 家政, 家电, 餐饮 …
    name: Mapped[str] = mapped_column(sa.String(80))
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    position: Mapped[int] = mapped_column(default=100)


def number(year: int, seq: int) -> str:
    """A request's display number, e.g. 2026-0042 (also for lists that read columns)."""
    return f"{year}-{seq:04d}"


def with_category(request_entity):
    """The join condition from requests to their category (same community)."""
    return sa.and_(
        Category.id == request_entity.category_id,
        Category.tenant_id == request_entity.tenant_id,
    )


class Request(TenantScoped, db.Model):
    """A resident's request (诉求) and where it stands."""

    __tablename__ = "requests_request"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "year", "seq", name="uq_requests_request_number"),
        sa.CheckConstraint(_in("status", STATUSES), name="status"),
        sa.CheckConstraint("kind is null or " + _in("kind", KINDS), name="kind"),
        sa.CheckConstraint(_in("contact_preference", CONTACT_PREFERENCES), name="contact"),
        sa.CheckConstraint(_in("channel", CHANNELS), name="channel"),
        tenant_foreign_key("category_id", "requests_category"),
        # One index per ledger filter, each ending in id for keyset pagination.
        sa.Index("ix_requests_request_kind", "tenant_id", "kind", "id"),
        sa.Index("ix_requests_request_status", "tenant_id", "status", "id"),
        sa.Index("ix_requests_request_category", "tenant_id", "category_id", "id"),
        sa.Index("ix_requests_request_owner", "tenant_id", "owner", "id"),
        sa.Index("ix_requests_request_deadline", "tenant_id", "deadline"),
        # The open ledger's overdue count reads only open requests past their deadline.
        sa.Index("ix_requests_request_open_deadline", "tenant_id", "status", "deadline"),
        sa.Index("ix_requests_request_created", "tenant_id", "created_at"),
        sa.Index("ix_requests_request_month", "tenant_id", "received_month", "kind"),
        sa.Index("ix_requests_request_requester", "tenant_id", "requester_id", "id"),
        sa.Index("ix_requests_request_closed", "tenant_id", "closed_at"),
    )

    year: Mapped[int] = mapped_column()
    seq: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(sa.String(120))
    details: Mapped[str] = mapped_column(sa.Text, default="")
    building: Mapped[str] = mapped_column(sa.String(60), default="")
    grid: Mapped[str] = mapped_column(sa.String(60), default="")
    contact_preference: Mapped[str] = mapped_column(sa.String(8), default="message")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    anonymous: Mapped[bool] = mapped_column(default=True)
    channel: Mapped[str] = mapped_column(sa.String(8), default="online")
    requester_id: Mapped[int | None] = member_column()
    requester_name: Mapped[str] = mapped_column(sa.String(80), default="")  # desk entries
    entered_by_id: Mapped[int | None] = member_column()

    category_id: Mapped[int | None] = mapped_column(ID_TYPE)
    kind: Mapped[str | None] = mapped_column(sa.String(8), active_history=True)
    status: Mapped[str] = mapped_column(sa.String(12), default="received", active_history=True)
    owner: Mapped[str] = mapped_column(  # unit, committee, service
        sa.String(120), default="", active_history=True
    )
    office: Mapped[str] = mapped_column(sa.String(120), default="")  # 承办科室
    handler: Mapped[str] = mapped_column(sa.String(80), default="")  # 承办人
    assignee_key: Mapped[str] = mapped_column(sa.String(80), default="")  # "committees:3"
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # told once

    reply: Mapped[str] = mapped_column(sa.Text, default="")
    outcome: Mapped[str] = mapped_column(sa.String(300), default="")  # public, no personal data
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    received_month: Mapped[str] = mapped_column(  # "2026-11", community time
        sa.String(7), active_history=True
    )
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_response_seconds: Mapped[int | None] = mapped_column(active_history=True)
    first_response_met: Mapped[bool | None] = mapped_column(active_history=True)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    close_seconds: Mapped[int | None] = mapped_column(active_history=True)
    closed_how: Mapped[str | None] = mapped_column(sa.String(12))
    close_reason: Mapped[str] = mapped_column(sa.String(300), default="")

    category = relationship(
        Category,
        primaryjoin="and_(Category.id == foreign(Request.category_id), "
        "Category.tenant_id == Request.tenant_id)",
        viewonly=True,
        lazy="joined",
    )
    requester = relationship("User", foreign_keys=[requester_id], lazy="joined", viewonly=True)
    entered_by = relationship("User", foreign_keys=[entered_by_id], viewonly=True)

    @property
    def number(self) -> str:
        """The community's display number, e.g. 2026-0042."""
        return number(self.year, self.seq)

    @property
    def requester_label(self) -> str:
        if self.requester is not None:
            return self.requester.name
        return self.requester_name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Step(TenantScoped, db.Model):
    """One line of a request's timeline: who did what, when."""

    __tablename__ = "requests_step"
    __tenant_table_args__ = (
        tenant_foreign_key("request_id", "requests_request", ondelete="CASCADE"),
        sa.Index("ix_requests_step_request", "tenant_id", "request_id", "id"),
    )

    request_id: Mapped[int] = mapped_column(ID_TYPE)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = member_column()
    action: Mapped[str] = mapped_column(sa.String(16))
    kind: Mapped[str | None] = mapped_column(sa.String(8))  # set by "classified" steps
    note: Mapped[str] = mapped_column(sa.Text, default="")

    actor = relationship("User", lazy="joined", viewonly=True)


class Photo(TenantScoped, db.Model):
    """A photo (随手拍) attached to a request; the file lives under the instance folder."""

    __tablename__ = "requests_photo"
    __tenant_table_args__ = (
        tenant_foreign_key("request_id", "requests_request", ondelete="CASCADE"),
        sa.Index("ix_requests_photo_request", "tenant_id", "request_id"),
    )

    request_id: Mapped[int] = mapped_column(ID_TYPE)
    stored_name: Mapped[str] = mapped_column(sa.String(64))
    content_type: Mapped[str] = mapped_column(sa.String(32))
    size: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# ----- the ledger's counts, kept up to date on every write (counts.py) ----------------------
NO_CLOSE = -1  # close_day of a request without a close time
MAX_CLOSE_TARGET_DAYS = 365  # the settings' limit; close_day stops one past it


class CountTotal(TenantScoped, db.Model):
    """Requests by kind, status and days to close, with the sums the figures need.

    ``close_day`` is the close time rounded up to whole days (0 for none or negative,
    ``MAX_CLOSE_TARGET_DAYS + 1`` past a year, ``NO_CLOSE`` when not closed), so "closed
    within the target" is exact for any target the settings allow. Its size is bounded by
    kinds × statuses × days, not by the number of requests."""

    __tablename__ = "requests_count_total"
    __tenant_table_args__ = (sa.UniqueConstraint("tenant_id", "kind", "status", "close_day"),)

    kind: Mapped[str] = mapped_column(sa.String(8))  # "" when not classified
    status: Mapped[str] = mapped_column(sa.String(12))
    close_day: Mapped[int] = mapped_column()
    n: Mapped[int] = mapped_column(default=0)
    responded: Mapped[int] = mapped_column(default=0)
    response_met: Mapped[int] = mapped_column(default=0)
    response_seconds: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    close_seconds: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class CountMonth(TenantScoped, db.Model):
    """Requests by month received (community time), kind and status: the monthly chart."""

    __tablename__ = "requests_count_month"
    __tenant_table_args__ = (sa.UniqueConstraint("tenant_id", "month", "kind", "status"),)

    month: Mapped[str] = mapped_column(sa.String(7))
    kind: Mapped[str] = mapped_column(sa.String(8))
    status: Mapped[str] = mapped_column(sa.String(12))
    n: Mapped[int] = mapped_column(default=0)


class CountOwner(TenantScoped, db.Model):
    """Requests per owner (责任主体): the ledger's owner filter lists those above zero."""

    __tablename__ = "requests_count_owner"
    __tenant_table_args__ = (sa.UniqueConstraint("tenant_id", "owner"),)

    owner: Mapped[str] = mapped_column(sa.String(120))
    n: Mapped[int] = mapped_column(default=0)
