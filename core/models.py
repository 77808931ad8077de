"""Core tables: people (global), the audit log and the domain-event outbox (per community)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from core.extensions import db
from core.services.time import UTCDateTime, utcnow
from tenants.models import TenantScoped


class User(UserMixin, db.Model):
    """A person. Global: one account can belong to several communities."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_operator: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str | None] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class AuditEntry(TenantScoped, db.Model):
    """Who changed settings, roles or plugins in a community, and when. Append-only."""

    __tablename__ = "core_audit_log"
    __tenant_table_args__ = (sa.Index("ix_core_audit_log_tenant_at", "tenant_id", "at"),)

    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(64))
    target: Mapped[str] = mapped_column(sa.String(200), default="")
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor = relationship(User, lazy="joined")


class DomainEvent(TenantScoped, db.Model):
    """Outbox: an event is stored in the sender's transaction and delivered after commit."""

    __tablename__ = "core_events"

    name: Mapped[str] = mapped_column(sa.String(64))
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class EventFailure(TenantScoped, db.Model):
    """A handler that raised on an event; ``flask events retry`` delivers it again."""

    __tablename__ = "core_event_failures"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "event_id", "plugin_id"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "event_id"],
            ["core_events.tenant_id", "core_events.id"],
            ondelete="CASCADE",
        ),
    )

    event_id: Mapped[int] = mapped_column()
    plugin_id: Mapped[str] = mapped_column(sa.String(64))
    error: Mapped[str] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=1)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event = relationship(DomainEvent, lazy="joined")


class SignInFailure(db.Model):
    """Failed sign-ins per account (by e-mail, known or not: the answer must not tell
    which addresses have accounts). In the database, so every worker and app server sees
    the same count without Redis. Global: accounts are not a community's."""

    __tablename__ = "core_sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(sa.String(254), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
