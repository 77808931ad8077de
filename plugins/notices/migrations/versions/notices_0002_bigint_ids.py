"""64-bit ids on PostgreSQL (see core's 0003)

Revision ID: notices_0002
Revises: notices_0001
Create Date: 2026-11-30 06:40:00

"""
from alembic import op


revision = 'notices_0002'
down_revision = 'notices_0001'
branch_labels = None
depends_on = ('0003_core',)

COLUMNS = {'notices_notice': ['id', 'tenant_id', 'author_id']}


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
    _retype('bigint')


def downgrade():
    _retype('integer')
