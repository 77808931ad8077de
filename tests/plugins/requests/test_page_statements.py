"""Every main page runs the same SQL statements with 10 requests and notices as with 2,000
(every built-in plugin on): its cost does not grow with the data. The ceilings catch a
page that starts asking for more (raise one only with a reason). Speed itself is measured
by ``make bench``, never asserted here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from requests_helpers import BASE, bulk_requests

from core.extensions import db
from core.testing import count_statements, is_postgres
from plugins.notices.models import Notice
from tenants.context import community_scope


@pytest.fixture
def gongzhi_config(gongzhi_config):
    """The page's own cost is measured, not the copy kept for the next view
    (core/web/page_cache.py; tests/plugins/requests/test_kept_pages.py)."""
    return {**gongzhi_config, "PAGE_CACHE_SECONDS": 0}


# page: (who, path, most statements). PostgreSQL adds one per transaction (RLS scope).
# A signed-in member's header adds two counts: unread notifications (the bell) and, for
# staff, pending join requests (the menu's badge).
HEADER = 2
PAGES = {
    "dashboard": ("staff", "/c/alpha/", 7 + HEADER),
    "ledger": ("staff", f"{BASE}/ledger", 10 + HEADER),
    "ledger, one kind": ("staff", f"{BASE}/ledger?kind=red", 10 + HEADER),
    "public board": (None, f"{BASE}/board", 4),
    "login": (None, "/login", 0),
    "notices": ("staff", "/c/alpha/notices/", 5 + HEADER),
    "request": ("staff", f"{BASE}/{{request_id}}", 8 + HEADER),
}


def _notices(app, community, count: int, offset: int) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        {
            "tenant_id": community.id,
            "title": f"通知 {offset + n}",
            "body": "请居民相互转告。",
            "public": True,
            "pinned": n % 100 == 0,
            "author_id": None,
            "created_at": start + timedelta(hours=offset + n),
            "updated_at": start + timedelta(hours=offset + n),
        }
        for n in range(count)
    ]
    with app.app_context(), community_scope(community.id):
        db.session.execute(sa.insert(Notice.__table__), rows)
        db.session.commit()


def _statements(app, client, path: str) -> list[str]:
    client.get(path)  # warm: compiled statements, catalogues
    with count_statements(app) as seen:
        assert client.get(path).status_code == 200, path
    return seen


@pytest.fixture
def platform(community, enable_plugin):
    enable_plugin(community, "notices")
    enable_plugin(community, "requests")
    return community


def test_every_main_page_runs_a_fixed_number_of_statements(
    app, platform, staff, member, login, gongzhi_db_url
):
    clients = {"staff": login(staff), None: app.test_client()}
    bulk_requests(app, platform, 10, requester_id=member.id)
    _notices(app, platform, 10, 0)
    with app.app_context(), community_scope(platform.id):
        from plugins.requests.models import Request

        request_id = db.session.execute(sa.select(sa.func.min(Request.id))).scalar()

    def measure() -> dict[str, list[str]]:
        return {
            name: _statements(app, clients[who], path.format(request_id=request_id))
            for name, (who, path, _most) in PAGES.items()
        }

    small = measure()
    bulk_requests(app, platform, 1_990, requester_id=member.id, offset=10)
    _notices(app, platform, 1_990, 10)
    large = measure()
    extra = 1 if is_postgres(gongzhi_db_url) else 0  # set_config of the RLS scope
    for name, (who, _path, most) in PAGES.items():
        assert len(small[name]) == len(large[name]), (name, small[name], large[name])
        assert len(large[name]) <= most + extra, (name, large[name])
        # A page view only reads: no write lock (SQLite), no savepoints.
        assert not [s for s in large[name] if s.startswith(("BEGIN IMMEDIATE", "SAVEPOINT"))]
        # Settings (with the enabled set) once; the membership (with its user) comes with
        # the community, in the one statement that finds it.
        settings = [s for s in large[name] if "FROM tenant_plugins" in s]
        members = [s for s in large[name] if "tenant_memberships" in s]
        users = [s for s in large[name] if "\nFROM users" in s]
        in_community = name != "login"
        assert len(settings) == (1 if in_community else 0), (name, settings)
        assert len(members) == (1 if in_community and who else 0), (name, members)
        if members:
            assert "FROM tenants" in members[0], (name, members)
        assert users == [], (name, users)  # the signed-in user came with the membership
