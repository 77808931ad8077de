"""The test app and its database: built per test, schema made once per database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from core.testing.services import database_url, is_postgres


@pytest.fixture(scope="session")
def gongzhi_db_url(tmp_path_factory) -> str:
    return database_url(tmp_path_factory.mktemp("db"))


@pytest.fixture
def gongzhi_plugins() -> list[str] | None:
    """Which installed plugins the ``app`` loads (None: all). Override in your conftest."""
    return None


@pytest.fixture
def gongzhi_extra_plugins() -> dict:
    """Plugin objects registered directly (``{"id": module}``). Override to add some."""
    return {}


@pytest.fixture
def gongzhi_config(gongzhi_db_url, tmp_path_factory) -> dict:
    """Config overrides for the test app. Override to change one, e.g. to enable CSRF."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": gongzhi_db_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "CACHE_TYPE": "NullCache",  # ids restart between tests: a shared cache would go stale
        "PLUGINS_STRICT": True,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "SERVER_NAME": "localhost",
        "DEFAULT_PLUGINS": [],
        "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")),  # photos (PhotoStore)
    }


_schema_ready: set[tuple[str, frozenset]] = set()


@pytest.fixture
def app(gongzhi_config, gongzhi_plugins, gongzhi_extra_plugins) -> Iterator:
    from core import create_app
    from core.extensions import db

    application = create_app(
        dict(gongzhi_config), plugins=gongzhi_plugins, extra_plugins=gongzhi_extra_plugins
    )
    with application.app_context():
        _prepare_schema(db, gongzhi_config["SQLALCHEMY_DATABASE_URI"])
    yield application
    with application.app_context():
        db.session.remove()
        _empty_all_tables(db)
        db.engine.dispose()


def _prepare_schema(db, url: str) -> None:
    """Create every table once per database and run; later tests start from empty tables."""
    key = (url, frozenset(db.metadata.tables))
    if key in _schema_ready:
        return
    from tenants import rls

    with db.engine.begin() as conn:
        if is_postgres(url):
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            db.metadata.drop_all(conn)
    with db.engine.begin() as conn:
        db.metadata.create_all(conn)
        rls.apply(conn)
    _schema_ready.add(key)


def _empty_all_tables(db) -> None:
    """Every table emptied, ids from 1 again. DELETE, not TRUNCATE, on PostgreSQL too: a
    TRUNCATE of ~80 tables costs 0.3-0.5 s (new files for each), a test's few rows 16 ms."""
    with db.engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:  # every community's rows, also for a role row-level security binds
            conn.execute(text("SET LOCAL app.all_tenants = 'on'"))
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        if postgres:
            conn.execute(
                text(
                    "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c"
                    " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE c.relkind = 'S' AND n.nspname = current_schema()"
                )
            )


@dataclass(frozen=True)
class PluginStatus:
    """What ``flask plugins list`` says about one installed plugin."""

    id: str
    status: str  # "active", "failed" or "incompatible"
    version: str  # "?" when it has no readable meta
    api: str  # the plugin API range it declares, "?" likewise
    reason: str | None  # why it is failed or incompatible
    distribution: str | None  # the distribution its entry point comes from, if any


@pytest.fixture
def plugin_status(app) -> Callable[[str], PluginStatus | None]:
    """``plugin_status("survey")`` -> its :class:`PluginStatus` in ``app``, or None if it
    is not installed (or not among ``gongzhi_plugins``)."""

    def status(plugin_id: str) -> PluginStatus | None:
        record = app.extensions["gongzhi.plugins"].get(plugin_id)
        if record is None:
            return None
        return PluginStatus(
            record.id,
            record.status,
            record.version,
            record.api,
            record.error,
            record.distribution,
        )

    return status
