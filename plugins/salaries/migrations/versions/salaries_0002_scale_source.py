"""salaries: a scale copied from an office's template names its key and version

Revision ID: salaries_0002
Revises: salaries_0001
Create Date: 2026-11-30 16:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'salaries_0002'
down_revision = 'salaries_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('salaries_scale_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_key', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('source_version', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('salaries_scale_version', schema=None) as batch_op:
        batch_op.drop_column('source_version')
        batch_op.drop_column('source_key')
