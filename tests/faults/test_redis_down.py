"""Redis is an accelerator: with REDIS_URL set and Redis gone, the app serves (slower).

A Redis of the test's own is stopped (connection refused) or frozen (SIGSTOP: every call
would hang until its socket timeout) in the middle of the test; the shared one is never
touched."""

from __future__ import annotations

import logging
import signal
import time
import uuid

import pytest
import redis

from core import create_app
from core.config import REDIS_CACHE
from core.services import shared_cache

PASSWORD = "correct horse battery"


@pytest.fixture
def redis_app(gongzhi_config, own_redis, monkeypatch):
    monkeypatch.setattr(shared_cache, "RETRY_SECONDS", 0.3)
    prefix = f"gongzhi-test-{uuid.uuid4().hex}:"
    app = create_app(
        {
            **gongzhi_config,
            "REDIS_URL": own_redis.url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": own_redis.url,
            "CACHE_TYPE": REDIS_CACHE,
            "CACHE_REDIS_URL": own_redis.url,
            "CACHE_KEY_PREFIX": prefix,
        }
    )
    app.redis = redis.Redis.from_url(own_redis.url)
    app.cache_key = f"{prefix}enabled-plugins:"
    yield app
    app.redis.close()


def _signed_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _tracebacks(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info]


def test_the_app_serves_while_redis_is_stopped(redis_app, own_redis, community, admin, caplog):
    client = _signed_in(redis_app, admin)
    assert client.get("/c/alpha/").status_code == 200
    assert redis_app.redis.exists(f"{redis_app.cache_key}{community.id}")  # Redis was used

    own_redis.stop()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        started = time.monotonic()
        for _ in range(10):
            assert client.get("/c/alpha/").status_code == 200
            assert client.get("/c/alpha/no-such-page").status_code == 404  # the error page
        # A write that invalidates the shared cache, then its effect on the next page.
        assert client.post("/c/alpha/settings/modules/notices", data={"enabled": "1"}).status_code
        assert client.get("/c/alpha/notices/").status_code == 200
        # Sign-in still throttled: counted in this process while Redis is away.
        address = {"REMOTE_ADDR": "127.0.9.9"}
        attempts = [
            redis_app.test_client()
            .post(  # a different account each time: the per-account throttle is not this test's
                "/login",
                data={"email": f"nobody{n}@example.org", "password": "wrong"},
                environ_base=address,
            )
            .status_code
            for n in range(11)
        ]
        elapsed = time.monotonic() - started
    assert attempts == [422] * 10 + [429]
    assert _tracebacks(caplog) == []
    outage_lines = [r for r in caplog.records if r.name == "gongzhi.redis"]
    assert len(outage_lines) == 1 and "unreachable" in outage_lines[0].getMessage()
    limiter_warnings = [r for r in caplog.records if r.name == "flask-limiter" and r.levelno >= 30]
    assert len(limiter_warnings) == 1  # "falling back to in-memory storage", once
    assert elapsed < 20  # no request waits on a dead Redis for long

    own_redis.start()  # the same port: back in use after the retry interval
    time.sleep(0.4)
    with caplog.at_level(logging.INFO):
        assert client.get("/c/alpha/").status_code == 200
    assert any("reachable again" in r.getMessage() for r in caplog.records)
    assert redis_app.redis.exists(f"{redis_app.cache_key}{community.id}")


def test_a_switch_made_while_redis_hangs_is_not_undone_by_its_stale_cache(
    redis_app, own_redis, community, admin, caplog
):
    """Frozen, not stopped: Redis keeps its data, including the enabled set cached before
    the module was switched on. The deletion that could not reach it must not leave that
    stale "off" behind when Redis answers again."""
    client = _signed_in(redis_app, admin)
    assert client.get("/c/alpha/notices/").status_code == 404  # "off" is now cached
    own_redis.process.send_signal(signal.SIGSTOP)
    try:
        with caplog.at_level(logging.INFO):
            response = client.post("/c/alpha/settings/modules/notices", data={"enabled": "1"})
            assert response.status_code in (200, 302)
            assert client.get("/c/alpha/notices/").status_code == 200
    finally:
        own_redis.process.send_signal(signal.SIGCONT)
    time.sleep(0.4)
    other = _signed_in(redis_app, admin)  # a fresh request scope: reads through the cache
    assert other.get("/c/alpha/notices/").status_code == 200
    assert _tracebacks(caplog) == []
