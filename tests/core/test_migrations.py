"""``flask db upgrade`` builds exactly the schema the models describe, and goes back down;
it keeps working when a plugin whose tables were migrated stops being active."""

import importlib
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from core import create_app
from core.extensions import db
from core.testing import is_postgres
from tenants.rls import tenant_tables as rls_tables


@pytest.fixture
def scratch_url(tmp_path, gongzhi_db_url):
    """An empty database of the same kind as the suite's."""
    if not is_postgres(gongzhi_db_url):
        yield f"sqlite:///{tmp_path}/migrations.db"
        return
    name = "gongzhi_migrations"
    admin = create_engine(gongzhi_db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield gongzhi_db_url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def test_upgrade_heads_matches_the_models_and_downgrade_empties(gongzhi_config, scratch_url):
    app = create_app({**gongzhi_config, "SQLALCHEMY_DATABASE_URI": scratch_url})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])  # no argument: every plugin branch
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
            tables = set(inspect(conn).get_table_names())
        assert diff == [], diff
        assert set(db.metadata.tables) <= tables
    result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    with app.app_context(), db.engine.connect() as conn:
        left = set(inspect(conn).get_table_names()) - {"alembic_version"}
    assert left == set()
    with app.app_context():
        db.engine.dispose()


def test_each_plugin_has_its_own_branch(gongzhi_config, scratch_url):
    from alembic.script import ScriptDirectory

    app = create_app({**gongzhi_config, "SQLALCHEMY_DATABASE_URI": scratch_url})
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        heads = ScriptDirectory.from_config(config).get_revisions("heads")
    labels = set().union(*(head.branch_labels for head in heads))
    for plugin_id in app.extensions["gongzhi.plugins"].active_ids:
        assert plugin_id in labels, f"no Alembic branch for {plugin_id}"


PLUGIN_INIT = """
from core.plugin_api import PluginMeta
meta = PluginMeta(id="migplug", version="1.0", label={"zh_Hans": "迁移", "en": "Migrated"},
                  description={"zh_Hans": "", "en": ""}, api=">=1.0,<2")
"""
PLUGIN_REVISION = """
from alembic import op
import sqlalchemy as sa

revision = "migplug_0001"
down_revision = None
branch_labels = ("migplug",)
depends_on = ("0001_core",)


def upgrade():
    op.create_table("migplug_thing", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade():
    op.drop_table("migplug_thing")
"""
BROKEN_INIT = {
    "incompatible": PLUGIN_INIT.replace('api=">=1.0,<2"', 'api=">=9"'),
    "failed": "import gongzhi_module_that_does_not_exist  # noqa: F401\n",
}


@pytest.fixture
def migrated_plugin(tmp_path, monkeypatch):
    """A plugin distribution ``gz_migplug`` (entry point ``migplug``) with its own branch,
    installed on sys.path the way pip would; returns its package folder."""
    site = tmp_path / "site"
    package = site / "gz_migplug"
    (package / "migrations" / "versions").mkdir(parents=True)
    (package / "__init__.py").write_text(PLUGIN_INIT)
    (package / "migrations" / "versions" / "migplug_0001.py").write_text(PLUGIN_REVISION)
    info = site / "gz_migplug-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: gz-migplug\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[gongzhi.plugins]\nmigplug = gz_migplug\n")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # the package is rewritten below
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    yield package
    sys.modules.pop("gz_migplug", None)


def _versions(app) -> set[str]:
    with app.app_context(), db.engine.connect() as conn:
        found = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
        tables = set(inspect(conn).get_table_names())
    return found | {f"table:{name}" for name in tables if name.startswith("migplug_")}


@pytest.mark.parametrize("status", ["incompatible", "failed"])
def test_upgrade_still_works_when_a_migrated_plugin_is_no_longer_active(
    gongzhi_config, tmp_path, migrated_plugin, status
):
    """The database holds the plugin's revision; the plugin is now incompatible (or fails
    to import): its branch must still be known, or Alembic "can't locate revision" and
    ``flask db upgrade`` fails for every community."""
    config = {
        **gongzhi_config,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/upgrade.db",
        "PLUGINS_STRICT": False,
    }
    first = create_app(config, plugins=["migplug"])
    assert first.extensions["gongzhi.plugins"].get("migplug").active
    result = first.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert {"migplug_0001", "table:migplug_thing"} <= _versions(first)
    with first.app_context():
        db.engine.dispose()

    (migrated_plugin / "__init__.py").write_text(BROKEN_INIT[status])
    sys.modules.pop("gz_migplug", None)
    importlib.invalidate_caches()
    second = create_app(config, plugins=["migplug"])
    assert second.extensions["gongzhi.plugins"].get("migplug").status == status
    result = second.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert {"migplug_0001", "table:migplug_thing"} <= _versions(second)
    # Its models are not loaded: autogenerate for its branch refuses (it would drop its tables).
    args = ["db", "migrate", "-x", "plugin=migplug", "--head", "migplug@head", "-m", "x"]
    result = second.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0 and f"it is {status}" in result.output, result.output
    # The vendor's command says why, in the plugin's own words, instead of Alembic's.
    reason = second.extensions["gongzhi.plugins"].get("migplug").error
    result = second.test_cli_runner().invoke(args=["plugins", "migrate", "migplug", "-m", "x"])
    assert result.exit_code == 1 and f"migplug is {status}: {reason}" in result.output
    assert len(list((migrated_plugin / "migrations" / "versions").glob("*.py"))) == 1
    with second.app_context():
        db.engine.dispose()


def test_plugins_migrate_names_an_unknown_plugin(app):
    result = app.test_cli_runner().invoke(args=["plugins", "migrate", "nosuch", "-m", "x"])
    assert result.exit_code == 1 and "nosuch: no such plugin is installed" in result.output


def test_ids_become_64_bit_on_a_database_migrated_before(gongzhi_config, scratch_url):
    """An existing deployment (policies in place, 32-bit serials) upgrades to 64-bit ids,
    sequences included: a sequence left at INTEGER would still stop at 2^31 - 1."""
    app = create_app({**gongzhi_config, "SQLALCHEMY_DATABASE_URI": scratch_url})
    runner = app.test_cli_runner()
    for target in ("0002_core", "notices_0001", "requests_0001", "heads"):
        result = runner.invoke(args=["db", "upgrade", target])
        assert result.exit_code == 0, result.output + repr(result.exception)
    with app.app_context(), db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), db.metadata) == []
        if is_postgres(scratch_url):
            narrow = (
                conn.execute(
                    text(
                        "select sequencename from pg_sequences where data_type <> 'bigint'::regtype"
                    )
                )
                .scalars()
                .all()
            )
            assert narrow == []
            policies = conn.execute(text("select count(*) from pg_policies")).scalar()
            assert policies == len(rls_tables(conn))
    with app.app_context():
        db.engine.dispose()
