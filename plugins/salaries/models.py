"""Tables of the salaries plugin (社区工作者薪酬): the community's own pay-scale versions
(or the shared template it follows from a date), workers and their dated post/level
changes, allowance and deduction items, monthly appraisal scores, payroll runs and their
payslips.

Money is integer fen everywhere. A run's payslips are written only while the run is a
draft (``payroll.calculate`` checks and claims the draft with one conditional UPDATE
under ``community_lock``); once approved no code path writes them again, corrections are
adjusting runs. The database refuses an approver who prepared the run.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.plugin_api import (
    COMMUNITY_KINDS,
    ID_TYPE,
    TenantScoped,
    UTCDateTime,
    db,
    member_column,
    tenant_foreign_key,
    utcnow,
)

POSTS = ("secretary", "director", "deputy", "worker")  # 书记, 主任, 副职, 专职工作者
AREAS = COMMUNITY_KINDS  # the community's kind (Tenant.kind): 城市 / 集镇
LEVELS = range(1, 11)
CERTIFICATES = ("", "junior", "intermediate")  # 初级 / 中级 social worker
ITEM_KINDS = ("allowance", "deduction")
RUN_KINDS = ("regular", "adjusting")
RUN_STATUSES = ("draft", "reviewed", "approved")


def _in(column: str, values) -> str:
    return f"{column} in ({', '.join(repr(v) for v in values)})"


class ScaleVersion(TenantScoped, db.Model):
    """From ``effective_from`` the community pays by ``rates`` (its own scale) or, with a
    ``template_key``, by the operator's shared template of that key (whichever version of
    it is in force in the month paid). Rates copied from a street or district office's
    scale name the version they came from (``source_key``, ``source_version``): the
    office's next version applies only once the community adopts it. Never edited once a
    run used it: a change is a new row with a later date."""

    __tablename__ = "salaries_scale_version"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "effective_from", name="uq_salaries_scale_from"),
        sa.CheckConstraint("(template_key is null) <> (rates is null)", name="rates_or_template"),
    )

    effective_from: Mapped[date] = mapped_column(sa.Date)
    name: Mapped[str] = mapped_column(sa.String(80), default="")
    template_key: Mapped[str | None] = mapped_column(sa.String(64))
    rates: Mapped[dict | None] = mapped_column(sa.JSON)
    source_key: Mapped[str | None] = mapped_column(sa.String(80))  # "@<office slug>"
    source_version: Mapped[int | None] = mapped_column()
    created_by: Mapped[int | None] = member_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Worker(TenantScoped, db.Model):
    """A community worker (社区工作者). ``member_id`` links the account that reads the
    payslips; post and level live in dated ``Assignment`` rows."""

    __tablename__ = "salaries_worker"
    __tenant_table_args__ = (
        sa.CheckConstraint(_in("certificate", CERTIFICATES), name="certificate"),
        sa.UniqueConstraint("tenant_id", "member_id", name="uq_salaries_worker_member"),
    )

    name: Mapped[str] = mapped_column(sa.String(80))
    member_id: Mapped[int | None] = member_column()
    start_date: Mapped[date] = mapped_column(sa.Date)  # seniority (工龄) counts from here
    certificate: Mapped[str] = mapped_column(sa.String(16), default="")
    active: Mapped[bool] = mapped_column(default=True)


class Assignment(TenantScoped, db.Model):
    """A worker's post and level from a date (appointment, promotion, level change)."""

    __tablename__ = "salaries_assignment"
    __tenant_table_args__ = (
        tenant_foreign_key("worker_id", "salaries_worker", ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "worker_id", "effective_from",
                            name="uq_salaries_assignment_from"),
        sa.CheckConstraint(_in("post", POSTS), name="post"),
        sa.CheckConstraint("level between 1 and 10", name="level"),
    )  # fmt: skip

    worker_id: Mapped[int] = mapped_column(ID_TYPE)
    effective_from: Mapped[date] = mapped_column(sa.Date)
    post: Mapped[str] = mapped_column(sa.String(16))
    level: Mapped[int] = mapped_column()


class Item(TenantScoped, db.Model):
    """An allowance or deduction the admin defines: for everyone, or for the workers it
    is given to (``WorkerItem``, with their own amount)."""

    __tablename__ = "salaries_item"
    __tenant_table_args__ = (
        sa.CheckConstraint(_in("kind", ITEM_KINDS), name="kind"),
        sa.CheckConstraint("amount_fen >= 0", name="amount"),
        sa.UniqueConstraint("tenant_id", "name", name="uq_salaries_item_name"),
    )

    name: Mapped[str] = mapped_column(sa.String(60))
    kind: Mapped[str] = mapped_column(sa.String(16))
    amount_fen: Mapped[int] = mapped_column(default=0)
    everyone: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)


