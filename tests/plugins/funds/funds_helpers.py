"""Helpers to drive the funds plugin in tests (imported by the test modules)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from core.extensions import db
from plugins.funds import ledger
from plugins.funds.models import Entry, Fund, Grant, Month, Posting
from tenants.context import tenant_scope

BASE = "/c/alpha/funds"
DAY = date(2026, 11, 20)


def make_fund(in_community, community, name="社区阳光基金", **fields) -> int:
    with in_community(community):
        fund = Fund(name=name, purpose="帮扶困难家庭", **fields)
        db.session.add(fund)
        db.session.commit()
        return fund.id


def donate(in_community, community, fund_id: int, fen: int, **fields) -> int:
    with in_community(community):
        fields.setdefault("counterparty", "李建国")
        fields.setdefault("donor_name", fields["counterparty"])
        posting = ledger.post(fund_id, "donation", fen, fields.pop("on", DAY), **fields)
        db.session.commit()
        return posting.id


def balance(app, community, fund_id: int) -> int:
    with app.app_context(), tenant_scope(community.id):
        return int(
            db.session.execute(sa.select(Fund.balance_fen).where(Fund.id == fund_id)).scalar_one()
        )


def grant_row(app, community, grant_id: int) -> Grant:
    with app.app_context(), tenant_scope(community.id):
        grant = db.session.get(Grant, grant_id)
        db.session.expunge(grant)
        return grant


def postings(app, community) -> list[Posting]:
    with app.app_context(), tenant_scope(community.id):
        rows = list(db.session.execute(sa.select(Posting).order_by(Posting.id)).scalars())
        for r in rows:
            db.session.expunge(r)
        return rows


def entry_sum(fund_id: int) -> int:
    return int(
        db.session.execute(
            sa.select(sa.func.coalesce(sa.func.sum(Entry.amount_fen), 0)).where(
                Entry.fund_id == fund_id, Entry.account == "fund"
            )
        ).scalar_one()
    )


def month_totals(fund_id: int) -> tuple[int, int]:
    income, spending = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(Month.income_fen), 0),
            sa.func.coalesce(sa.func.sum(Month.spending_fen), 0),
        ).where(Month.fund_id == fund_id)
    ).one()
    return int(income), int(spending)
