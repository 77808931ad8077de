"""The contract check compares the migrated column types with the models: a migration that
writes ``sa.Integer()`` for an id the model declares ``ID_TYPE`` (64-bit on PostgreSQL) is
reported when the suite runs on PostgreSQL; on SQLite both are INTEGER."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import pytest

from core.testing import is_postgres

PACKAGE = "gz_narrowids"
INIT = """
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.plugin_api import ID_TYPE, PluginMeta, TenantScoped, db

meta = PluginMeta(id="narrowids", version="1.0", label={"zh_Hans": "窄", "en": "Narrow"},
                  description={"zh_Hans": "窄", "en": "Narrow"}, api=">=1.3,<2")


class Thing(TenantScoped, db.Model):
    __tablename__ = "narrowids_thing"
    other_id: Mapped[int] = mapped_column(ID_TYPE)
"""
REVISION = """
from alembic import op
import sqlalchemy as sa

revision = "narrowids_0001"
down_revision = None
branch_labels = ("narrowids",)
depends_on = ("0001_core",)


def upgrade():
    op.create_table(
        "narrowids_thing",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.UniqueConstraint("tenant_id", "id"),
    )


def downgrade():
    op.drop_table("narrowids_thing")
"""


def _package(root: Path):
    if PACKAGE in sys.modules:  # its model is declared once per process
        return sys.modules[PACKAGE]
    package = root / PACKAGE
    (package / "migrations" / "versions").mkdir(parents=True)
    (package / "__init__.py").write_text(INIT)
    (package / "migrations" / "versions" / "narrowids_0001.py").write_text(REVISION)
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    return importlib.import_module(PACKAGE)


@pytest.fixture
def gongzhi_extra_plugins(tmp_path_factory):
    from core.extensions import db

    module = _package(tmp_path_factory.mktemp("site"))
    table = module.Thing.__table__
    if table.name not in db.metadata.tables:
        db.metadata._add_table(table.name, table.schema, table)
    yield {"narrowids": module}
    # Out of the shared metadata again: other tests compare it with the migrations.
    db.metadata.remove(table)


@pytest.fixture
def gongzhi_plugins():
    return []


def test_an_id_the_migration_makes_32_bit_is_reported_on_postgresql(
    plugin_contract, gongzhi_db_url
):
    problems = plugin_contract("narrowids")
    typed = [p for p in problems if "the migrations make it" in p]
    if is_postgres(gongzhi_db_url):
        columns = {re.search(r"column '(\w+)'", p)[1] for p in typed}
        assert columns == {"id", "tenant_id", "other_id"}, problems
        assert "ID_TYPE" in typed[0]
    else:
        assert typed == [], problems
