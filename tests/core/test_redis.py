"""With REDIS_URL, rate limits and the enabled-plugin cache are shared by app servers."""

import os
import uuid

import pytest

from core import create_app
from core.config import REDIS_CACHE

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_config(gongzhi_config):
    url = os.environ["REDIS_URL"]
    return {
        **gongzhi_config,
        "REDIS_URL": url,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": url,
        "CACHE_TYPE": REDIS_CACHE,
        "CACHE_REDIS_URL": url,
        "CACHE_KEY_PREFIX": f"gongzhi-test-{uuid.uuid4().hex}:",
    }


def test_two_app_servers_share_the_login_rate_limit(redis_config, app):
    address = f"127.0.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    servers = [create_app(redis_config).test_client() for _ in range(2)]
    statuses = []
    for attempt in range(12):
        client = servers[attempt % 2]  # a load balancer alternating between two servers
        response = client.post(
            "/login",  # another account each time: the per-address limit is counted
            data={"email": f"n{attempt}@example.org", "password": "wrong"},
            environ_base={"REMOTE_ADDR": address},
        )
        statuses.append(response.status_code)
    assert statuses.count(422) == 10 and statuses[-1] == 429


def test_switching_a_plugin_on_one_server_is_seen_by_the_other(
    redis_config, community, admin, login
):
    first, second = create_app(redis_config), create_app(redis_config)

    def signed_in(app):
        client = app.test_client()
        client.post("/login", data={"email": admin.email, "password": "correct horse battery"})
        return client

    a, b = signed_in(first), signed_in(second)
    assert b.get("/c/alpha/notices/").status_code == 404  # cached "off" on server b
    a.post("/c/alpha/settings/modules/notices", data={"enabled": "1"})
    assert b.get("/c/alpha/notices/").status_code == 200
    a.post("/c/alpha/settings/modules/notices", data={"enabled": "0"})
    assert b.get("/c/alpha/notices/").status_code == 404
