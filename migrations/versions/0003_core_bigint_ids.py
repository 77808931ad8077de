"""64-bit ids: every id and every column pointing at one is BIGINT on PostgreSQL

Revision ID: 0003_core
Revises: 0002_core
Create Date: 2026-11-30 06:40:00

SQLite's INTEGER is 64-bit already (and must stay INTEGER to auto-increment): nothing to
do there. On PostgreSQL the serial sequences are widened too, or they would still stop
at 2^31 - 1.
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_core'
down_revision = '0002_core'
branch_labels = None
depends_on = None

COLUMNS = {
    'tenants': ['id'],
    'users': ['id'],
    'core_audit_log': ['id', 'tenant_id', 'actor_id'],
    'core_events': ['id', 'tenant_id'],
    'core_event_failures': ['id', 'tenant_id', 'event_id'],
    'core_idempotency_keys': ['id', 'tenant_id'],
    'tenant_invitations': ['id', 'tenant_id', 'invited_by_id'],
    'tenant_memberships': ['id', 'tenant_id', 'user_id'],
    'tenant_plugins': ['id', 'tenant_id'],
}


def _retype(new):
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, columns in COLUMNS.items():
        # A column named in a policy cannot change type: migrations/env.py re-creates the
        # row-level security policies after every upgrade and downgrade.
        op.execute(f'DROP POLICY IF EXISTS gongzhi_tenant_isolation ON "{table}"')
        op.execute(
            f'ALTER TABLE "{table}" '
            + ', '.join(f'ALTER COLUMN "{c}" TYPE {new}' for c in columns)
        )
        op.execute(
            f"DO $$ DECLARE s text := pg_get_serial_sequence('\"{table}\"', 'id'); "
            f"BEGIN IF s IS NOT NULL THEN EXECUTE format('ALTER SEQUENCE %s AS {new}', s); "
            "END IF; END $$"
        )


def upgrade():
    _retype("bigint")


def downgrade():
    _retype("integer")
