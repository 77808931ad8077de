"""The schema can be distributed by tenant_id (Citus): every unique key and foreign key of a
tenant table holds tenant_id, reference tables never point at tenant tables, ids are
64-bit. Checked on core's tables and every installed plugin's."""

import sqlalchemy as sa

from core.extensions import db
from tenants.distribution import distribution_problems


def test_every_installed_table_can_be_distributed(app):
    assert distribution_problems(list(db.metadata.tables.values())) == []


def test_the_check_names_what_would_block_distribution():
    """The rules themselves: each breach Citus refused on a real cluster is reported."""
    meta = sa.MetaData()
    big = sa.BigInteger
    sa.Table("tenants", meta, sa.Column("id", big, primary_key=True))
    sa.Table(
        "x_parent",
        meta,
        sa.Column("id", big, primary_key=True),
        sa.Column("tenant_id", big, sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("token_hash", sa.String(64), unique=True),  # tenant_invitations, before
        sa.UniqueConstraint("tenant_id", "id"),
    )
    sa.Table(
        "x_child",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),  # 32-bit
        sa.Column("tenant_id", big, sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("parent_id", big, sa.ForeignKey("x_parent.id")),  # no tenant_id in the key
    )
    sa.Table(
        "x_reference",
        meta,
        sa.Column("id", big, primary_key=True),
        sa.Column("parent_id", big, sa.ForeignKey("x_parent.id")),
    )
    problems = "\n".join(distribution_problems(list(meta.tables.values())))
    assert "x_parent: unique key" in problems and "token_hash" in problems
    assert "x_child: no unique key (tenant_id, id)" in problems
    assert "x_child: foreign key ['parent_id'] -> x_parent['id'] lacks tenant_id" in problems
    assert "x_child.id: a 32-bit id" in problems
    assert "x_reference: a reference table points at the tenant table x_parent" in problems
    assert "tenants" not in problems.replace("tenants.id", "")
