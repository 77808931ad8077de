"""Tables of the funds plugin (社区基金): funds, a double-entry ledger, grants, budgets.

The ledger is append-only and in integer fen. A posting (``funds_transaction``) has
entries (``funds_entry``) that sum to zero: the fund's own account against an outside
account (``donors`` for income, ``grantees`` for spending). A mistake is corrected by a
reversing posting, never by an edit. Each fund's kept ``balance_fen`` and its monthly
totals (``funds_month``) change in the same transaction as the posting; the database
refuses a negative balance unless the fund allows an overdraft (CHECK), so a conditional
UPDATE that loses a race changes nothing instead of overdrawing.
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

ACCOUNTS = ("fund", "donors", "grantees")
KINDS = ("donation", "disbursement", "reversal")
METHODS = ("cash", "bank", "card")
PERSON_ROLES = ("manager", "approver")
APPLICANT_KINDS = ("project", "organisation", "committee")
GRANT_STATUSES = ("proposed", "submitted", "reviewed", "approved", "rejected", "disbursed")
CHECKOUT_STATUSES = ("open", "paid", "expired", "failed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} in ({', '.join(repr(v) for v in values)})"


class Fund(TenantScoped, db.Model):
    """A fund (阳光基金, 微公益基金, 专委会奖励金) with its kept balance."""

    __tablename__ = "funds_fund"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "name", name="uq_funds_fund_name"),
        sa.CheckConstraint("balance_fen >= 0 or allow_overdraft", name="not_overdrawn"),
    )

    name: Mapped[str] = mapped_column(sa.String(80))
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    balance_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    allow_overdraft: Mapped[bool] = mapped_column(default=False)
    reward_pool: Mapped[bool] = mapped_column(default=False)  # committee rewards land here
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FundPerson(TenantScoped, db.Model):
    """A fund's managers (who run it) and approvers (who approve its grants)."""

    __tablename__ = "funds_person"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "fund_id", "user_id", "role", name="uq_funds_person"),
        sa.CheckConstraint(_in("role", PERSON_ROLES), name="role"),
        tenant_foreign_key("fund_id", "funds_fund", ondelete="CASCADE"),
    )

    fund_id: Mapped[int] = mapped_column(ID_TYPE)
    user_id: Mapped[int] = member_column(nullable=False)
    role: Mapped[str] = mapped_column(sa.String(10))


class Posting(TenantScoped, db.Model):
    """One posting of the ledger: what happened, when, why and with whom. ``amount_fen``
    is a copy of its fund entry (positive: money in), checked by ``flask funds check``."""

    __tablename__ = "funds_transaction"
    __tenant_table_args__ = (
        sa.CheckConstraint(_in("kind", KINDS), name="kind"),
        sa.CheckConstraint(f"method is null or {_in('method', METHODS)}", name="method"),
        sa.CheckConstraint("amount_fen <> 0", name="amount"),
        sa.UniqueConstraint("tenant_id", "reversal_of_id", name="uq_funds_transaction_reversal"),
        sa.UniqueConstraint("tenant_id", "reference", name="uq_funds_transaction_reference"),
        sa.UniqueConstraint("tenant_id", "receipt_no", name="uq_funds_transaction_receipt"),
        sa.UniqueConstraint("tenant_id", "receipt_token", name="uq_funds_transaction_token"),
        tenant_foreign_key("fund_id", "funds_fund"),
        tenant_foreign_key("reversal_of_id", "funds_transaction"),
        sa.Index("ix_funds_transaction_fund", "tenant_id", "fund_id", "id"),
    )

    fund_id: Mapped[int] = mapped_column(ID_TYPE)
    kind: Mapped[str] = mapped_column(sa.String(14))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    occurred_on: Mapped[date] = mapped_column(sa.Date)  # the community's calendar day
    purpose: Mapped[str] = mapped_column(sa.String(200), default="")
    counterparty: Mapped[str] = mapped_column(sa.String(120), default="")  # as shown publicly
    anonymous: Mapped[bool] = mapped_column(default=False)
    donor_name: Mapped[str] = mapped_column(sa.String(120), default="")  # kept for the receipt
    method: Mapped[str | None] = mapped_column(sa.String(8))
    receipt_no: Mapped[str | None] = mapped_column(sa.String(40))
    receipt_token: Mapped[str | None] = mapped_column(sa.String(32))
    reference: Mapped[str | None] = mapped_column(sa.String(120))  # "grant:7", "stripe:cs_…"
    reversal_of_id: Mapped[int | None] = mapped_column(ID_TYPE)
    created_by_id: Mapped[int | None] = member_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Entry(TenantScoped, db.Model):
    """One side of a posting; a posting's entries sum to zero."""

    __tablename__ = "funds_entry"
    __tenant_table_args__ = (
        sa.CheckConstraint(_in("account", ACCOUNTS), name="account"),
        sa.CheckConstraint("amount_fen <> 0", name="amount"),
        tenant_foreign_key("transaction_id", "funds_transaction"),
        tenant_foreign_key("fund_id", "funds_fund"),
        sa.Index("ix_funds_entry_fund", "tenant_id", "fund_id", "account", "id"),
        sa.Index("ix_funds_entry_transaction", "tenant_id", "transaction_id"),
    )

    transaction_id: Mapped[int] = mapped_column(ID_TYPE)
    fund_id: Mapped[int] = mapped_column(ID_TYPE)
    account: Mapped[str] = mapped_column(sa.String(10))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)


