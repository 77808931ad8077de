"""PostgreSQL row-level security: a second wall behind the ORM's tenant filter.

Every table with a ``tenant_id`` column gets ``FORCE ROW LEVEL SECURITY`` and one policy:
rows are visible and writable only when ``app.tenant_id`` (set per transaction by
``tenants.scoping``) names their community, or when ``app.all_tenants`` is on (code that
said ``all_tenants()``). Superusers bypass RLS, so production connects as a plain role.
Applied at the end of every ``flask db upgrade`` (idempotent) and by the test set-up.
"""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

POLICY = "gongzhi_tenant_isolation"
CONDITION = (
    "(current_setting('app.all_tenants', true) = 'on' OR "
    "tenant_id::text = current_setting('app.tenant_id', true))"
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
