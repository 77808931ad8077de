"""platform billing: each community's subscription, Stripe events processed once

Revision ID: 0007_core
Revises: 0006_core
Create Date: 2026-11-30 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_core'
down_revision = '0006_core'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table('core_billing_events',
    sa.Column('id', ID, nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_billing_events')),
    sa.UniqueConstraint('event_id', name=op.f('uq_core_billing_events_event_id'))
    )
    with op.batch_alter_table('core_billing_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_billing_events_processed_at'), ['processed_at'], unique=False)

    op.create_table('core_subscriptions',
    sa.Column('plan_key', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('interval', sa.String(length=8), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('stripe_customer_id', sa.String(length=255), nullable=False),
    sa.Column('stripe_subscription_id', sa.String(length=255), nullable=False),
    sa.Column('current_period_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_at_period_end', sa.Boolean(), nullable=False),
    sa.Column('past_due_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('over_plan_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', ID, nullable=False),
    sa.Column('tenant_id', ID, nullable=False),
    sa.CheckConstraint('amount_fen >= 0', name=op.f('ck_core_subscriptions_amount_fen')),
    sa.CheckConstraint("status in ('none', 'incomplete', 'active', 'past_due', 'canceled')", name=op.f('ck_core_subscriptions_status')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_core_subscriptions_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_subscriptions')),
    sa.UniqueConstraint('tenant_id', 'id', name='uq_core_subscriptions_tenant_id_id'),
    sa.UniqueConstraint('tenant_id', name=op.f('uq_core_subscriptions_tenant_id'))
    )
    with op.batch_alter_table('core_subscriptions', schema=None) as batch_op:
        batch_op.create_index('ix_core_subscriptions_customer', ['stripe_customer_id'], unique=False)
        batch_op.create_index('ix_core_subscriptions_subscription', ['stripe_subscription_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_subscriptions_tenant_id'), ['tenant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('core_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_subscriptions_tenant_id'))
        batch_op.drop_index('ix_core_subscriptions_subscription')
        batch_op.drop_index('ix_core_subscriptions_customer')

    op.drop_table('core_subscriptions')
    with op.batch_alter_table('core_billing_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_billing_events_processed_at'))

    op.drop_table('core_billing_events')
