"""Throwaway servers for fault tests: each test stops its own Redis or PostgreSQL, never
the shared ones. Skipped locally when the program is missing; CI
(``GONGZHI_REQUIRE_SERVICES=1``) fails instead."""

from __future__ import annotations

import pytest

from core.testing.servers import PostgresCluster, RedisServer, binary_missing
from core.testing.services import services_required


def require(program: str) -> None:
    why = binary_missing(program)
    if why is None:
        return
    if services_required():
        pytest.fail(f"{why}: required in CI", pytrace=False)
    pytest.skip(why)


@pytest.fixture
def own_redis():
    require("redis-server")
    with RedisServer() as server:
        yield server


@pytest.fixture
def own_postgres():
    require("postgres")
    with PostgresCluster() as cluster:
        yield cluster
