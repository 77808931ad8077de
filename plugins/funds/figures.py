"""Figures from the kept monthly totals (never from the whole ledger): a fund's months,
its year, its budget beside what happened."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from core.plugin_api import db
from plugins.funds.models import Budget, Month


@dataclass(frozen=True)
class MonthRow:
    year: int
    month: int
    income_fen: int
    spending_fen: int


def months(fund_ids: list[int], limit: int = 24) -> dict[int, list[MonthRow]]:
    """The newest ``limit`` months of each fund, oldest first, in one query."""
    if not fund_ids:
        return {}
    rows = db.session.execute(
        sa.select(Month.fund_id, Month.year, Month.month, Month.income_fen, Month.spending_fen)
        .where(Month.fund_id.in_(fund_ids))
        .order_by(Month.fund_id, Month.year.desc(), Month.month.desc())
    ).all()
    out: dict[int, list[MonthRow]] = {f: [] for f in fund_ids}
    for fund_id, year, month, income, spending in rows:
        if len(out[fund_id]) < limit:
            out[fund_id].append(MonthRow(year, month, int(income), int(spending)))
    return {f: list(reversed(r)) for f, r in out.items()}


def year_totals(fund_id: int, year: int) -> tuple[int, int]:
    income, spending = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(Month.income_fen), 0),
            sa.func.coalesce(sa.func.sum(Month.spending_fen), 0),
        ).where(Month.fund_id == fund_id, Month.year == year)
    ).one()
    return int(income), int(spending)


@dataclass(frozen=True)
class BudgetLine:
    year: int
    planned_income: int | None
    planned_spending: int | None
    income: int
    spending: int


def budget_vs_actual(fund_id: int, year: int) -> BudgetLine:
    budget = db.session.execute(
        sa.select(Budget).where(Budget.fund_id == fund_id, Budget.year == year)
    ).scalar_one_or_none()
    income, spending = year_totals(fund_id, year)
    return BudgetLine(
        year,
        budget.income_fen if budget else None,
        budget.spending_fen if budget else None,
        income,
        spending,
    )


def chart_bars(rows: list[MonthRow], height: int = 120) -> list[dict]:
    """Bar heights (SVG units) for a month chart of income and spending."""
    top = max([1] + [r.income_fen for r in rows] + [r.spending_fen for r in rows])
    return [
        {
            "label": f"{r.year}-{r.month:02d}",
            "income": round(max(r.income_fen, 0) * height / top),
            "spending": round(max(r.spending_fen, 0) * height / top),
            "row": r,
        }
        for r in rows
    ]
