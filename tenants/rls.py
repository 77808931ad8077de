"""PostgreSQL row-level security: a second wall behind the ORM's tenant filter.

Every table with a ``tenant_id`` column gets ``FORCE ROW LEVEL SECURITY`` and one policy:
rows are visible and writable only when ``app.tenant_id`` (set per transaction by
``tenants.scoping`` with ``SET LOCAL``) names their community, or when ``app.all_tenants``
is on (code that said ``all_tenants()``). Superusers bypass RLS, so production connects as
a plain role. Applied at the end of every ``flask db upgrade`` (idempotent) and by the test set-up.
"""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

POLICY = "gongzhi_tenant_isolation"
# Each setting is read in a scalar subquery, which PostgreSQL evaluates once per statement
# (an InitPlan) instead of once per row, and compared as a number, so the tenant_id index
# can be used; docs/scaling.md has the measurement. '' (no community) compares as NULL.
CONDITION = (
    "((select current_setting('app.all_tenants', true)) = 'on' OR "
    "tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::bigint))"
)


def tenant_tables(connection: Connection) -> list[str]:
    inspector = inspect(connection)
    return sorted(
        name
        for name in inspector.get_table_names()
        if any(col["name"] == "tenant_id" for col in inspector.get_columns(name))
    )


def apply(connection: Connection) -> list[str]:
    """Enable and force RLS with the tenant policy on every tenant-owned table."""
    if connection.dialect.name != "postgresql":
        return []
    tables = tenant_tables(connection)
    for table in tables:
        connection.execute(text(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY'))
        connection.execute(text(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY'))
        connection.execute(text(f'DROP POLICY IF EXISTS {POLICY} ON "{table}"'))
        connection.execute(
            text(f'CREATE POLICY {POLICY} ON "{table}" USING {CONDITION} WITH CHECK {CONDITION}')
        )
    return tables
