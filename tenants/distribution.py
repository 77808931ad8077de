"""What distributing the tenant tables by ``tenant_id`` (Citus) needs of the schema.

Citus co-locates each community's rows on one worker when every tenant table is
distributed by ``tenant_id`` and every other table is a reference table (copied to every
worker). That only works if:

* every unique key of a tenant table holds ``tenant_id`` (a worker can only check its own
  rows); the primary key is ``id`` on purpose (SQLite auto-increments only that) and the
  distribution step swaps it for the ``(tenant_id, id)`` unique key every tenant table has;
* a foreign key between tenant tables holds ``tenant_id`` on both sides, paired;
* a foreign key from a tenant table to another table points at a reference table, and no
  reference table points at a tenant table;
* ids, and every column pointing at one, are 64-bit: shards of many communities outgrow
  2^31 rows.

:func:`distribution_problems` lists every breach in a schema (its tables' metadata); a
test in CI runs it on core's and every installed plugin's tables. Checked without Citus:
docs/scaling.md says what still has to be run on a real cluster.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

TENANT_COLUMN = "tenant_id"


def is_tenant_table(table: sa.Table) -> bool:
    return TENANT_COLUMN in table.c


def _unique_keys(table: sa.Table) -> list[tuple[str, list[str]]]:
    keys = [
        (c.name or "unnamed unique key", [col.name for col in c.columns])
        for c in table.constraints
        if isinstance(c, sa.UniqueConstraint)
    ]
    keys += [
        (i.name or "unnamed index", [col.name for col in i.columns])
        for i in table.indexes
        if i.unique
    ]
    keys += [(col.name, [col.name]) for col in table.c if col.unique]
    return keys


def _is_64_bit(column: sa.Column) -> bool:
    compiled = column.type.compile(dialect=postgresql.dialect()).upper()
    return compiled in {"BIGINT", "BIGSERIAL"}


def distribution_problems(tables: list[sa.Table]) -> list[str]:
    """Each reason one of ``tables`` would block distributing by ``tenant_id``."""
    problems: list[str] = []
    for table in sorted(tables, key=lambda t: t.name):
        tenant = is_tenant_table(table)
        if tenant:
            pk = [col.name for col in table.primary_key.columns]
            if pk not in (["id"], [TENANT_COLUMN, "id"]):
                problems.append(f"{table.name}: primary key {pk} is neither id nor (tenant_id, id)")
            keys = _unique_keys(table)
            if not any(sorted(cols) == sorted([TENANT_COLUMN, "id"]) for _, cols in keys):
                problems.append(f"{table.name}: no unique key (tenant_id, id) to become its key")
            for name, cols in keys:
                if TENANT_COLUMN not in cols:
                    problems.append(f"{table.name}: unique key {name} {cols} lacks tenant_id")
        for fk in table.foreign_key_constraints:
            target = fk.referred_table
            local = [col.name for col in fk.columns]
            remote = [el.column.name for el in fk.elements]
            if tenant and is_tenant_table(target):
                if (TENANT_COLUMN, TENANT_COLUMN) not in zip(local, remote, strict=True):
                    problems.append(
                        f"{table.name}: foreign key {local} -> {target.name}{remote} lacks "
                        "tenant_id on both sides"
                    )
            elif not tenant and is_tenant_table(target):
                problems.append(
                    f"{table.name}: a reference table points at the tenant table {target.name}"
                )
        for column in table.c:
            points_at_id = any(fk.column.name == "id" for fk in column.foreign_keys)
            named_id = column.name == "id" or column.name.endswith("_id")
            if (
                (column.primary_key or points_at_id or named_id)
                and isinstance(column.type, sa.Integer)
                and not _is_64_bit(column)
            ):
                problems.append(f"{table.name}.{column.name}: a 32-bit id on PostgreSQL")
    return problems
