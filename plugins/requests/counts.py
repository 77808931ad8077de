"""The ledger's counts: kept up to date in the transaction of every write, so the figures,
the monthly chart, the owner list and the dashboard cost the same at ten requests or at a
hundred thousand.

How they stay right: after every flush, each new, changed or deleted ``Request`` takes its
old contribution out of the three count tables (``CountTotal``, ``CountMonth``,
``CountOwner`` in models.py) and puts its new one in, with one upsert per table in the
same transaction, so a rolled-back write takes its counts with it. Writes that bypass the
ORM's unit of work (bulk inserts into the table by bench/data and test helpers) call
:func:`rebuild` afterwards; ORM bulk INSERT/UPDATE/DELETE of requests is refused, so
nothing drifts silently.
``flask requests counts check`` compares the counts with a recount from the rows and
``flask requests counts rebuild`` recomputes them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from core.plugin_api import db
from plugins.requests.models import (
    MAX_CLOSE_TARGET_DAYS,
    NO_CLOSE,
    OPEN_STATUSES,
    CountMonth,
    CountOwner,
    CountTotal,
    Request,
)

DAY = 86400
COUNTED = (
    "tenant_id",
    "kind",
    "status",
    "received_month",
    "owner",
    "first_response_seconds",
    "first_response_met",
    "close_seconds",
)
TOTAL_KEY = ("tenant_id", "kind", "status", "close_day")
TOTAL_SUMS = ("n", "responded", "response_met", "response_seconds", "close_seconds")
MONTH_KEY = ("tenant_id", "month", "kind", "status")
OWNER_KEY = ("tenant_id", "owner")


def close_day(seconds: int | None) -> int:
    """Days to close rounded up, as stored (see ``CountTotal``)."""
    if seconds is None:
        return NO_CLOSE
    if seconds <= 0:
        return 0
    if seconds > MAX_CLOSE_TARGET_DAYS * DAY:
        return MAX_CLOSE_TARGET_DAYS + 1
    return (seconds + DAY - 1) // DAY


# ----- keeping them up to date --------------------------------------------------------------
class Delta:
    """The changes one flush makes to the three tables, summed per key."""

    def __init__(self) -> None:
        self.total: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(TOTAL_SUMS))
        self.month: dict[tuple, int] = defaultdict(int)
        self.owner: dict[tuple, int] = defaultdict(int)

    def add(self, state: dict, sign: int) -> None:
        kind = state["kind"] or ""
        seconds = state["first_response_seconds"]
        day = close_day(state["close_seconds"])
        sums = self.total[(state["tenant_id"], kind, state["status"], day)]
        for index, value in enumerate(
            (
                1,
                seconds is not None,
                state["first_response_met"] is True,
                seconds or 0,
                state["close_seconds"] or 0,
            )
        ):
            sums[index] += sign * int(value)
        self.month[(state["tenant_id"], state["received_month"], kind, state["status"])] += sign
        if state["owner"]:
            self.owner[(state["tenant_id"], state["owner"])] += sign

    def rows(self) -> Iterable[tuple[sa.Table, tuple[str, ...], tuple[str, ...], list[dict]]]:
        """(table, key, summed columns, rows) with the zero changes left out, in key order
        (concurrent transactions then lock rows in the same order: no deadlock)."""
        total = [
            dict(zip(TOTAL_KEY + TOTAL_SUMS, key + tuple(sums), strict=True))
            for key, sums in sorted(self.total.items())
            if any(sums)
        ]
        month = [
            dict(zip(MONTH_KEY + ("n",), key + (n,), strict=True))
            for key, n in sorted(self.month.items())
            if n
        ]
        owner = [
            dict(zip(OWNER_KEY + ("n",), key + (n,), strict=True))
            for key, n in sorted(self.owner.items())
            if n
        ]
        yield CountTotal.__table__, TOTAL_KEY, TOTAL_SUMS, total
        yield CountMonth.__table__, MONTH_KEY, ("n",), month
        yield CountOwner.__table__, OWNER_KEY, ("n",), owner


def _state(req: Request, old: bool) -> dict:
    """The counted columns of ``req`` before (``old``) or after this flush."""
    from sqlalchemy import inspect

    attrs = inspect(req).attrs
    out = {}
    for name in COUNTED:
        history = attrs[name].history
        if old and history.deleted:
            out[name] = history.deleted[0]
        else:
            out[name] = getattr(req, name)
    return out


def _changed(req: Request) -> bool:
    from sqlalchemy import inspect

    attrs = inspect(req).attrs
    return any(attrs[name].history.has_changes() for name in COUNTED)


def _upsert(connection, table: sa.Table, key: tuple[str, ...], sums: tuple[str, ...], rows):
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=list(key),
        set_={name: table.c[name] + statement.excluded[name] for name in sums},
    )
    connection.execute(statement, rows)


def _after_flush(session: Session, _context) -> None:
    delta = None
    for obj in session.new:
        if isinstance(obj, Request):
            delta = delta or Delta()
            delta.add(_state(obj, old=False), +1)
    for obj in session.dirty:
        if isinstance(obj, Request) and _changed(obj):
            delta = delta or Delta()
            delta.add(_state(obj, old=True), -1)
            delta.add(_state(obj, old=False), +1)
    for obj in session.deleted:
        if isinstance(obj, Request):
            delta = delta or Delta()
            delta.add(_state(obj, old=True), -1)
    if delta is None:
        return
    connection = session.connection()
    for table, key, sums, rows in delta.rows():
        if rows:
            _upsert(connection, table, key, sums, rows)


def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and any(
        m.class_ is Request for m in state.all_mappers
    ):
        raise RuntimeError(
            "a bulk INSERT/UPDATE/DELETE of requests would leave the ledger counts wrong: "
            "write requests through the ORM (session.add, attribute changes), or use the "
            "table and call plugins.requests.counts.rebuild afterwards"
        )


def install() -> None:
    """Listen to every session (once per process)."""
    if getattr(install, "done", False):
        return
    install.done = True
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _refuse_bulk_changes)


# ----- recomputing them from the rows -------------------------------------------------------
def _close_day_sql(column):
    return sa.case(
        (column.is_(None), NO_CLOSE),
        (column <= 0, 0),
        (column > MAX_CLOSE_TARGET_DAYS * DAY, MAX_CLOSE_TARGET_DAYS + 1),
        else_=(column + (DAY - 1)) // DAY,
    )


def recount_selects(tenant_id: int | None = None) -> dict[sa.Table, sa.Select]:
    """For each count table, the SELECT that computes its rows from the requests (of one
    community, or of all)."""
    r = Request.__table__.c
    kind = sa.func.coalesce(r.kind, "")
    day = _close_day_sql(r.close_seconds)
    where = [] if tenant_id is None else [r.tenant_id == tenant_id]
    total = (
        sa.select(
            r.tenant_id,
            kind,
            r.status,
            day,
            sa.func.count(),
            sa.func.count(r.first_response_seconds),
            sa.func.sum(sa.case((r.first_response_met.is_(True), 1), else_=0)),
            sa.func.coalesce(sa.func.sum(r.first_response_seconds), 0),
            sa.func.coalesce(sa.func.sum(r.close_seconds), 0),
        )
        .where(*where)
        .group_by(r.tenant_id, kind, r.status, day)
    )
    month = (
        sa.select(r.tenant_id, r.received_month, kind, r.status, sa.func.count())
        .where(*where)
        .group_by(r.tenant_id, r.received_month, kind, r.status)
    )
    owner = (
        sa.select(r.tenant_id, r.owner, sa.func.count())
        .where(r.owner != "", *where)
        .group_by(r.tenant_id, r.owner)
    )
    return {
        CountTotal.__table__: total,
        CountMonth.__table__: month,
        CountOwner.__table__: owner,
    }


def _columns(table: sa.Table) -> list[str]:
    if table is CountTotal.__table__:
        return list(TOTAL_KEY + TOTAL_SUMS)
    if table is CountMonth.__table__:
        return list(MONTH_KEY) + ["n"]
    return list(OWNER_KEY) + ["n"]


def rebuild(connection, tenant_id: int | None = None) -> None:
    """Recompute the counts of one community (or all) from its requests, in the caller's
    transaction."""
    for table, select in recount_selects(tenant_id).items():
        delete = table.delete()
        if tenant_id is not None:
            delete = delete.where(table.c.tenant_id == tenant_id)
        connection.execute(delete)
        connection.execute(table.insert().from_select(_columns(table), select))


def differences(connection, tenant_id: int | None = None) -> list[str]:
    """Where the stored counts differ from a recount of the rows (empty: they agree)."""
    out = []
    for table, select in recount_selects(tenant_id).items():
        columns = _columns(table)
        stored_select = sa.select(*(table.c[c] for c in columns))
        if tenant_id is not None:
            stored_select = stored_select.where(table.c.tenant_id == tenant_id)
        width = len(columns) - (len(TOTAL_SUMS) if table is CountTotal.__table__ else 1)
        stored = {
            tuple(row[:width]): tuple(row[width:])
            for row in connection.execute(stored_select)
            if any(row[width:])  # a key counted down to zero equals no row
        }
        recounted = {tuple(row[:width]): tuple(row[width:]) for row in connection.execute(select)}
        for key in sorted(set(stored) | set(recounted), key=repr):
            was, now = stored.get(key), recounted.get(key)
            if was != now:
                out.append(f"{table.name} {key}: stored {was}, from the rows {now}")
    return out


# ----- reading them --------------------------------------------------------------------------
@dataclass
class Totals:
    total: int
    open: int
    responded: int
    response_met: int
    response_seconds: int
    closed: int
    close_met: int
    close_seconds: int


def _total(column, condition=None):
    value = column if condition is None else sa.case((condition, column), else_=0)
    return sa.func.coalesce(sa.func.sum(value), 0)


_CLOSED = CountTotal.close_day != NO_CLOSE
# Built once (statement building costs as much as running one); the values are parameters.
_TOTALS = sa.select(
    _total(CountTotal.n),
    _total(CountTotal.n, CountTotal.status.in_(OPEN_STATUSES)),
    _total(CountTotal.responded),
    _total(CountTotal.response_met),
    _total(CountTotal.response_seconds),
    _total(CountTotal.n, _CLOSED),
    _total(CountTotal.n, sa.and_(_CLOSED, CountTotal.close_day <= sa.bindparam("target"))),
    _total(CountTotal.close_seconds),
)
_OPEN_BY_KIND = (
    sa.select(CountTotal.kind, sa.func.sum(CountTotal.n))
    .where(CountTotal.status.in_(OPEN_STATUSES))
    .group_by(CountTotal.kind)
)
_OWNERS = sa.select(CountOwner.owner).where(CountOwner.n > 0).order_by(CountOwner.owner)
_MONTHLY = (
    sa.select(CountMonth.month, CountMonth.kind, sa.func.sum(CountMonth.n))
    .where(CountMonth.month >= sa.bindparam("first"), CountMonth.month <= sa.bindparam("last"))
    .group_by(CountMonth.month, CountMonth.kind)
)
_OVERDUE = sa.select(sa.func.count(Request.id)).where(
    Request.deadline.is_not(None),
    Request.deadline < sa.bindparam("now", type_=Request.deadline.type),
    Request.status.in_(OPEN_STATUSES),
)


def totals(kind: str = "", status: str = "", close_target_days: int = 7) -> Totals:
    """The figures' counts and sums for the community in scope, optionally one kind/status."""
    select = _TOTALS
    if kind:
        select = select.where(CountTotal.kind == kind)
    if status:
        select = select.where(CountTotal.status == status)
    row = db.session.execute(select, {"target": close_target_days}).one()
    return Totals(*(int(v) for v in row))


