"""requests: remember when handlers were told a request is overdue (told once)

Revision ID: requests_0004
Revises: requests_0003
Create Date: 2026-11-30 08:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'requests_0004'
down_revision = 'requests_0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('requests_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overdue_notified_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('requests_request', schema=None) as batch_op:
        batch_op.drop_column('overdue_notified_at')
