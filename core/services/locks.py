"""Serialising one kind of write per community until the transaction ends."""

from __future__ import annotations

from sqlalchemy import text

from core.extensions import db
from tenants.context import current_tenant_id


def community_lock(name: str) -> None:
    """Hold a lock named ``name`` for the community in scope until commit or rollback.

    For "read the highest number, write the next one" (request numbers 2026-0001, …):
    two writers in one community take turns instead of one failing on the unique key.
    PostgreSQL: a transaction-scoped advisory lock. SQLite: every write transaction is
    already serial (BEGIN IMMEDIATE), so nothing more is needed.
    """
    session = db.session()
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text("select pg_advisory_xact_lock(hashtext(:name), :tenant)"),
        {"name": name, "tenant": current_tenant_id() or 0},
    )
