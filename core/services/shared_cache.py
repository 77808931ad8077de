"""The shared (Redis) cache as an accelerator: when Redis is unreachable, the app serves
without it, slower, instead of answering 500.

``CACHE_TYPE = "core.services.shared_cache.ResilientRedisCache"`` (set by ``core.config``
when ``REDIS_URL`` is set) is Flask-Caching's ``RedisCache`` with a circuit breaker:

* a Redis error is never raised to the caller: a read answers "not cached", a write is
  dropped, so callers fall back to the database they would read anyway;
* the first error opens the breaker for ``RETRY_SECONDS``: meanwhile no call waits on
  Redis at all, and the outage is logged once (one line, no traceback), not per request;
* the first call after that tries Redis again; when it answers, the recovery is logged,
  and if a deletion could not reach Redis meanwhile (a module switched off) the cache's
  keys are cleared, so the stale answer it would have removed cannot come back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask_caching.backends.rediscache import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger("gongzhi.redis")
RETRY_SECONDS = 5.0
# Short socket timeouts: a Redis that hangs must cost a request well under a second.
SOCKET_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


class ResilientRedisCache(RedisCache):
    """Flask-Caching's Redis backend that degrades to "no cache" while Redis is down."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()
        self._down_until = 0.0  # monotonic time before which Redis is not tried
        self._outage = False
        self._missed_invalidation = False  # a delete that could not reach Redis

    @classmethod
    def factory(cls, app: Flask, config: dict, args: list, kwargs: dict) -> ResilientRedisCache:
        config = dict(config)
        config["CACHE_OPTIONS"] = {**SOCKET_OPTIONS, **(config.get("CACHE_OPTIONS") or {})}
        return super().factory(app, config, args, kwargs)

    @property
    def available(self) -> bool:
        """False while the breaker is open (Redis failed less than RETRY_SECONDS ago)."""
        return time.monotonic() >= self._down_until

    def _guard(self, invalidates: bool, call: Callable[[], Any], default: Any) -> Any:
        if not self.available:
            self._missed_invalidation |= invalidates
            return default
        try:
            if self._outage:
                self._recover()  # before the call: a read must not see a stale answer
            return call()
        except RedisError as exc:
            self._trip(exc, invalidates)
            return default

    def _trip(self, exc: RedisError, invalidates: bool) -> None:
        with self._lock:
            first, self._outage = not self._outage, True
            self._down_until = time.monotonic() + RETRY_SECONDS
            self._missed_invalidation |= invalidates
        if first:
            log.warning(
                "Redis unreachable (%s: %s); serving without the shared cache, retrying every %g s",
                type(exc).__name__,
                exc,
                RETRY_SECONDS,
            )

    def _recover(self) -> None:
        """Redis may be back: clear what a missed deletion left stale, then use it again.
        Raises ``RedisError`` if it is still away."""
        if self._missed_invalidation:
            super().clear()
        else:
            self._read_client.ping()
        with self._lock:
            if not self._outage:
                return
            self._outage, missed = False, self._missed_invalidation
            self._missed_invalidation = False
        log.warning(
            "Redis reachable again; shared cache back in use%s",
            " (cleared: deletions were missed meanwhile)" if missed else "",
        )

    # Every cachelib operation, reads answering "not cached" and writes "not stored".
    def get(self, key: str) -> Any:
        return self._guard(False, lambda: super(ResilientRedisCache, self).get(key), None)

    def get_many(self, *keys: str) -> list[Any]:
        return self._guard(
            False, lambda: super(ResilientRedisCache, self).get_many(*keys), [None] * len(keys)
        )

    def has(self, key: str) -> bool:
        return self._guard(False, lambda: super(ResilientRedisCache, self).has(key), False)

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        call = lambda: super(ResilientRedisCache, self).set(key, value, timeout)  # noqa: E731
        return self._guard(False, call, False)

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        call = lambda: super(ResilientRedisCache, self).add(key, value, timeout)  # noqa: E731
        return self._guard(False, call, False)

    def set_many(self, mapping: dict[str, Any], timeout: int | None = None) -> list[Any]:
        call = lambda: super(ResilientRedisCache, self).set_many(mapping, timeout)  # noqa: E731
        return self._guard(False, call, [])

    def delete(self, key: str) -> bool:
        return self._guard(True, lambda: super(ResilientRedisCache, self).delete(key), False)

    def delete_many(self, *keys: str) -> list[Any]:
        return self._guard(True, lambda: super(ResilientRedisCache, self).delete_many(*keys), [])

    def clear(self) -> bool:
        return self._guard(True, lambda: super(ResilientRedisCache, self).clear(), False)

    def inc(self, key: str, delta: int = 1) -> Any:
        return self._guard(False, lambda: super(ResilientRedisCache, self).inc(key, delta), None)

    def dec(self, key: str, delta: int = 1) -> Any:
        return self._guard(False, lambda: super(ResilientRedisCache, self).dec(key, delta), None)
