"""While the database is unreachable, every page is a clean 503 that needs nothing: a
static bilingual page with Retry-After, one log line instead of a traceback per request,
and the app recovers by itself when the database is back.

The suite's database is replaced here by a PostgreSQL cluster of this module's own, which
the test stops and starts; the shared one is never touched."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from core.testing.servers import PostgresCluster, require_program

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    require_program("postgres")

    with PostgresCluster() as own:
        own.sql("CREATE DATABASE gongzhi")
        yield own


@pytest.fixture(scope="module")
def gongzhi_db_url(cluster) -> str:
    return cluster.url(database="gongzhi")


def _is_clean_503(response) -> bool:
    page = response.get_data(as_text=True)
    return (
        response.status_code == 503
        and response.headers.get("Retry-After", "").isdigit()
        and "服务暂时无法使用" in page
        and "temporarily unavailable" in page
    )


def test_every_page_answers_a_clean_503_while_the_database_is_down(
    app, cluster, community, member, login, caplog
):
    client = login(member)
    assert client.get("/c/alpha/").status_code == 200
    cluster.stop()
    try:
        with caplog.at_level(logging.INFO):
            responses = {
                "dashboard": client.get("/c/alpha/"),
                "home": client.get("/"),
                "unknown page": client.get("/c/alpha/no-such-page"),
                "htmx": client.get("/c/alpha/", headers={"HX-Request": "true"}),
                "sign-in": app.test_client().post(
                    "/login", data={"email": member.email, "password": "x"}
                ),
                "write": client.post("/c/alpha/settings/modules/notices", data={"enabled": "1"}),
            }
            for _ in range(20):
                responses["again"] = client.get("/c/alpha/")
    finally:
        cluster.start()
    assert {name: r.status_code for name, r in responses.items() if not _is_clean_503(r)} == {}
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    outage = [r.getMessage() for r in caplog.records if r.name == "gongzhi.errors"]
    assert len(outage) == 1 and "database unreachable" in outage[0], outage
    assert client.get("/c/alpha/").status_code == 200  # back by itself (pool pre-ping)


def test_a_connection_dropped_in_the_middle_of_a_request_ends_quietly(app, cluster, community):
    """PostgreSQL goes away while a request holds a connection: ending the request (the
    rollback on a dead connection) must not raise, or the 503 becomes a bare 500."""
    from core.extensions import db

    context = app.test_request_context("/")
    context.push()
    try:
        assert db.session.execute(text("select 1")).scalar() == 1
        cluster.stop()
    finally:
        try:
            context.pop()
        finally:
            cluster.start()
    with app.app_context():
        assert db.session.execute(text("select 1")).scalar() == 1
