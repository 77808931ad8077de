"""Which services a test needs, and what happens when one is missing (skip, or fail in CI)."""

from __future__ import annotations

import os

import pytest

DEMO_PASSWORD = "correct horse battery"


def database_url(tmp_dir) -> str:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url or f"sqlite:///{tmp_dir}/test.db"


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def services_required() -> bool:
    return os.environ.get("GONGZHI_REQUIRE_SERVICES") == "1"


def pytest_configure(config) -> None:
    for marker in ("postgres", "redis", "browser"):
        config.addinivalue_line("markers", f"{marker}: see gongzhi.testing")
    config.addinivalue_line("markers", "slow: takes tens of seconds (deselect with -m 'not slow')")


def pytest_runtest_setup(item) -> None:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if item.get_closest_marker("postgres") and not url.startswith("postgresql"):
        _missing("PostgreSQL (set TEST_DATABASE_URL)")
    if item.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        _missing("Redis (set REDIS_URL)")


def _missing(what: str) -> None:
    if services_required():
        pytest.fail(f"{what} is required in CI but not configured", pytrace=False)
    pytest.skip(f"needs {what}")
