from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.plugin_api import ID_TYPE, TenantScoped, UTCDateTime, db, utcnow


class Notice(TenantScoped, db.Model):
    __tablename__ = "notices_notice"
    __tenant_table_args__ = (
        sa.Index("ix_notices_notice_tenant_pinned", "tenant_id", "pinned", "id"),
    )

    title: Mapped[str] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text)
    public: Mapped[bool] = mapped_column(default=True)
    pinned: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int | None] = mapped_column(
        ID_TYPE, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    author = relationship("User", lazy="joined")
