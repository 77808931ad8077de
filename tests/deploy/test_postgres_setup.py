"""The documented PostgreSQL set-up, run as written on an empty cluster of the test's own:
``deploy/postgres-setup.sql`` creates the owner and app roles, the owner migrates
(``flask db upgrade``), the app runs as the plain app role with row-level security forced,
and a plugin installed after the first deploy migrates its new tenant table, which the app
role can use at once (``ALTER DEFAULT PRIVILEGES``)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from core import create_app
from core.extensions import db
from core.testing.servers import PostgresCluster, require_program

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "correct horse battery"

LATE_PLUGIN = """
from core.plugin_api import PluginMeta
meta = PluginMeta(id="lateplug", version="1.0", label={"zh_Hans": "后装", "en": "Late"},
                  description={"zh_Hans": "", "en": ""}, api=">=1.0,<2")
"""
LATE_REVISION = """
from alembic import op
import sqlalchemy as sa

revision = "lateplug_0001"
down_revision = None
branch_labels = ("lateplug",)
depends_on = ("0002_core",)


def upgrade():
    op.create_table(
        "lateplug_note",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("tenant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.UniqueConstraint("tenant_id", "id"),
    )


def downgrade():
    op.drop_table("lateplug_note")
"""


@pytest.fixture
def cluster():
    require_program("postgres")
    with PostgresCluster() as own:
        yield own


def install_late_plugin(site: Path) -> None:
    """A plugin distribution with one tenant table, on sys.path the way pip puts it."""
    package = site / "gz_lateplug"
    (package / "migrations" / "versions").mkdir(parents=True)
    (package / "__init__.py").write_text(LATE_PLUGIN)
    (package / "migrations" / "versions" / "lateplug_0001.py").write_text(LATE_REVISION)
    info = site / "gz_lateplug-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: gz-lateplug\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[gongzhi.plugins]\nlateplug = gz_lateplug\n")
    sys.path.insert(0, str(site))
    importlib.invalidate_caches()


def _upgrade(config: dict) -> None:
    app = create_app(config)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    with app.app_context():
        db.engine.dispose()


def test_from_an_empty_cluster_to_a_plugin_added_after_the_first_deploy(
    cluster, gongzhi_config, tmp_path, monkeypatch
):
    cluster.sql_file(ROOT / "deploy" / "postgres-setup.sql", owner_password="o", app_password="a")
    owner = {**gongzhi_config, "SQLALCHEMY_DATABASE_URI": cluster.url("gongzhi_owner", "gongzhi")}
    as_app = {**gongzhi_config, "SQLALCHEMY_DATABASE_URI": cluster.url("gongzhi_app", "gongzhi")}

    _upgrade(owner)  # the first deploy: PostgreSQL 15 let the owner create its tables

    # The app, as the plain role: a community, a member, a report through the pages.
    app = create_app(as_app)
    with app.app_context():
        from core.community.provisioning import create_community
        from core.models import User
        from tenants.context import community_scope
        from tenants.models import Membership

        tenant = create_community(slug="alpha", name_zh="甲", name_en="A", plugins=["requests"])
        person = User(email="resident@alpha.example", name="居民")
        person.set_password(PASSWORD)
        db.session.add(person)
        db.session.commit()
        with community_scope(tenant):
            db.session.add(Membership(user_id=person.id, role="member"))
            db.session.commit()
        tenant_id, email = tenant.id, person.email
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    assert client.get("/c/alpha/").status_code == 200
    report = {"title": "路灯不亮", "building": "2栋", "contact_preference": "message"}
    assert client.post("/c/alpha/requests/new", data=report).status_code == 302
    with app.app_context():
        db.engine.dispose()

    plain = create_engine(cluster.url("gongzhi_app", "gongzhi"))
    with plain.begin() as conn:  # RLS forced: no community set, no rows; no DDL for the app
        assert conn.execute(text("select count(*) from requests_request")).scalar() == 0
        unforced = (
            conn.execute(
                text(
                    "select c.relname from pg_class c join pg_attribute a on a.attrelid = c.oid "
                    "where a.attname = 'tenant_id' and c.relkind = 'r' "
                    "and c.relnamespace = 'public'::regnamespace "
                    "and not (c.relrowsecurity and c.relforcerowsecurity)"
                )
            )
            .scalars()
            .all()
        )
        assert unforced == []
    with plain.begin() as conn, pytest.raises(Exception, match="permission denied"):
        conn.execute(text("create table app_made (id int)"))

    # A plugin installed after the first deploy: its migration, then the app uses its table.
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    install_late_plugin(tmp_path / "site")
    try:
        _upgrade(owner)
    finally:
        sys.path.remove(str(tmp_path / "site"))
        sys.modules.pop("gz_lateplug", None)
    with plain.begin() as conn:
        conn.execute(text(f"SET LOCAL app.tenant_id = '{tenant_id}'"))
        conn.execute(
            text("insert into lateplug_note (tenant_id, body) values (:t, '新表可用')"),
            {"t": tenant_id},
        )
        assert conn.execute(text("select body from lateplug_note")).scalars().all() == ["新表可用"]
    with plain.begin() as conn:  # and RLS covers it too
        assert conn.execute(text("select count(*) from lateplug_note")).scalar() == 0
    plain.dispose()
