"""Kept per-volunteer, per-month totals of hour logs (``MonthTotal``): approved minutes
and services, pending minutes, points awarded with the hours.

Every change of a log's status or minutes calls ``moved`` in the same transaction: one
``INSERT … ON CONFLICT DO UPDATE`` adding the difference, so two writers at once both
count (no read-modify-write). ``expected`` recomputes the totals from the logs (the check
and the rebuild); ``mismatches`` lists where kept and recomputed differ.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.plugin_api import current_tenant_id, db
from plugins.volunteers.models import HourLog, MonthTotal

FIELDS = ("minutes", "services", "pending_minutes", "points")


def month_of(day: date) -> date:
    return day.replace(day=1)


def contribution(status: str, minutes: int, points: int) -> dict[str, int]:
    """What one log in ``status`` adds to its month's totals."""
    if status == "approved":
        return {"minutes": minutes, "services": 1, "pending_minutes": 0, "points": points}
    if status == "pending":
        return {"minutes": 0, "services": 0, "pending_minutes": minutes, "points": 0}
    return dict.fromkeys(FIELDS, 0)  # open (not counted yet), rejected


def add(user_id: int, day: date, deltas: dict[str, int]) -> None:
    """Add ``deltas`` to the user's totals of ``day``'s month (not committed)."""
    deltas = {k: int(v) for k, v in deltas.items() if v}
    if not deltas:
        return
    table = MonthTotal.__table__
    values = {"tenant_id": current_tenant_id(), "user_id": user_id, "month": month_of(day)}
    values.update({field: deltas.get(field, 0) for field in FIELDS})
    dialect = db.session.get_bind().dialect.name
    insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(table).values(**values)
    db.session.execute(
        insert.on_conflict_do_update(
            index_elements=["tenant_id", "user_id", "month"],
            set_={field: table.c[field] + insert.excluded[field] for field in deltas},
        )
    )


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


def mismatches() -> list[tuple[int, date, dict[str, int], dict[str, int]]]:
    """(user_id, month, kept, recomputed) wherever they differ (a missing row is zeros)."""
    want = expected()
    kept = {
        (r.user_id, r.month): {f: int(getattr(r, f)) for f in FIELDS}
        for r in db.session.execute(sa.select(MonthTotal)).scalars()
    }
    zero = dict.fromkeys(FIELDS, 0)
    out = []
    for key in sorted(set(want) | set(kept)):
        have, should = kept.get(key, zero), want.get(key, zero)
        if have != should:
            out.append((key[0], key[1], have, should))
    return out


def rebuild() -> int:
    """Replace the community's kept totals by the recomputed ones (bulk-loaded data, a
    repair after a failed check); returns the rows written. Not committed."""
    db.session.execute(sa.delete(MonthTotal).where(MonthTotal.tenant_id == current_tenant_id()))
    rows = [
        {"tenant_id": current_tenant_id(), "user_id": u, "month": m, **sums}
        for (u, m), sums in expected().items()
    ]
    if rows:
        db.session.execute(sa.insert(MonthTotal.__table__), rows)
    return len(rows)
