"""64-bit ids on PostgreSQL (see core's 0003)

Revision ID: requests_0002
Revises: requests_0001
Create Date: 2026-11-30 06:40:00

"""
from alembic import op


revision = 'requests_0002'
down_revision = 'requests_0001'
branch_labels = None
depends_on = ('0003_core',)

COLUMNS = {
    'requests_category': ['id', 'tenant_id'],
    'requests_service': ['id', 'tenant_id'],
    'requests_request': ['id', 'tenant_id', 'requester_id', 'entered_by_id', 'category_id'],
    'requests_step': ['id', 'tenant_id', 'request_id', 'actor_id'],
    'requests_photo': ['id', 'tenant_id', 'request_id'],
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
    _retype('bigint')


def downgrade():
    _retype('integer')