class WorkerItem(TenantScoped, db.Model):
    __tablename__ = "salaries_worker_item"
    __tenant_table_args__ = (
        tenant_foreign_key("worker_id", "salaries_worker", ondelete="CASCADE"),
        tenant_foreign_key("item_id", "salaries_item", ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "worker_id", "item_id", name="uq_salaries_worker_item"),
        sa.CheckConstraint("amount_fen >= 0", name="amount"),
    )

    worker_id: Mapped[int] = mapped_column(ID_TYPE)
    item_id: Mapped[int] = mapped_column(ID_TYPE)
    amount_fen: Mapped[int] = mapped_column()


class Appraisal(TenantScoped, db.Model):
    """A worker's appraisal score (绩效考核) for a month, 0-100."""

    __tablename__ = "salaries_appraisal"
    __tenant_table_args__ = (
        tenant_foreign_key("worker_id", "salaries_worker", ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "worker_id", "month", name="uq_salaries_appraisal"),
        sa.CheckConstraint("score between 0 and 100", name="score"),
    )

    worker_id: Mapped[int] = mapped_column(ID_TYPE)
    month: Mapped[date] = mapped_column(sa.Date)  # the first day of the month
    score: Mapped[int] = mapped_column()


class Run(TenantScoped, db.Model):
    """A month's payroll run: draft -> reviewed -> approved (locked). One regular run per
    month (``regular_month`` is unique; NULL for adjusting runs, which name the run they
    correct)."""

    __tablename__ = "salaries_run"
    __tenant_table_args__ = (
        tenant_foreign_key("adjusts_id", "salaries_run", ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "regular_month", name="uq_salaries_run_month"),
        sa.CheckConstraint(_in("kind", RUN_KINDS), name="kind"),
        sa.CheckConstraint(_in("status", RUN_STATUSES), name="status"),
        sa.CheckConstraint(
            "(kind = 'regular') = (regular_month is not null)", name="regular_month"
        ),
        sa.CheckConstraint("(kind = 'adjusting') = (adjusts_id is not null)", name="adjusts"),
        sa.CheckConstraint(
            "approved_by is null or approved_by <> prepared_by", name="second_person"
        ),
        sa.Index("ix_salaries_run_month", "tenant_id", "month"),
    )

    month: Mapped[date] = mapped_column(sa.Date)
    regular_month: Mapped[date | None] = mapped_column(sa.Date)
    kind: Mapped[str] = mapped_column(sa.String(16), default="regular")
    adjusts_id: Mapped[int | None] = mapped_column(ID_TYPE)
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    prepared_by: Mapped[int] = mapped_column(ID_TYPE)
    reviewed_by: Mapped[int | None] = mapped_column(ID_TYPE)
    approved_by: Mapped[int | None] = mapped_column(ID_TYPE)
    calculated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    workers: Mapped[int] = mapped_column(default=0)
    total_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Payslip(TenantScoped, db.Model):
    """One worker's pay in one run, with every line (``lines``: a list of
    ``{"code", "label", "fen"}``; deductions negative) as computed; names and post are
    copied so the payslip reads the same later."""

    __tablename__ = "salaries_payslip"
    __tenant_table_args__ = (
        tenant_foreign_key("run_id", "salaries_run", ondelete="CASCADE"),
        tenant_foreign_key("worker_id", "salaries_worker", ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "run_id", "worker_id", name="uq_salaries_payslip"),
        sa.Index("ix_salaries_payslip_member", "tenant_id", "member_id", "run_id"),
    )

    run_id: Mapped[int] = mapped_column(ID_TYPE)
    worker_id: Mapped[int] = mapped_column(ID_TYPE)
    member_id: Mapped[int | None] = mapped_column(ID_TYPE)
    name: Mapped[str] = mapped_column(sa.String(80))
    post: Mapped[str] = mapped_column(sa.String(16))
    level: Mapped[int] = mapped_column()
    gross_fen: Mapped[int] = mapped_column()
    deductions_fen: Mapped[int] = mapped_column()
    net_fen: Mapped[int] = mapped_column()
    lines: Mapped[list] = mapped_column(sa.JSON)
