"""A live server for Playwright and signing in through the form."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from core.testing.services import DEMO_PASSWORD, _missing

CHROMIUM = os.environ.get("GONGZHI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def gongzhi_server(app) -> Iterator[str]:
    """Serve ``app`` from a thread on 127.0.0.1; yields the base URL (no trailing slash).

    The browser gets the real thing: CSRF on, rate limits as configured, real htmx.
    """
    import threading

    from werkzeug.serving import make_server

    if not os.path.exists(CHROMIUM):
        _missing(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    app.config.update(WTF_CSRF_ENABLED=True, SERVER_NAME=None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def browser_login(page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form, as a person does."""
    page.goto(f"{base_url}/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("domcontentloaded")
