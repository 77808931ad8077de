"""Flask extensions, created once and bound to each app in the factory."""

from __future__ import annotations

import sqlite3

from flask import current_app
from flask_babel import Babel, Domain
from flask_caching import Cache
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic can drop/alter them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class _PerAppDomain(Domain):
    """Flask-Babel caches catalogues on its one ``Babel`` object by locale only; each app
    has its own plugin set (and so its own catalogues), so the cache lives on the app."""

    def get_translations_cache(self, ctx):
        return current_app.extensions.setdefault("gongzhi.translations", {})


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
babel.domain_instance = _PerAppDomain(domain="messages")
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = Htmx()
cache = Cache()
compress = Compress()  # bound in core/web/static_files.py
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Embedded SQLite: WAL, foreign keys, a busy timeout, and our own BEGIN (below)."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event emit BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin_immediate(conn) -> None:
    """Take SQLite's write lock at BEGIN.

    pysqlite's default deferred transaction fails with "database is locked" when two
    writers both upgrade from read to write; BEGIN IMMEDIATE makes writers queue on the
    busy timeout instead, which is what keeps bookings and ledgers serial on SQLite.
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
