"""``flask db upgrade`` builds exactly the schema the models describe, and goes back down."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from core import create_app
from core.extensions import db
from core.testing import is_postgres


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
