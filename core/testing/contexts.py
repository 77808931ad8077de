"""One app context per request in tests, as in production.

pytest-flask pushes one request context for a whole test (autouse ``_push_request_context``),
so every request of every test client shares its ``g``: what Flask-Babel (the page's
language) or Flask-Login cache there for one request leaks into the next. This module
replaces that fixture; ``pytest_configure`` registers it after every installed plugin, so
it wins over pytest-flask's whatever order the plugins were installed in.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _push_request_context():
    """Push nothing: each request of a test client gets its own app context."""
    yield
