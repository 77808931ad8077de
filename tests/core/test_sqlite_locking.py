"""SQLite: page views begin deferred and never hold the write lock; writes begin
immediate; a GET that writes still works (marked: immediate at once; unmarked: upgraded,
logged, and immediate from then on)."""

from __future__ import annotations

import logging
import sqlite3
import types

import pytest
from flask import Blueprint
from sqlalchemy import event

from core.extensions import db
from core.models import AuditEntry
from core.plugin_api import PluginMeta, audit, hookimpl, writes_on_get
from core.testing import is_postgres


def _writer_plugin() -> types.ModuleType:
    """A plugin whose GET views write an audit line: one marked, one not."""
    bp = Blueprint("writer", __name__)

    @bp.route("/unmarked")
    def unmarked():
        audit("writer.viewed", "unmarked")
        db.session.commit()
        return "ok"

    @bp.route("/marked")
    @writes_on_get
    def marked():
        audit("writer.viewed", "marked")
        db.session.commit()
        return "ok"

    module = types.ModuleType("writer_plugin")
    module.meta = PluginMeta(
        id="writer",
        version="1.0",
        label={"zh_Hans": "写入", "en": "Writer"},
        description={"zh_Hans": "测试", "en": "Test"},
    )
    module.register_blueprints = hookimpl(lambda: [bp])
    return module


@pytest.fixture
def gongzhi_extra_plugins():
    return {"writer": _writer_plugin()}


@pytest.fixture(autouse=True)
def _sqlite_only(gongzhi_db_url):
    if is_postgres(gongzhi_db_url):
        pytest.skip("SQLite's write lock; PostgreSQL has row locks")


def _begins(app, client, method: str, path: str, **kwargs) -> tuple[int, list[str]]:
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        status = client.open(path, method=method, **kwargs).status_code
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return status, seen


def test_page_views_begin_deferred_and_writes_immediate(app, community, member_client):
    status, begins = _begins(app, member_client, "GET", "/c/alpha/")
    assert status == 200 and begins and set(begins) == {"BEGIN"}
    status, begins = _begins(app, member_client, "POST", "/c/alpha/join")
    assert status == 302 and begins and set(begins) == {"BEGIN IMMEDIATE"}


def test_a_reader_does_not_hold_the_write_lock(app, community, gongzhi_db_url):
    path = gongzhi_db_url.removeprefix("sqlite:///")
    environ = {"gongzhi.dispatching": True}  # what Flask's dispatch marks
    with app.test_request_context("/c/alpha/", environ_overrides=environ):
        db.session.execute(db.select(AuditEntry.id).execution_options(all_tenants=True)).all()
        assert db.session().in_transaction()  # the page's read transaction is open...
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:  # ...and another process writes at once instead of waiting for it
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE tenants SET households = households WHERE id = 0")
            other.execute("COMMIT")
        finally:
            other.close()
        db.session.rollback()


def test_a_get_that_writes_still_works(app, community, enable_plugin, member_client, caplog):
    enable_plugin(community, "writer")
    status, begins = _begins(app, member_client, "GET", "/c/alpha/writer/marked")
    assert status == 200 and set(begins) == {"BEGIN IMMEDIATE"}
    with caplog.at_level(logging.WARNING, logger="gongzhi.sqlite"):
        status, begins = _begins(app, member_client, "GET", "/c/alpha/writer/unmarked")
    assert status == 200 and "BEGIN" in begins
    assert "writer.unmarked writes inside a read transaction" in caplog.text
    status, begins = _begins(app, member_client, "GET", "/c/alpha/writer/unmarked")
    assert status == 200 and set(begins) == {"BEGIN IMMEDIATE"}  # learned
    with app.app_context():
        targets = db.session.execute(
            db.select(AuditEntry.target).execution_options(all_tenants=True)
        ).scalars()
        assert sorted(targets) == ["marked", "unmarked", "unmarked"]


def test_event_delivery_after_a_page_view_writes_immediately(app, community, member_client):
    from core.sqlite import intend_to_write, reads_only

    environ = {"gongzhi.dispatching": True}
    with app.test_request_context("/c/alpha/", environ_overrides=environ):
        assert reads_only()
        with intend_to_write():
            assert not reads_only()
    with app.test_request_context("/c/alpha/"):  # set-up code, not a dispatched request
        assert not reads_only()
