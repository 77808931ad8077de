"""Figures for coordinators: approved hours by month and category (the last 12 months),
needs met and open, as a chart with its table. A fixed number of grouped queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from core.plugin_api import db
from plugins.volunteers import clock
from plugins.volunteers.hours import local_date
from plugins.volunteers.models import HourLog, Need, ServiceCategory

MONTHS = 12


def _months(today: date) -> list[tuple[int, int]]:
    out = []
    year, month = today.year, today.month
    for _ in range(MONTHS):
        out.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(out))


@dataclass(frozen=True)
class Figures:
    months: list[tuple[int, int]]
    categories: list[str]
    minutes: dict[tuple[int, int], dict[str, int]]  # (year, month) → category → minutes
    totals: dict[tuple[int, int], int]
    needs: dict[str, int]

    @property
    def peak(self) -> int:
        return max(self.totals.values(), default=0) or 1


def figures() -> Figures:
    months = _months(local_date(clock.now()))
    first = date(*months[0], 1)
    year = sa.extract("year", HourLog.work_date)
    month = sa.extract("month", HourLog.work_date)
    rows = db.session.execute(
        sa.select(year, month, HourLog.category_id, sa.func.sum(HourLog.minutes))
        .where(HourLog.status == "approved", HourLog.work_date >= first)
        .group_by(year, month, HourLog.category_id)
    ).all()
    names = dict(db.session.execute(sa.select(ServiceCategory.id, ServiceCategory.name)).all())
    minutes: dict[tuple[int, int], dict[str, int]] = {m: {} for m in months}
    for y, m, category_id, total in rows:
        key = (int(y), int(m))
        if key in minutes:
            name = names.get(category_id, "—")
            minutes[key][name] = minutes[key].get(name, 0) + int(total)
    used = sorted({name for per in minutes.values() for name in per})
    totals = {m: sum(per.values()) for m, per in minutes.items()}
    needs = dict(
        db.session.execute(sa.select(Need.status, sa.func.count()).group_by(Need.status)).all()
    )
    return Figures(
        months, used, minutes, totals, {s: int(needs.get(s, 0)) for s in ("open", "met")}
    )
