"""Bad input never gets a 500: every POST route (core and plugins, discovered from the URL
map) is sent empty, oversized, wrongly typed and hostile values by an admin of the
community, on its own objects. Any answer is fine but a server error (in tests a server
error raises, so the traceback shows where)."""

from __future__ import annotations

import re

import pytest
from route_discovery import community_ids, urls_for

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


def test_no_post_route_answers_500_to_bad_input(app, filled, login, community):
    client = login(filled)
    with app.app_context():
        ids = community_ids(community.id)
    plugin_ids = app.extensions["gongzhi.plugins"].active_ids
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in ("auth.logout", "auth.set_language"):
            continue
        for url in urls_for(app, rule, ids, plugin_ids):
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
        ids = community_ids(community.id)
    plugin_ids = app.extensions["gongzhi.plugins"].active_ids
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        for url in urls_for(app, rule, ids, plugin_ids):
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
