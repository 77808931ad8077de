"""idempotency keys; invitation tokens unique per community

Revision ID: 0002_core
Revises: 0001_core
Create Date: 2026-11-30 06:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002_core'
down_revision = '0001_core'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table('core_idempotency_keys',
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('result_id', ID, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_core_idempotency_keys_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_idempotency_keys')),
    sa.UniqueConstraint('tenant_id', 'action', 'key', name=op.f('uq_core_idempotency_keys_tenant_id_action_key')),
    sa.UniqueConstraint('tenant_id', 'id', name='uq_core_idempotency_keys_tenant_id_id')
    )
    with op.batch_alter_table('core_idempotency_keys', schema=None) as batch_op:
        batch_op.create_index('ix_core_idempotency_keys_created', ['tenant_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_idempotency_keys_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('tenant_invitations', schema=None) as batch_op:
        batch_op.drop_constraint('uq_tenant_invitations_token_hash', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_tenant_invitations_tenant_id_token_hash'), ['tenant_id', 'token_hash'])
        batch_op.create_index('ix_tenant_invitations_token_hash', ['token_hash'], unique=False)


def downgrade():
    with op.batch_alter_table('tenant_invitations', schema=None) as batch_op:
        batch_op.drop_index('ix_tenant_invitations_token_hash')
        batch_op.drop_constraint(batch_op.f('uq_tenant_invitations_tenant_id_token_hash'), type_='unique')
        batch_op.create_unique_constraint('uq_tenant_invitations_token_hash', ['token_hash'])

    with op.batch_alter_table('core_idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_idempotency_keys_tenant_id'))
        batch_op.drop_index('ix_core_idempotency_keys_created')

    op.drop_table('core_idempotency_keys')
