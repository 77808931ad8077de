"""Core tables: people (global), the audit log and the domain-event outbox (per community)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from core.extensions import db
from core.services.time import UTCDateTime, utcnow
from tenants.models import ID_TYPE, TenantScoped


class User(UserMixin, db.Model):
    """A person. Global: one account can belong to several communities."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
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
    actor_id: Mapped[int | None] = mapped_column(
        ID_TYPE, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
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

    event_id: Mapped[int] = mapped_column(ID_TYPE)
    plugin_id: Mapped[str] = mapped_column(sa.String(64))
    error: Mapped[str] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=1)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event = relationship(DomainEvent, lazy="joined")


class IdempotencyKey(TenantScoped, db.Model):
    """A form submit that stored something: a repeat with the same key finds it
    (``core.community.idempotency``). The unique key makes two simultaneous submits store
    one row: the second fails on it and looks the first up."""

    __tablename__ = "core_idempotency_keys"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "action", "key"),
        sa.Index("ix_core_idempotency_keys_created", "tenant_id", "created_at"),
    )

    action: Mapped[str] = mapped_column(sa.String(64))
    key: Mapped[str] = mapped_column(sa.String(64))
    result_id: Mapped[int] = mapped_column(ID_TYPE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Notification(TenantScoped, db.Model):
    """One message to one person in one community: the bell and the list read these.

    Written by the delivery of a ``notification`` event after the sender's commit
    (``core.community.notifications``); ``event_id`` makes a retried delivery idempotent.
    Title and body are labels in every language, picked when shown.
    """

    __tablename__ = "core_notifications"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "event_id", "user_id"),
        sa.Index("ix_core_notifications_user", "tenant_id", "user_id", "id"),
        # The bell outside a community counts a person's unread across their communities.
        sa.Index("ix_core_notifications_unread", "user_id", "read_at"),
    )

    user_id: Mapped[int] = mapped_column(ID_TYPE, sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[dict] = mapped_column(sa.JSON)
    body: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    event_id: Mapped[int | None] = mapped_column(ID_TYPE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class NotificationSetting(db.Model):
    """A person's choice for one kind of notification (global: a person, not a community).

    No row means the kind's default."""

    __tablename__ = "user_notification_settings"

    user_id: Mapped[int] = mapped_column(
        ID_TYPE, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    by_email: Mapped[bool] = mapped_column()


class SignInFailure(db.Model):
    """Failed sign-ins per account (by e-mail, known or not: the answer must not tell
    which addresses have accounts). In the database, so every worker and app server sees
    the same count without Redis. Global: accounts are not a community's."""

    __tablename__ = "core_sign_in_failures"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    account: Mapped[str] = mapped_column(sa.String(254), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


SUBSCRIPTION_STATUSES = ("none", "incomplete", "active", "past_due", "canceled")


class Subscription(TenantScoped, db.Model):
    """A community's plan as Stripe last told it (``core.billing``): one row per community,
    written by the webhook and the billing page. No row: the operator's default plan."""

    __tablename__ = "core_subscriptions"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id"),
        sa.CheckConstraint(
            "status in (" + ", ".join(repr(s) for s in SUBSCRIPTION_STATUSES) + ")",
            name="status",
        ),
        sa.CheckConstraint("amount_fen >= 0", name="amount_fen"),
        sa.Index("ix_core_subscriptions_customer", "stripe_customer_id"),
        sa.Index("ix_core_subscriptions_subscription", "stripe_subscription_id"),
    )

    plan_key: Mapped[str] = mapped_column(sa.String(40), default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="none")
    interval: Mapped[str] = mapped_column(sa.String(8), default="")
    amount_fen: Mapped[int] = mapped_column(default=0)  # of the next invoice, per interval
    stripe_customer_id: Mapped[str] = mapped_column(sa.String(255), default="")
    stripe_subscription_id: Mapped[str] = mapped_column(sa.String(255), default="")
    current_period_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_at_period_end: Mapped[bool] = mapped_column(default=False)
    past_due_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the community's modules first exceeded its plan; they are switched off
    # BILLING_GRACE_DAYS later (``flask billing enforce``), their data kept.
    over_plan_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class BillingEvent(db.Model):
    """A Stripe event the billing webhook processed: its id is unique, so a replayed or
    concurrently redelivered event is processed once. Global, not a community's: an
    event is recorded before (and even when never) a community is found for it."""

    __tablename__ = "core_billing_events"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    type: Mapped[str] = mapped_column(sa.String(100))
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class SharedTemplate(db.Model):
    """A template the platform's operator publishes for many communities at once (a
    county's pay scale, a district's form): one row per version. Global, not a
    community's: communities adopt one by storing its ``key`` in their own tables, and
    read the version in force on a date (``core.community.shared_templates``). Versions
    are never changed or removed; a new one is published with its own effective date."""

    __tablename__ = "core_shared_templates"
    __table_args__ = (
        sa.UniqueConstraint("plugin_id", "kind", "key", "version"),
        sa.CheckConstraint("version >= 1", name="version"),
        sa.Index("ix_core_shared_templates_lookup", "plugin_id", "kind", "key", "effective_from"),
    )

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    plugin_id: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(64))
    key: Mapped[str] = mapped_column(sa.String(80))
    version: Mapped[int] = mapped_column()
    effective_from: Mapped[date] = mapped_column(sa.Date)
    payload: Mapped[dict] = mapped_column(sa.JSON)
    published_by: Mapped[int | None] = mapped_column(
        ID_TYPE, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A street or district office's template (key "@<office slug>"), seen only by the
    # communities under that office; None: the operator's, seen by every community.
    office_id: Mapped[int | None] = mapped_column(
        ID_TYPE, sa.ForeignKey("core_offices.id", ondelete="CASCADE"), index=True
    )


class TemplateAdoption(TenantScoped, db.Model):
    """A community adopted a version of a shared template (drafted its own list, scale or
    committees from it): which one and when, so the community sees where its own version
    came from and the office sees which of its communities took which version."""

    __tablename__ = "core_template_adoptions"
    __tenant_table_args__ = (
        sa.Index("ix_core_template_adoptions_template", "plugin_id", "kind", "key"),
    )

    plugin_id: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(64))
    key: Mapped[str] = mapped_column(sa.String(80))
    version: Mapped[int] = mapped_column()
    adopted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    adopted_by: Mapped[int | None] = mapped_column(
        ID_TYPE, sa.ForeignKey("users.id", ondelete="SET NULL")
    )


# The street and district offices' tables belong to the same metadata (migrations, create_all).
from core.offices import models as _offices  # noqa: E402,F401
