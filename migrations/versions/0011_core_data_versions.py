"""each community's data version per part of its data (a plugin, a core table)

Revision ID: 0011_core
Revises: 0010_core
Create Date: 2026-11-30 19:00:00

"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

# revision identifiers, used by Alembic.
revision = "0011_core"
down_revision = "0010_core"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "data_versions",
                sa.JSON().with_variant(JSONB(), "postgresql"),
                server_default="{}",
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("data_versions")
