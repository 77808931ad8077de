"""templates the operator publishes for many communities (versioned, global)

Revision ID: 0006_core
Revises: 0005_core
Create Date: 2026-11-30 12:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_core'
down_revision = '0005_core'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('core_shared_templates',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('plugin_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('published_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('version >= 1', name=op.f('ck_core_shared_templates_version')),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], name=op.f('fk_core_shared_templates_published_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_shared_templates')),
    sa.UniqueConstraint('plugin_id', 'kind', 'key', 'version', name=op.f('uq_core_shared_templates_plugin_id_kind_key_version'))
    )
    with op.batch_alter_table('core_shared_templates', schema=None) as batch_op:
        batch_op.create_index('ix_core_shared_templates_lookup', ['plugin_id', 'kind', 'key', 'effective_from'], unique=False)


def downgrade():
    with op.batch_alter_table('core_shared_templates', schema=None) as batch_op:
        batch_op.drop_index('ix_core_shared_templates_lookup')

    op.drop_table('core_shared_templates')