@event.listens_for(Posting, "before_update")
@event.listens_for(Posting, "before_delete")
@event.listens_for(Entry, "before_update")
@event.listens_for(Entry, "before_delete")
def _append_only(_mapper, _connection, target) -> None:
    raise ValueError("the funds ledger is append-only: post a reversal instead")


class Month(TenantScoped, db.Model):
    """A fund's income and spending in one calendar month, kept with each posting so the
    public page never adds up the whole ledger."""

    __tablename__ = "funds_month"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "fund_id", "year", "month", name="uq_funds_month"),
        sa.CheckConstraint("month between 1 and 12", name="month"),
        tenant_foreign_key("fund_id", "funds_fund", ondelete="CASCADE"),
    )

    fund_id: Mapped[int] = mapped_column(ID_TYPE)
    year: Mapped[int] = mapped_column()
    month: Mapped[int] = mapped_column()
    income_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    spending_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    postings: Mapped[int] = mapped_column(default=0)


class Budget(TenantScoped, db.Model):
    """What a fund plans to raise and spend in a year (预算), beside what it did."""

    __tablename__ = "funds_budget"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "fund_id", "year", name="uq_funds_budget"),
        sa.CheckConstraint("income_fen >= 0 and spending_fen >= 0", name="amounts"),
        tenant_foreign_key("fund_id", "funds_fund", ondelete="CASCADE"),
    )

    fund_id: Mapped[int] = mapped_column(ID_TYPE)
    year: Mapped[int] = mapped_column()
    income_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    spending_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class Grant(TenantScoped, db.Model):
    """A grant application (公益创投, 微项目, a committee's reward): reviewed by one
    person, approved by another, then disbursed once."""

    __tablename__ = "funds_grant"
    __tenant_table_args__ = (
        sa.CheckConstraint(_in("status", GRANT_STATUSES), name="status"),
        sa.CheckConstraint(_in("applicant_kind", APPLICANT_KINDS), name="applicant_kind"),
        sa.CheckConstraint("amount_fen > 0", name="amount"),
        # The second person of the two-person rule, also against a race or a bug.
        sa.CheckConstraint(
            "approved_by_id is null or (approved_by_id <> coalesce(reviewed_by_id, 0)"
            " and approved_by_id <> coalesce(created_by_id, 0))",
            name="second_person",
        ),
        sa.UniqueConstraint("tenant_id", "reference", name="uq_funds_grant_reference"),
        tenant_foreign_key("fund_id", "funds_fund"),
        tenant_foreign_key("transaction_id", "funds_transaction"),
        sa.Index("ix_funds_grant_status", "tenant_id", "status", "id"),
    )

    fund_id: Mapped[int] = mapped_column(ID_TYPE)
    applicant_kind: Mapped[str] = mapped_column(sa.String(14))
    applicant_name: Mapped[str] = mapped_column(sa.String(120))
    title: Mapped[str] = mapped_column(sa.String(120))
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[str] = mapped_column(sa.String(10), default="submitted")
    note: Mapped[str] = mapped_column(sa.String(300), default="")  # reviewer's or refusal
    reference: Mapped[str | None] = mapped_column(sa.String(120))  # committees:reward:…
    applicant_id: Mapped[int | None] = member_column()
    created_by_id: Mapped[int | None] = member_column()
    reviewed_by_id: Mapped[int | None] = member_column()
    approved_by_id: Mapped[int | None] = member_column()
    transaction_id: Mapped[int | None] = mapped_column(ID_TYPE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Attachment(TenantScoped, db.Model):
    """An invoice or receipt for a disbursement, kept in the database with the grant."""

    __tablename__ = "funds_attachment"
    __tenant_table_args__ = (
        tenant_foreign_key("grant_id", "funds_grant", ondelete="CASCADE"),
        sa.Index("ix_funds_attachment_grant", "tenant_id", "grant_id"),
    )

    grant_id: Mapped[int] = mapped_column(ID_TYPE)
    filename: Mapped[str] = mapped_column(sa.String(120))
    content_type: Mapped[str] = mapped_column(sa.String(80))
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    uploaded_by_id: Mapped[int | None] = member_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Checkout(TenantScoped, db.Model):
    """An on-line donation through Stripe Checkout: income is posted once, when Stripe
    says the payment succeeded (webhook or the donor's return page, whichever first)."""

    __tablename__ = "funds_checkout"
    __tenant_table_args__ = (
        sa.UniqueConstraint("tenant_id", "session_id", name="uq_funds_checkout_session"),
        sa.CheckConstraint(_in("status", CHECKOUT_STATUSES), name="status"),
        sa.CheckConstraint("amount_fen > 0", name="amount"),
        tenant_foreign_key("fund_id", "funds_fund"),
        tenant_foreign_key("transaction_id", "funds_transaction"),
    )

    fund_id: Mapped[int] = mapped_column(ID_TYPE)
    session_id: Mapped[str] = mapped_column(sa.String(255))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    donor_name: Mapped[str] = mapped_column(sa.String(120), default="")
    anonymous: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(sa.String(8), default="open")
    transaction_id: Mapped[int | None] = mapped_column(ID_TYPE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
