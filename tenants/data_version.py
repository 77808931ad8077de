"""Each community's data versions: numbers raised in the same transaction as every write to
the community's rows, so anything derived from them (a kept page) knows it is current by
comparing numbers that the request loads anyway with the community.

Two kinds, both on the ``tenants`` row:

* ``data_version``: one number, raised by any write to the community's rows;
* ``data_versions``: one number per *part* of the data, raised by writes to that part. A
  part is a plugin's tables (named ``<plugin>_…``, which the contract check enforces) or
  one of core's tables (``part_of``). A kept page records the parts it read, so a request
  filed (the ``requests`` part, core's outbox and notifications) leaves a booking page kept.

Noted per session: the communities and parts of rows flushed (inserted, changed, deleted)
and of statements that write a community-owned table in bulk (``update(Model)``), for the
community in scope (every community under ``all_tenants()``). Just before the commit one
UPDATE raises the numbers, atomically in the database (a JSON merge computed from the row
it updates, so two writers never lose one increment); a rollback forgets them.
"""

from __future__ import annotations

from itertools import chain

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from tenants.context import current_scope, current_tenant_id
from tenants.models import Tenant

_NOTED = "gongzhi_written_communities"
_EVERY = "every"  # a bulk write to community rows with no single community in scope
_OWN = "gongzhi_data_version"  # marks our own UPDATE, which is not a community write
# Set in ``session.info`` by code writing at a revision before the column existed (tests
# of data migrations): nothing is raised in that session.
OLD_SCHEMA = "gongzhi_before_data_version"
# Core's table names start with these; each of core's tables is a part of its own.
CORE_PREFIXES = frozenset({"core", "tenant", "tenants", "user", "users"})


def part_of(table: str) -> str:
    """The part of the data a table belongs to: its plugin, or the core table itself."""
    prefix = table.split("_", 1)[0]
    return table if prefix in CORE_PREFIXES else prefix


def _noted(session: Session) -> dict:
    """{community id or _EVERY: parts written}."""
    return session.info.setdefault(_NOTED, {})


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _context) -> None:
    # After a flush the new/dirty/deleted collections still show what was written.
    noted = _noted(session)
    for row in chain(session.new, session.dirty, session.deleted):
        tenant_id = getattr(row, "tenant_id", None)
        if tenant_id is None and isinstance(row, Tenant):
            tenant_id = row.id
        if tenant_id is not None:
            noted.setdefault(tenant_id, set()).add(part_of(row.__table__.name))


@event.listens_for(Session, "do_orm_execute")
def _note_bulk(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    if state.execution_options.get(_OWN):
        return
    table = getattr(state.statement, "table", None)
    if table is None or ("tenant_id" not in table.c and table.name != "tenants"):
        return
    tenant_id = current_tenant_id()
    if tenant_id is None and (current_scope() is not None or table.name == "tenants"):
        tenant_id = _EVERY
    if tenant_id is not None:
        _noted(state.session).setdefault(tenant_id, set()).add(part_of(table.name))


@event.listens_for(Session, "before_commit")
def _raise_versions(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the commit raises them
        return
    if session.info.get(OLD_SCHEMA):
        session.info.pop(_NOTED, None)
        return
    if session.info.get(_NOTED) is None and not (session.new or session.dirty or session.deleted):
        return
    session.flush()  # what is still pending is noted too
    noted = session.info.pop(_NOTED, None)
    if not noted:
        return
    dialect = session.get_bind().dialect.name
    if _EVERY in noted:  # every community: the parts written by anyone in this transaction
        parts = set().union(*noted.values())
        session.execute(_raise(dialect, parts, None), execution_options={_OWN: True})
        return
    by_parts: dict[frozenset, list[int]] = {}
    for tenant_id, parts in noted.items():
        by_parts.setdefault(frozenset(parts), []).append(tenant_id)
    for parts, ids in by_parts.items():
        session.execute(_raise(dialect, parts, sorted(ids)), execution_options={_OWN: True})


def _raise(dialect: str, parts: set | frozenset, ids: list[int] | None) -> sa.TextClause:
    """One UPDATE raising ``data_version`` and each part's number by one, computed from
    the row being updated (atomic under concurrent writers on both databases)."""
    names = sorted(parts)
    params: dict = {f"p{i}": name for i, name in enumerate(names)}
    if dialect == "postgresql":  # jsonb_build_object's arguments need their types
        pairs = ", ".join(
            f"CAST(:p{i} AS text), "
            f"coalesce(CAST(data_versions ->> CAST(:p{i} AS text) AS bigint), 0) + 1"
            for i in range(len(names))
        )
        merged = f"coalesce(data_versions, '{{}}'::jsonb) || jsonb_build_object({pairs})"
    else:  # SQLite's JSON1: a part's name is letters, digits and "_", safe in a path
        pairs = ", ".join(
            f":p{i}, coalesce(json_extract(data_versions, '$.' || :p{i}), 0) + 1"
            for i in range(len(names))
        )
        merged = f"json_patch(coalesce(data_versions, '{{}}'), json_object({pairs}))"
    sql = f"UPDATE tenants SET data_version = data_version + 1, data_versions = {merged}"
    statement = sa.text(sql)
    if ids is not None:
        statement = sa.text(sql + " WHERE id IN :ids").bindparams(
            sa.bindparam("ids", expanding=True)
        )
        params["ids"] = ids
    return statement.bindparams(**params)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction) -> None:
    # Only the whole transaction: a savepoint rolled back (an event handler that failed)
    # keeps what was written before it; what it noted itself is raised anyway, harmless.
    if previous_transaction.parent is None:
        session.info.pop(_NOTED, None)
