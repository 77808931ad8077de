"""The login page is kept for visitors (core/web/page_cache.py): it reads no data, so
nothing but the minute can make it stale; each visitor still gets a form whose CSRF
token is their own session's and signs them in."""

from __future__ import annotations

import re

import pytest

from core.testing import DEMO_PASSWORD, count_statements


@pytest.fixture
def gongzhi_config(gongzhi_config):
    return {**gongzhi_config, "WTF_CSRF_ENABLED": True}


def _kept(response) -> bool:
    return response.headers.get("X-Page-Cache") == "hit"


def _token(response) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    assert found, "no CSRF token in the form"
    return found.group(1)


def test_a_visitors_login_page_is_kept_and_signs_each_visitor_in(app, member, community):
    first, second = app.test_client(), app.test_client()
    assert not _kept(first.get("/login"))
    with count_statements(app) as seen:
        page = second.get("/login")
    assert _kept(page) and seen == []
    # The kept copy carries the serving session's token, not the first visitor's: it
    # signs this visitor in, and the first visitor's token does not.
    token = _token(page)
    assert token != _token(first.get("/login"))
    fields = {"email": member.email, "password": DEMO_PASSWORD, "csrf_token": token}
    assert second.post("/login", data=fields).status_code == 302
    stranger = app.test_client()
    stranger.get("/")
    refused = stranger.post("/login", data={**fields, "csrf_token": _token(first.get("/login"))})
    assert refused.status_code != 302


def test_the_next_page_and_the_language_each_have_their_copy(app):
    client = app.test_client()
    client.get("/login?next=/c/alpha/")
    other = client.get("/login?next=/c/beta/")
    assert not _kept(other) and "/c/beta/" in other.get_data(as_text=True)
    english = client.get("/login?next=/c/alpha/", headers={"Accept-Language": "en"})
    chinese = client.get("/login?next=/c/alpha/")
    assert _kept(chinese) and "登录" in chinese.get_data(as_text=True)
    assert "Sign in" in english.get_data(as_text=True)


def _signed_in(app, user):
    client = app.test_client()
    fields = {"email": user.email, "password": DEMO_PASSWORD}
    answer = client.post("/login", data={**fields, "csrf_token": _token(client.get("/login"))})
    assert answer.status_code == 302
    return client


def test_a_signed_in_persons_login_page_is_rendered(app, member, community):
    """It read the person's row, which no community's numbers cover: never kept."""
    client = _signed_in(app, member)
    client.get("/login")
    assert not _kept(client.get("/login"))


def test_a_message_is_shown_once_not_kept(app, member, community):
    visitor = app.test_client()
    visitor.get("/login")
    client = _signed_in(app, member)
    client.post("/logout", data={"csrf_token": _token(client.get("/login"))})
    shown = client.get("/login")
    assert not _kept(shown) and "您已退出登录" in shown.get_data(as_text=True)
    assert _kept(client.get("/login"))  # shown once; then the visitors' copy
    again = visitor.get("/login")
    assert _kept(again) and "您已退出登录" not in again.get_data(as_text=True)
