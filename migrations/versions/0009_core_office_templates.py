"""templates published by street and district offices, and communities' adoptions

Revision ID: 0009_core
Revises: 0008_core
Create Date: 2026-11-30 15:40:00

"""

from alembic import op
import sqlalchemy as sa

from core.services.time import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0009_core"
down_revision = "0008_core"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    with op.batch_alter_table("core_shared_templates", schema=None) as batch_op:
        batch_op.alter_column("key", existing_type=sa.String(length=64), type_=sa.String(length=80))
        batch_op.add_column(sa.Column("office_id", ID, nullable=True))
        batch_op.create_index(
            batch_op.f("ix_core_shared_templates_office_id"), ["office_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_core_shared_templates_office_id_core_offices"),
            "core_offices",
            ["office_id"],
            ["id"],
            ondelete="CASCADE",
        )
    op.create_table(
        "core_template_adoptions",
        sa.Column("plugin_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("adopted_at", UTCDateTime(), nullable=False),
        sa.Column("adopted_by", ID, nullable=True),
        sa.Column("id", ID, nullable=False),
        sa.Column("tenant_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["adopted_by"],
            ["users.id"],
            name=op.f("fk_core_template_adoptions_adopted_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_core_template_adoptions_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_template_adoptions")),
        sa.UniqueConstraint("tenant_id", "id", name="uq_core_template_adoptions_tenant_id_id"),
    )
    with op.batch_alter_table("core_template_adoptions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_core_template_adoptions_template", ["plugin_id", "kind", "key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_core_template_adoptions_tenant_id"), ["tenant_id"], unique=False
        )


def downgrade():
    op.drop_table("core_template_adoptions")
    with op.batch_alter_table("core_shared_templates", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_core_shared_templates_office_id_core_offices"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_core_shared_templates_office_id"))
        batch_op.drop_column("office_id")
        batch_op.alter_column("key", existing_type=sa.String(length=80), type_=sa.String(length=64))
