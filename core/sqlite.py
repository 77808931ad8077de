"""Embedded SQLite: connection pragmas, and when a transaction takes the write lock.

pysqlite's default deferred transaction fails with "database is locked" when two writers
both upgrade from read to write; ``BEGIN IMMEDIATE`` makes writers queue on the busy
timeout instead, which keeps bookings and ledgers serial. But SQLite has one write lock
per database: if every transaction took it, every page view would wait for every other.
So the rule, decided once per transaction at BEGIN:

* a request with a safe method (GET, HEAD, OPTIONS) begins deferred: readers run side by
  side (WAL) and never wait for a writer;
* everything else begins immediate: POST/PUT/DELETE requests, CLI commands, event
  delivery, tests' set-up code, a GET view marked :func:`writes_on_get` (the export that
  writes its audit line), and anything inside :func:`intend_to_write`.

A GET view that writes without the mark still works: SQLite upgrades the deferred
transaction, which succeeds unless another writer committed meanwhile (then "database is
locked", a clear error, never a wrong row). The first such write is logged with the
endpoint, and from then on that endpoint begins immediate in this process.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from flask import current_app, has_request_context, request, request_started
from sqlalchemy import event
from sqlalchemy.engine import Engine

from core.services.transactions import is_write

log = logging.getLogger("gongzhi.sqlite")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_DEFERRED = "gongzhi_deferred_begin"  # on the connection's info: this transaction is a reader
_DISPATCHING = "gongzhi.dispatching"  # in the WSGI environ of a request Flask dispatches
_write_intent: ContextVar[bool] = ContextVar("gongzhi_write_intent", default=False)

View = TypeVar("View", bound=Callable)


def writes_on_get(view: View) -> View:
    """Mark a view that writes even on GET: its transactions take the write lock at BEGIN."""
    view.gongzhi_writes_on_get = True
    return view


@contextmanager
def intend_to_write() -> Iterator[None]:
    """Transactions begun inside this block take the write lock at BEGIN (event delivery
    after a GET, for one)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def _learned() -> set[str]:
    return current_app.extensions.setdefault("gongzhi.writes_on_get", set())


def reads_only() -> bool:
    """Whether a transaction begun now only reads: a dispatched safe request whose view is
    not known to write, outside ``intend_to_write``."""
    if _write_intent.get() or not has_request_context():
        return False
    if request.method not in SAFE_METHODS or not request.environ.get(_DISPATCHING):
        return False
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: a 404 page reads at most
        return True
    view = current_app.view_functions.get(endpoint)
    return not getattr(view, "gongzhi_writes_on_get", False) and endpoint not in _learned()


def _dispatching(_sender, **_extra) -> None:
    # A request Flask dispatches (not a test_request_context used to set data up).
    request.environ[_DISPATCHING] = True


@event.listens_for(Engine, "connect")
def _pragmas(dbapi_connection, _record) -> None:
    """WAL, foreign keys, a busy timeout, and our own BEGIN (below)."""
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
def _begin(conn) -> None:
    if conn.dialect.name != "sqlite":
        return
    if reads_only():
        conn.info[_DEFERRED] = True
        conn.exec_driver_sql("BEGIN")
    else:
        conn.info.pop(_DEFERRED, None)
        conn.exec_driver_sql("BEGIN IMMEDIATE")


@event.listens_for(Engine, "before_cursor_execute")
def _first_write_of_a_reader(conn, _cursor, statement, *_args) -> None:
    if not conn.info.get(_DEFERRED) or not is_write(statement):
        return
    conn.info.pop(_DEFERRED, None)  # once per transaction
    if has_request_context() and request.endpoint:
        _learned().add(request.endpoint)
        log.warning(
            "%s %s writes inside a read transaction; mark the view @writes_on_get so it "
            "takes the write lock at BEGIN (this process now does)",
            request.method,
            request.endpoint,
        )


def install() -> None:
    """Know which requests are dispatched (once per process; signals are global)."""
    if getattr(install, "done", False):
        return
    install.done = True
    request_started.connect(_dispatching)
