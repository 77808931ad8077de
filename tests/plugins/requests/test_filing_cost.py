"""What one resident's report costs the database, with every built-in plugin that follows
events switched on: two transactions (the report, then its events' delivery; SQLite's
write lock twice, not once per plugin), each event loaded once with its failures, and
the handlers' memberships read once."""

from __future__ import annotations

import pytest
from requests_helpers import report
from sqlalchemy import event

from core.extensions import db

FOLLOWERS = ("committees", "funds", "volunteers")  # their on_event ignores a new report


@pytest.fixture
def everything_on(requests_on, enable_plugin):
    for plugin_id in FOLLOWERS:
        enable_plugin(requests_on, plugin_id)
    return requests_on


def test_a_report_costs_two_transactions(app, everything_on, member_client, staff, admin):
    report(member_client, "楼道灯坏了")  # warm: compiled statements, catalogues
    with app.app_context():
        engine = db.engine
    begun: list[int] = []
    seen: list[str] = []

    def on_begin(_conn) -> None:
        begun.append(1)

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "begin", on_begin)
    event.listen(engine, "before_cursor_execute", note)
    try:
        report(member_client, "楼道灯又坏了")
    finally:
        event.remove(engine, "begin", on_begin)
        event.remove(engine, "before_cursor_execute", note)

    assert len(begun) == 2, seen  # the report; the delivery of its notification event
    # The delivery loads the event once and its earlier failures in one query, whatever
    # the number of handlers; handlers that write nothing open no savepoint.
    assert len([s for s in seen if "\nFROM core_events" in s]) == 1, seen
    assert len([s for s in seen if "\nFROM core_event_failures" in s]) == 1, seen
    assert len([s for s in seen if s.startswith("SAVEPOINT")]) == 1, seen  # core's rows
    # The signed-in resident's membership comes with the community (one statement), then
    # the handlers with theirs (one join), then the delivery's check that the recipients
    # are still members: no membership twice.
    with_community = [s for s in seen if s.startswith("SELECT tenants")]
    assert len(with_community) == 1 and "JOIN tenant_memberships" in with_community[0], seen
    memberships = [s for s in seen if "FROM tenant_memberships" in s]
    assert len(memberships) == 2, memberships
    assert not [s for s in seen if s.startswith("SELECT tenants")][1:], seen
