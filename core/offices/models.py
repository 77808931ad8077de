"""Offices, the communities under them, their accounts, their reads, and figure snapshots.

Offices and their links are platform tables (no ``tenant_id``: row-level security is for a
community's own data). A figure snapshot *is* a community's data, so it is tenant-owned and
read across communities only inside ``all_tenants()``.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.services.time import UTCDateTime, utcnow
from tenants.models import ID_TYPE, TenantScoped

OFFICE_KINDS = ("street", "district")


class Office(db.Model):
    """A street office (街道) with communities under it, or a district (区) with streets."""

    __tablename__ = "core_offices"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    name_zh: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    # A street's district; districts have none.
    parent_id: Mapped[int | None] = mapped_column(
        ID_TYPE, sa.ForeignKey("core_offices.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (sa.CheckConstraint("kind IN ('street', 'district')", name="kind"),)

    def name(self, locale: str | None = None) -> str:
        from core.services.i18n import current_locale

        return self.name_en if (locale or current_locale()) == "en" else self.name_zh


class OfficeCommunity(db.Model):
    """A community under a street office: at most one street each (the primary key)."""

    __tablename__ = "core_office_communities"

    community_id: Mapped[int] = mapped_column(
        ID_TYPE, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    office_id: Mapped[int] = mapped_column(
        ID_TYPE, sa.ForeignKey("core_offices.id", ondelete="CASCADE"), index=True
    )


class OfficeMember(db.Model):
    """An account of an office: sees the office's communities, read-only."""

    __tablename__ = "core_office_members"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    office_id: Mapped[int] = mapped_column(
        ID_TYPE, sa.ForeignKey("core_offices.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ID_TYPE, sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (sa.UniqueConstraint("office_id", "user_id"),)


class OfficeRead(db.Model):
    """The audit of cross-community reads: who looked at what of which office, and when."""

    __tablename__ = "core_office_reads"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    office_id: Mapped[int] = mapped_column(
        ID_TYPE, sa.ForeignKey("core_offices.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ID_TYPE, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    what: Mapped[str] = mapped_column(sa.String(64))
    communities: Mapped[int] = mapped_column(default=0)


class FigureSnapshot(TenantScoped, db.Model):
    """One figure of one community for one month (``core.offices.figures.refresh``)."""

    __tablename__ = "core_figure_snapshots"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "month", "key"),
        sa.Index("ix_core_figure_snapshots_month_key", "month", "key"),
    )

    month: Mapped[date] = mapped_column(sa.Date)  # the first day of the month
    key: Mapped[str] = mapped_column(sa.String(80))  # "<plugin_id>.<figure>"
    value: Mapped[int] = mapped_column(sa.BigInteger)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OfficeMatter(TenantScoped, db.Model):
    """A community's matter sent up to its street office (a 大事 referred to a department):
    listed for the office until it answers (挂单), then closed (销号)."""

    __tablename__ = "core_office_matters"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "reference"),
        sa.Index("ix_core_office_matters_open", "status", "sent_at"),
    )

    reference: Mapped[str] = mapped_column(sa.String(80))  # "<plugin_id>:<id>"
    number: Mapped[str] = mapped_column(sa.String(40), default="")
    title: Mapped[str] = mapped_column(sa.String(200))
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(sa.String(10), default="open")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(
        ID_TYPE, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    office_name: Mapped[str] = mapped_column(sa.String(120), default="")


class OfficeFigure(db.Model):
    """An office's figure for a month, summed over its communities (kept by
    ``core.offices.figures.refresh_office_totals``): the total row and the trend read 120
    rows instead of adding up every community's."""

    __tablename__ = "core_office_figures"
    __table_args__ = (sa.UniqueConstraint("office_id", "month", "key"),)

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    office_id: Mapped[int] = mapped_column(
        ID_TYPE, sa.ForeignKey("core_offices.id", ondelete="CASCADE")
    )
    month: Mapped[date] = mapped_column(sa.Date)
    key: Mapped[str] = mapped_column(sa.String(80))
    value: Mapped[int] = mapped_column(sa.BigInteger)
