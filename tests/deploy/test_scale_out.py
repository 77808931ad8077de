"""Two app servers (gunicorn) behind a load balancer (HAProxy, round robin) on this
machine, sharing the database and a Redis: a session started on one works on the other, a
module switched off on one is off on the other at once, and rate limits are shared."""

from __future__ import annotations

import re

import pytest
import requests

from core.testing.servers import Gunicorn, HAProxy, require_program

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery"
LOGIN_LIMIT = 8


@pytest.fixture
def servers(app, gongzhi_db_url, own_redis, tmp_path):
    require_program("haproxy")
    env = {
        "DATABASE_URL": gongzhi_db_url,
        "REDIS_URL": own_redis.url,
        "SECRET_KEY": "scale-out-test",
        "SESSION_COOKIE_SECURE": "0",
        "LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per minute",
        "GONGZHI_INSTANCE": str(tmp_path),
    }
    with (
        Gunicorn(env, workers=1, log=tmp_path / "a.log") as a,
        Gunicorn(env, workers=1, log=tmp_path / "b.log") as b,
        HAProxy([a.port, b.port]) as balancer,
    ):
        yield a, b, balancer


def _csrf(page: requests.Response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def _served_by(response: requests.Response) -> str:
    return response.headers["X-Served-By"]


def test_two_servers_behind_a_load_balancer_share_sessions_modules_and_limits(
    servers, community, admin
):
    a, b, balancer = servers
    browser = requests.Session()
    form = browser.get(f"{balancer.url}/login")
    signed_in = browser.post(
        f"{balancer.url}/login",
        data={"email": admin.email, "password": PASSWORD, "csrf_token": _csrf(form)},
        allow_redirects=False,
    )
    assert signed_in.status_code == 302

    # The session: every page, from whichever server, knows who is signed in.
    pages = [browser.get(f"{balancer.url}/c/alpha/") for _ in range(4)]
    assert [p.status_code for p in pages] == [200] * 4
    assert all(admin.name in p.text for p in pages)
    assert {_served_by(p) for p in pages} == {"app0", "app1"}

    # A module switched on at one server is on at the other at once, and off again.
    token = _csrf(pages[0])
    assert browser.get(f"{b.url}/c/alpha/notices/").status_code == 404  # "off" cached on b
    switch = browser.post(
        f"{a.url}/c/alpha/settings/modules/notices",
        data={"enabled": "1", "csrf_token": token},
        allow_redirects=False,
    )
    assert switch.status_code in (200, 302)
    assert browser.get(f"{b.url}/c/alpha/notices/").status_code == 200
    browser.post(
        f"{b.url}/c/alpha/settings/modules/notices",
        data={"enabled": "0", "csrf_token": token},
        allow_redirects=False,
    )
    assert browser.get(f"{a.url}/c/alpha/notices/").status_code == 404

    # One sign-in limit for the address across both servers (one was used above).
    stranger = requests.Session()
    token = _csrf(stranger.get(f"{balancer.url}/login"))
    attempts = [
        stranger.post(
            f"{balancer.url}/login",
            # a different account each time: the per-account throttle is not this test's
            data={"email": f"nobody{n}@example.org", "password": "wrong", "csrf_token": token},
            allow_redirects=False,
        )
        for n in range(LOGIN_LIMIT)
    ]
    assert [r.status_code for r in attempts] == [422] * (LOGIN_LIMIT - 1) + [429]
    assert {_served_by(r) for r in attempts} == {"app0", "app1"}
