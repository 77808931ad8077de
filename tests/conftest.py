"""Fixtures come from ``gongzhi.testing`` (core/testing/__init__.py), the same ones vendors use.

Here only what is specific to this repository: Playwright's Chromium is Debian's.
"""

import pytest

from core.testing import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _push_request_context():
    """Replace pytest-flask's autouse request context: each request gets its own app
    context, as in production, so nothing (``g``, the DB session) leaks between clients."""
    yield


@pytest.fixture
def own_redis():
    """A Redis of the test's own (fault tests stop it; the shared one is never touched)."""
    from core.testing.servers import RedisServer, require_program

    require_program("redis-server")
    with RedisServer() as server:
        yield server
