"""Kept per-volunteer totals of hour logs: per month (``MonthTotal``: approved minutes
and services, pending minutes, points awarded with the hours) and per local year and for
all years (``YearTotal``: the approved part only).

Every change of a log's status or minutes calls ``moved`` in the same transaction, and
``add`` is the one place that changes the totals: an ``INSERT … ON CONFLICT DO UPDATE``
adding the difference to the month's row, and, when approved figures change, one more
adding it to the year's and the all-years' rows, so two writers at once both count (no
read-modify-write). A log's year is the year of its ``work_date``, the community's
calendar day. ``expected`` and ``expected_years`` recompute the totals from the logs (the
check and the rebuild); ``mismatches`` and ``year_mismatches`` list where kept and
recomputed differ.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.plugin_api import current_tenant_id, db
from plugins.volunteers.models import ALL_YEARS, HourLog, MonthTotal, YearTotal

FIELDS = ("minutes", "services", "pending_minutes", "points")
YEAR_FIELDS = ("minutes", "services", "points")  # approved only


def month_of(day: date) -> date:
    return day.replace(day=1)


def contribution(status: str, minutes: int, points: int) -> dict[str, int]:
    """What one log in ``status`` adds to its month's totals."""
    if status == "approved":
        return {"minutes": minutes, "services": 1, "pending_minutes": 0, "points": points}
    if status == "pending":
        return {"minutes": 0, "services": 0, "pending_minutes": minutes, "points": 0}
    return dict.fromkeys(FIELDS, 0)  # open (not counted yet), rejected


def _upsert(model: type, keys: tuple[str, ...], rows: list[dict], deltas: dict[str, int]) -> None:
    """Add ``deltas`` to each row named by ``keys`` (created at the deltas if missing)."""
    table = model.__table__
    dialect = db.session.get_bind().dialect.name
    insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(table).values(rows)
    db.session.execute(
        insert.on_conflict_do_update(
            index_elements=["tenant_id", *keys],
            set_={field: table.c[field] + insert.excluded[field] for field in deltas},
        )
    )


def add(user_id: int, day: date, deltas: dict[str, int]) -> None:
    """Add ``deltas`` to the user's totals of ``day``'s month, and the approved part of
    them to the totals of ``day``'s year and of all years (not committed)."""
    deltas = {k: int(v) for k, v in deltas.items() if v}
    if not deltas:
        return
    tenant_id = current_tenant_id()
    month = {"tenant_id": tenant_id, "user_id": user_id, "month": month_of(day)}
    month.update({field: deltas.get(field, 0) for field in FIELDS})
    _upsert(MonthTotal, ("user_id", "month"), [month], deltas)
    approved = {field: deltas[field] for field in YEAR_FIELDS if field in deltas}
    if approved:
        sums = {field: approved.get(field, 0) for field in YEAR_FIELDS}
        years = [
            {"tenant_id": tenant_id, "year": year, "user_id": user_id, **sums}
            for year in (day.year, ALL_YEARS)
        ]
        _upsert(YearTotal, ("year", "user_id"), years, approved)


def moved(log: HourLog, before: tuple[str, int, int] | None, after: tuple[str, int, int]) -> None:
    """A log went from ``before`` (status, minutes, points; None: new) to ``after``."""
    old = contribution(*before) if before else dict.fromkeys(FIELDS, 0)
    new = contribution(*after)
    add(log.user_id, log.work_date, {k: new[k] - old[k] for k in FIELDS})


def expected() -> dict[tuple[int, date], dict[str, int]]:
    """The totals recomputed from the community's logs (grouped by day in SQL, folded
    into months here: the same on both databases)."""
    approved = HourLog.status == "approved"
    pending = HourLog.status == "pending"
    rows = db.session.execute(
        sa.select(
            HourLog.user_id,
            HourLog.work_date,
            sa.func.sum(sa.case((approved, HourLog.minutes), else_=0)),
            sa.func.sum(sa.case((approved, 1), else_=0)),
            sa.func.sum(sa.case((pending, HourLog.minutes), else_=0)),
            sa.func.sum(sa.case((approved, HourLog.points), else_=0)),
        )
        .where(HourLog.status.in_(("approved", "pending")))
        .group_by(HourLog.user_id, HourLog.work_date)
    )
    out: dict[tuple[int, date], dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    for user_id, day, *sums in rows:
        total = out[(user_id, month_of(day))]
        for field, value in zip(FIELDS, sums, strict=True):
            total[field] += int(value or 0)
    return out


def _differences(
    want: dict[tuple, dict[str, int]], model: type, key: tuple[str, str], fields: tuple[str, ...]
) -> list[tuple]:
    """(*key, kept, recomputed) wherever ``model``'s kept rows, named by the two ``key``
    columns, differ from ``want`` in ``fields`` (a missing row is zeros)."""
    kept = {
        tuple(getattr(r, k) for k in key): {f: int(getattr(r, f)) for f in fields}
        for r in db.session.execute(sa.select(model)).scalars()
    }
    zero = dict.fromkeys(fields, 0)
    out = []
    for name in sorted(set(want) | set(kept)):
        have, should = kept.get(name, zero), want.get(name, zero)
        if have != should:
            out.append((*name, have, should))
    return out


def mismatches() -> list[tuple[int, date, dict[str, int], dict[str, int]]]:
    """(user_id, month, kept, recomputed) wherever they differ (a missing row is zeros)."""
    return _differences(expected(), MonthTotal, ("user_id", "month"), FIELDS)


def expected_years(
    months: dict[tuple[int, date], dict[str, int]] | None = None,
) -> dict[tuple[int, int], dict[str, int]]:
    """The year and all-years totals recomputed from the community's logs (folded from
    ``months``, the result of ``expected``, when given)."""
    out: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(YEAR_FIELDS, 0))
    for (user_id, month), sums in (expected() if months is None else months).items():
        if not any(sums[field] for field in YEAR_FIELDS):
            continue  # only pending minutes: no year row
        for year in (month.year, ALL_YEARS):
            total = out[(user_id, year)]
            for field in YEAR_FIELDS:
                total[field] += sums[field]
    return out


def year_mismatches() -> list[tuple[int, int, dict[str, int], dict[str, int]]]:
    """(user_id, year, kept, recomputed) wherever they differ (``ALL_YEARS``: all years)."""
    return _differences(expected_years(), YearTotal, ("user_id", "year"), YEAR_FIELDS)


def rebuild() -> int:
    """Replace the community's kept month, year and all-years totals by the recomputed
    ones (bulk-loaded data, a repair after a failed check); returns the month rows
    written. Not committed."""
    tenant_id = current_tenant_id()
    db.session.execute(sa.delete(MonthTotal).where(MonthTotal.tenant_id == tenant_id))
    db.session.execute(sa.delete(YearTotal).where(YearTotal.tenant_id == tenant_id))
    months = expected()
    rows = [
        {"tenant_id": tenant_id, "user_id": u, "month": m, **sums}
        for (u, m), sums in months.items()
    ]
    if rows:
        db.session.execute(sa.insert(MonthTotal.__table__), rows)
    years = [
        {"tenant_id": tenant_id, "user_id": u, "year": y, **sums}
        for (u, y), sums in expected_years(months).items()
    ]
    if years:
        db.session.execute(sa.insert(YearTotal.__table__), years)
    return len(rows)
