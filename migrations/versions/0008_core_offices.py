"""street and district offices, their communities and accounts, figure snapshots

Revision ID: 0008_core
Revises: 0007_core
Create Date: 2026-11-30 12:40:00

"""

from alembic import op
import sqlalchemy as sa

from core.services.time import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0008_core"
down_revision = "0007_core"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "core_offices",
        sa.Column("id", ID, nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name_zh", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("parent_id", ID, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('street', 'district')", name=op.f("ck_core_offices_kind")),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["core_offices.id"],
            name=op.f("fk_core_offices_parent_id_core_offices"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_offices")),
        sa.UniqueConstraint("slug", name=op.f("uq_core_offices_slug")),
    )
    op.create_index(op.f("ix_core_offices_parent_id"), "core_offices", ["parent_id"], unique=False)
    op.create_table(
        "core_office_communities",
        sa.Column("community_id", ID, nullable=False),
        sa.Column("office_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["tenants.id"],
            name=op.f("fk_core_office_communities_community_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["core_offices.id"],
            name=op.f("fk_core_office_communities_office_id_core_offices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("community_id", name=op.f("pk_core_office_communities")),
    )
    op.create_index(
        op.f("ix_core_office_communities_office_id"),
        "core_office_communities",
        ["office_id"],
        unique=False,
    )
    op.create_table(
        "core_office_members",
        sa.Column("id", ID, nullable=False),
        sa.Column("office_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["core_offices.id"],
            name=op.f("fk_core_office_members_office_id_core_offices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_core_office_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_office_members")),
        sa.UniqueConstraint("office_id", "user_id", name=op.f("uq_core_office_members_office_id_user_id")),
    )
    op.create_index(
        op.f("ix_core_office_members_office_id"), "core_office_members", ["office_id"], unique=False
    )
    op.create_index(
        op.f("ix_core_office_members_user_id"), "core_office_members", ["user_id"], unique=False
    )
    op.create_table(
        "core_office_reads",
        sa.Column("id", ID, nullable=False),
        sa.Column("office_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("what", sa.String(length=64), nullable=False),
        sa.Column("communities", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["core_offices.id"],
            name=op.f("fk_core_office_reads_office_id_core_offices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_core_office_reads_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_office_reads")),
    )
    op.create_index(op.f("ix_core_office_reads_at"), "core_office_reads", ["at"], unique=False)
    op.create_index(
        op.f("ix_core_office_reads_office_id"), "core_office_reads", ["office_id"], unique=False
    )
    op.create_table(
        "core_figure_snapshots",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("tenant_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_core_figure_snapshots_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_figure_snapshots")),
        sa.UniqueConstraint("tenant_id", "id", name="uq_core_figure_snapshots_tenant_id_id"),
        sa.UniqueConstraint(
            "tenant_id", "month", "key", name=op.f("uq_core_figure_snapshots_tenant_id_month_key")
        ),
    )
    op.create_index(
        "ix_core_figure_snapshots_month_key",
        "core_figure_snapshots",
        ["month", "key"],
        unique=False,
    )
    op.create_index(
        op.f("ix_core_figure_snapshots_tenant_id"),
        "core_figure_snapshots",
        ["tenant_id"],
        unique=False,
    )


    op.create_table(
        "core_office_figures",
        sa.Column("id", ID, nullable=False),
        sa.Column("office_id", ID, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["core_offices.id"],
            name=op.f("fk_core_office_figures_office_id_core_offices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_office_figures")),
        sa.UniqueConstraint(
            "office_id", "month", "key", name=op.f("uq_core_office_figures_office_id_month_key")
        ),
    )


    op.create_table(
        "core_office_matters",
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("deadline", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("answered_by_id", ID, nullable=True),
        sa.Column("office_name", sa.String(length=120), nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("tenant_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["users.id"],
            name=op.f("fk_core_office_matters_answered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_core_office_matters_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_office_matters")),
        sa.UniqueConstraint("tenant_id", "id", name="uq_core_office_matters_tenant_id_id"),
        sa.UniqueConstraint(
            "tenant_id", "reference", name=op.f("uq_core_office_matters_tenant_id_reference")
        ),
    )
    op.create_index(
        "ix_core_office_matters_open", "core_office_matters", ["status", "sent_at"], unique=False
    )
    op.create_index(
        op.f("ix_core_office_matters_tenant_id"), "core_office_matters", ["tenant_id"], unique=False
    )


def downgrade():
    op.drop_table("core_office_matters")
    op.drop_table("core_office_figures")
    op.drop_table("core_figure_snapshots")
    op.drop_table("core_office_reads")
    op.drop_table("core_office_members")
    op.drop_table("core_office_communities")
    op.drop_table("core_offices")
