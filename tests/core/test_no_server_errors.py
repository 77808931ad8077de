"""Bad input never gets a 500: every POST route (core and plugins, discovered from the URL
map) is sent empty, oversized, wrongly typed and hostile values by an admin of the
community, on its own objects. Any answer is fine but a server error (in tests a server
error raises, so the traceback shows where)."""

from __future__ import annotations

import re

import pytest

from core.demo import seed_demo_data
from core.extensions import db
from core.models import User
from tenants.context import all_tenants, tenant_scope
from tenants.models import Tenant

NAME = re.compile(r'name="([a-zA-Z_][\w-]*)"')
HOSTILE = [
    "",
    "x" * 20_000,
    "-1",
    "abc",
    "9" * 40,
    "2026-13-45",
    "<script>alert(1)</script>",
    "'; drop table users; --",
    "\u0000\ud7ff",
    "  ",
]


@pytest.fixture
def filled(app, community, make_user, enable_plugin):
    for plugin_id in app.extensions["gongzhi.plugins"].active_ids:
        enable_plugin(community, plugin_id)
    admin = make_user("fuzz-admin@alpha.example", community, "admin", name="Fuzz Admin")
    people = {
        key: make_user(f"{key}@alpha.example", community, key if key != "member2" else "member")
        for key in ("staff", "member", "member2")
    }
    with app.test_request_context(), tenant_scope(community.id):
        from flask import g

        g.tenant = db.session.get(Tenant, community.id)
        users = {k: db.session.get(User, u.id) for k, u in people.items()}
        users["admin"] = db.session.get(User, admin.id)
        seed_demo_data(g.tenant, users)
        db.session.commit()
    return admin


def _ids(community_id: int) -> list[int]:
    with all_tenants():
        ids = set()
        for table in db.metadata.sorted_tables:
            if "tenant_id" in table.c:
                ids |= set(
                    db.session.execute(
                        db.select(table.c.id).where(table.c.tenant_id == community_id)
                    ).scalars()
                )
    return sorted(ids)[:6]


def _urls(app, rule, ids: list[int], plugin_ids: list[str]):
    """The rule's URLs in community A: one per id of A's rows when it takes ids; text
    arguments get a plugin id, a junk token or a path-traversal file name."""
    from flask import url_for

    names = sorted(rule.arguments - {"tenant"})
    int_args = [n for n in names if isinstance(rule._converters[n].to_python("1"), int)]
    special = {"token": "x", "filename": "../../etc/passwd"}
    for i in ids if int_args else [None]:
        args = {n: i if n in int_args else special.get(n, plugin_ids[0]) for n in names}
        if "tenant" in rule.arguments:
            args["tenant"] = "alpha"
        with app.test_request_context():
            yield url_for(rule.endpoint, **args)


def test_no_post_route_answers_500_to_bad_input(app, filled, login, community):
    client = login(filled)
    with app.app_context():
        ids = _ids(community.id)
    plugin_ids = app.extensions["gongzhi.plugins"].active_ids
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in ("auth.logout", "auth.set_language"):
            continue
        for url in _urls(app, rule, ids, plugin_ids):
            form_names = {"title", "name", "email", "role", "enabled"}
            if "GET" in rule.methods:
                form_names |= set(NAME.findall(client.get(url).get_data(as_text=True)))
            form_names.discard("csrf_token")
            for junk in HOSTILE:
                response = client.post(url, data={n: junk for n in form_names})
                assert response.status_code < 500, f"POST {url} with {junk[:20]!r}"
                checked += 1
            for headers in ({"HX-Request": "true"}, {}):
                response = client.post(url, data={}, headers=headers)
                assert response.status_code < 500, f"POST {url} empty"
            # the admin must still be signed in for the next route
            if client.get("/c/alpha/settings").status_code != 200:
                client = login(filled)
    assert checked > 50


def test_no_get_route_answers_500_to_bad_query_strings(app, filled, login, community):
    client = login(filled)
    with app.app_context():
        ids = _ids(community.id)
    plugin_ids = app.extensions["gongzhi.plugins"].active_ids
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        for url in _urls(app, rule, ids, plugin_ids):
            page = client.get(url)
            assert page.status_code < 500, f"GET {url}"
            params = set(NAME.findall(page.get_data().decode("utf-8", "replace"))) | {
                "q",
                "before",
                "format",
                "page",
                "status",
                "kind",
                "date_from",
                "date_to",
            }
            params.discard("csrf_token")
            for junk in HOSTILE[1:]:
                response = client.get(url, query_string={p: junk for p in params})
                assert response.status_code < 500, f"GET {url} with {junk[:20]!r}"
                checked += 1
    assert checked > 100


@pytest.mark.parametrize(
    "path",
    [
        "/c/al%00pha/",
        "/c/ALPHA/",
        "/c/" + "a" * 300 + "/",
        "/c/alpha/settings/modules/x%00y",
        "/c/alpha/notices/99999999999999999999999",
    ],
)
def test_odd_paths_are_404_not_500(admin_client, enable_plugin, community, path):
    enable_plugin(community, "notices")
    assert admin_client.get(path).status_code in (404, 405)
    assert admin_client.post(path).status_code in (404, 405)
