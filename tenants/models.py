"""Tenant-side tables: communities, memberships, plugin activation, invitations."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from core.extensions import db
from core.services.i18n import DEFAULT_LOCALE
from core.services.time import DEFAULT_TIMEZONE, UTCDateTime, utcnow

# Declared here once; forms, pages, provisioning and the demo refer to these.
CORE_ROLES = ("admin", "staff", "member")  # the first is the one holding every permission
SLUG_PATTERN = r"[a-z0-9][a-z0-9-]{0,63}"  # a community's address: /c/<slug>/
COMMUNITY_KINDS = ("urban", "rural")  # 城市 / 集镇: pay scales and norms differ
# Ids and every column pointing at one: 64-bit on PostgreSQL (a district outgrows 2^31
# rows, and Citus shards need room), INTEGER on SQLite, which only auto-increments an
# INTEGER PRIMARY KEY (its INTEGER is 64-bit anyway).
ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} in ({', '.join(repr(v) for v in values)})"


class Tenant(db.Model):
    """A community (社区). Not tenant-scoped itself: it *is* the tenant."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(16), default=COMMUNITY_KINDS[0])
    households: Mapped[int] = mapped_column(default=0)
    timezone: Mapped[str] = mapped_column(sa.String(64), default=DEFAULT_TIMEZONE)
    default_locale: Mapped[str] = mapped_column(sa.String(16), default=DEFAULT_LOCALE)
    open_registration: Mapped[bool] = mapped_column(default=True)
    # Self-service joins wait for staff unless the community opts out (open).
    join_approval: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Where it is, for the directory people search when they sign up.
    street: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    city: Mapped[str] = mapped_column(sa.String(60), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Raised by every committed write to the community's rows (tenants.data_version): a
    # page kept for this community is current while the number is unchanged.
    data_version: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    # The same, per part of the data (a plugin's tables, or one core table): a kept page
    # depends only on the parts it read (tenants.data_version, core/web/page_cache.py).
    data_versions: Mapped[dict] = mapped_column(
        sa.JSON().with_variant(JSONB(), "postgresql"), default=dict, server_default="{}"
    )

    __table_args__ = (
        sa.CheckConstraint(_one_of("kind", COMMUNITY_KINDS), name="kind"),
        sa.CheckConstraint("households >= 0", name="households"),
    )

    def name(self, locale: str | None = None) -> str:
        from core.services.i18n import current_locale

        return self.name_en if (locale or current_locale()) == "en" else self.name_zh

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"


class TenantScoped:
    """Mixin for every tenant-owned table (core's and plugins').

    Adds ``tenant_id`` and the unique key ``(tenant_id, id)`` that composite foreign keys
    from other tenant-owned tables point at, so a row can never reference another
    community's row. Queries are filtered to the community in scope automatically
    (``tenants.scoping``). Put extra table arguments in ``__tenant_table_args__``.
    """

    __tenant_table_args__: tuple = ()

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(
            ID_TYPE, sa.ForeignKey("tenants.id", ondelete="CASCADE"), index=True, nullable=False
        )

    @declared_attr.directive
    def __table_args__(cls):  # noqa: N805
        return (
            sa.UniqueConstraint("tenant_id", "id", name=f"uq_{cls.__tablename__}_tenant_id_id"),
            *cls.__tenant_table_args__,
        )


def tenant_foreign_key(column: str, target_table: str, ondelete: str | None = None):
    """A composite foreign key ``(tenant_id, column) -> target(tenant_id, id)``."""
    return sa.ForeignKeyConstraint(
        ["tenant_id", column],
        [f"{target_table}.tenant_id", f"{target_table}.id"],
        ondelete=ondelete,
    )


class Membership(TenantScoped, db.Model):
    """A person's place in a community: one core role plus any plugin roles."""

    __tablename__ = "tenant_memberships"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "user_id"),
        sa.CheckConstraint(_one_of("role", CORE_ROLES), name="role"),
    )

    user_id: Mapped[int] = mapped_column(
        ID_TYPE, sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(sa.String(16), default="member")
    extra_roles: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user = relationship("User", lazy="joined")

    @property
    def roles(self) -> set[str]:
        return {self.role, *(self.extra_roles or [])}


class PluginActivation(TenantScoped, db.Model):
    """Whether a community has a plugin switched on, and its settings for it."""

    __tablename__ = "tenant_plugins"
    __tenant_table_args__ = (sa.UniqueConstraint("tenant_id", "plugin_id"),)

    plugin_id: Mapped[str] = mapped_column(sa.String(64))
    enabled: Mapped[bool] = mapped_column(default=True)
    settings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Invitation(TenantScoped, db.Model):
    """An e-mailed invitation to join a community with a role."""

    __tablename__ = "tenant_invitations"
    # Unique within the community (a distributed table's unique keys must hold tenant_id);
    # the link carries only the token, so it is found through the plain index.
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "token_hash"),
        sa.Index("ix_tenant_invitations_token_hash", "token_hash"),
    )

    email: Mapped[str] = mapped_column(sa.String(254))
    role: Mapped[str] = mapped_column(sa.String(16), default="member")
    token_hash: Mapped[str] = mapped_column(sa.String(64))
    invited_by_id: Mapped[int | None] = mapped_column(ID_TYPE, sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


JOIN_STATUSES = ("pending", "approved", "declined")


class JoinRequest(TenantScoped, db.Model):
    """A person asking to join a community, with where they live (楼栋/房号).

    One row per person and community: asking again after a decline reopens it. A pending
    applicant is not a member: nothing for members is shown to them until approved.
    """

    __tablename__ = "tenant_join_requests"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "user_id"),
        sa.CheckConstraint(_one_of("status", JOIN_STATUSES), name="status"),
        sa.Index("ix_tenant_join_requests_status", "tenant_id", "status", "id"),
    )

    user_id: Mapped[int] = mapped_column(
        ID_TYPE, sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    building: Mapped[str] = mapped_column(sa.String(60))
    room: Mapped[str] = mapped_column(sa.String(30))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[str] = mapped_column(sa.String(12), default=JOIN_STATUSES[0])
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(
        ID_TYPE, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(sa.String(300), default="")  # why it was declined

    user = relationship("User", foreign_keys=[user_id], lazy="joined")
