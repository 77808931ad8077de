"""The figures street and district offices compare: the month's income and spending of
all the community's funds (the monthly totals the public account shows), and the balance
at the end of the present month."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from core.plugin_api import FigureKind, db, to_local, utcnow
from plugins.funds.models import Fund, Month

KINDS = [
    FigureKind("funds.income", {"zh_Hans": "基金收入", "en": "Fund income"},
               unit="fen", public=True, order=40),
    FigureKind("funds.spending", {"zh_Hans": "基金支出", "en": "Fund spending"},
               unit="fen", public=True, order=41),
    FigureKind("funds.balance", {"zh_Hans": "基金余额", "en": "Fund balance"},
               unit="fen", public=True, order=42),
]  # fmt: skip


def month_figures(start: datetime, end: datetime, zone: str) -> dict[str, int]:
    local = to_local(start, zone)
    income, spending = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(Month.income_fen), 0),
            sa.func.coalesce(sa.func.sum(Month.spending_fen), 0),
        ).where(Month.year == local.year, Month.month == local.month)
    ).one()
    out = {"funds.income": int(income), "funds.spending": int(spending)}
    if start <= utcnow() < end:  # the balance is a figure of the present
        out["funds.balance"] = int(
            db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Fund.balance_fen), 0)))
        )
    return out
