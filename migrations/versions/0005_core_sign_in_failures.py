"""failed sign-ins per account (the throttle that holds without Redis)

Revision ID: 0005_core
Revises: 0004_core
Create Date: 2026-11-25 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_core'
down_revision = '0004_core'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('core_sign_in_failures',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_sign_in_failures')),
    sa.UniqueConstraint('account', name=op.f('uq_core_sign_in_failures_account'))
    )
    with op.batch_alter_table('core_sign_in_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_sign_in_failures_last_failure_at'), ['last_failure_at'], unique=False)


def downgrade():
    with op.batch_alter_table('core_sign_in_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_sign_in_failures_last_failure_at'))

    op.drop_table('core_sign_in_failures')