def open_by_kind() -> dict[str | None, int]:
    """Open requests per kind (None: not classified yet), for the dashboard."""
    rows = db.session.execute(_OPEN_BY_KIND)
    return {(kind or None): int(n) for kind, n in rows if n}


def monthly(months: list[str], kind: str = "", status: str = "") -> dict[str, dict[str, int]]:
    """{month: {kind: count}} for the given months, optionally one kind/status."""
    from plugins.requests.models import KINDS

    select = _MONTHLY
    if kind:
        select = select.where(CountMonth.kind == kind)
    if status:
        select = select.where(CountMonth.status == status)
    table = {m: {k: 0 for k in (*KINDS, "")} for m in months}
    for month, row_kind, n in db.session.execute(select, {"first": months[0], "last": months[-1]}):
        if month in table:
            table[month][row_kind] += int(n)
    return table


def owners() -> list[str]:
    """Owners with at least one request, in order."""
    return list(db.session.execute(_OWNERS).scalars())


def overdue(now: datetime, kind: str = "", status: str = "") -> int:
    """Open requests past their deadline (an index range: the size of the backlog)."""
    select = _OVERDUE
    if kind:
        select = select.where(Request.kind == kind)
    if status:
        select = select.where(Request.status == status)
    return db.session.execute(select, {"now": now}).scalar_one()
