"""The figures street and district offices compare: the month's approved payroll cost
(regular and adjusting runs) and, for the present month, posts filled against the
headcount norm (岗位定额) the budget page shows."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from core.plugin_api import FigureKind, db, to_local, utcnow
from plugins.salaries.budget import headcount
from plugins.salaries.models import Run

KINDS = [
    FigureKind("salaries.cost", {"zh_Hans": "工资总额", "en": "Payroll cost"},
               unit="fen", order=50),
    FigureKind("salaries.filled", {"zh_Hans": "在岗社工", "en": "Posts filled"}, order=51),
    FigureKind("salaries.entitled", {"zh_Hans": "核定岗位", "en": "Posts by the norm"},
               order=52),
]  # fmt: skip


def month_figures(start: datetime, end: datetime, zone: str) -> dict[str, int]:
    month = to_local(start, zone).date()
    cost = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Run.total_fen), 0)).where(
            Run.month == month, Run.status == "approved"
        )
    )
    out = {"salaries.cost": int(cost)}
    if start <= utcnow() < end:  # posts now, as the budget page counts them
        norm = headcount(to_local(end, zone).date() - timedelta(days=1))
        out["salaries.filled"], out["salaries.entitled"] = norm.filled, norm.entitled
    return out
