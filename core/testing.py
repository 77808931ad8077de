"""``gongzhi.testing``: the pytest plugin for Gongzhi and its plugin vendors.

Installed with the ``gongzhi`` distribution under the ``pytest11`` entry point
``gongzhi.testing``, so its fixtures are available in any test suite that has Gongzhi
installed. A vendor picks the plugins to load with the ``gongzhi_plugins`` fixture::

    @pytest.fixture
    def gongzhi_plugins():
        return ["survey"]          # only this plugin (and nothing else) is loaded

Fixtures: ``app`` (and pytest-flask's ``client``), ``community``/``other_community``,
``make_community``, ``make_user``, ``login``, ``admin``/``staff``/``member`` with their
logged-in clients, ``enable_plugin``, ``signed_stripe_event`` (Stripe webhook payloads
signed like Stripe does), and ``plugin_contract`` (the contract check of
``core.contract``: ``assert plugin_contract("survey") == []``). Databases: SQLite in a
temporary file by default; ``TEST_DATABASE_URL`` (or a PostgreSQL ``DATABASE_URL``) for
PostgreSQL. Tests marked ``postgres``/``redis`` skip without the service, and fail instead
when ``GONGZHI_REQUIRE_SERVICES=1`` (CI).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import text

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


# ----- the app and its database ----------------------------------------------------------
@pytest.fixture(scope="session")
def gongzhi_db_url(tmp_path_factory) -> str:
    return database_url(tmp_path_factory.mktemp("db"))


@pytest.fixture
def gongzhi_plugins() -> list[str] | None:
    """Which installed plugins the ``app`` loads (None: all). Override in your conftest."""
    return None


@pytest.fixture
def gongzhi_extra_plugins() -> dict:
    """Plugin objects registered directly (``{"id": module}``). Override to add some."""
    return {}


@pytest.fixture
def gongzhi_config(gongzhi_db_url) -> dict:
    """Config overrides for the test app. Override to change one, e.g. to enable CSRF."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": gongzhi_db_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "CACHE_TYPE": "NullCache",  # ids restart between tests: a shared cache would go stale
        "PLUGINS_STRICT": True,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "SERVER_NAME": "localhost",
        "DEFAULT_PLUGINS": [],
    }


_schema_ready: set[tuple[str, frozenset]] = set()


@pytest.fixture
def app(gongzhi_config, gongzhi_plugins, gongzhi_extra_plugins) -> Iterator:
    from core import create_app
    from core.extensions import db

    application = create_app(
        dict(gongzhi_config), plugins=gongzhi_plugins, extra_plugins=gongzhi_extra_plugins
    )
    with application.app_context():
        _prepare_schema(db, gongzhi_config["SQLALCHEMY_DATABASE_URI"])
    yield application
    with application.app_context():
        db.session.remove()
        _empty_all_tables(db)
        db.engine.dispose()


def _prepare_schema(db, url: str) -> None:
    """Create every table once per database and run; later tests start from empty tables."""
    key = (url, frozenset(db.metadata.tables))
    if key in _schema_ready:
        return
    from tenants import rls

    with db.engine.begin() as conn:
        if is_postgres(url):
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            db.metadata.drop_all(conn)
    with db.engine.begin() as conn:
        db.metadata.create_all(conn)
        rls.apply(conn)
    _schema_ready.add(key)


def _empty_all_tables(db) -> None:
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


# ----- people and communities ------------------------------------------------------------
@pytest.fixture
def make_community(app) -> Callable:
    from tenants.provisioning import create_community

    counter = {"n": 0}

    def make(slug: str | None = None, plugins: list[str] | None = None, **fields):
        counter["n"] += 1
        slug = slug or f"community-{counter['n']}"
        with app.app_context():
            tenant = create_community(
                slug=slug,
                name_zh=fields.pop("name_zh", f"测试社区{counter['n']}"),
                name_en=fields.pop("name_en", f"Test Community {counter['n']}"),
                plugins=plugins or [],
                **fields,
            )
            return _detached(tenant)

    return make


def _detached(obj):
    from core.extensions import db

    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


@pytest.fixture
def make_user(app) -> Callable:
    """``make_user(email, community=None, role="member", extra_roles=(), operator=False)``."""
    from core.extensions import db
    from core.models import User
    from tenants.context import tenant_scope
    from tenants.models import Membership

    def make(
        email: str,
        community=None,
        role: str = "member",
        extra_roles=(),
        name=None,
        operator: bool = False,
        password: str = DEMO_PASSWORD,
    ):
        with app.app_context():
            user = db.session.execute(
                db.select(User).where(User.email == email)
            ).scalar_one_or_none()
            if user is None:
                user = User(email=email, name=name or email.split("@")[0], is_operator=operator)
                user.set_password(password)
                db.session.add(user)
                db.session.commit()
            if community is not None:
                with tenant_scope(community.id):
                    db.session.add(
                        Membership(user_id=user.id, role=role, extra_roles=list(extra_roles))
                    )
                    db.session.commit()
            return _detached(user)

    return make


@pytest.fixture
def login(app) -> Callable:
    """``login(user)`` -> a new test client signed in as ``user``."""

    def sign_in(user, password: str = DEMO_PASSWORD):
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, f"login failed for {user.email}"
        return client

    return sign_in


@pytest.fixture
def community(make_community):
    return make_community("alpha", name_zh="甲社区", name_en="Alpha Community")


@pytest.fixture
def other_community(make_community):
    return make_community("beta", name_zh="乙社区", name_en="Beta Community")


@pytest.fixture
def admin(make_user, community):
    return make_user("admin@alpha.example", community, "admin", name="Alpha Admin")


@pytest.fixture
def staff(make_user, community):
    return make_user("staff@alpha.example", community, "staff", name="Alpha Staff")


@pytest.fixture
def member(make_user, community):
    return make_user("member@alpha.example", community, "member", name="Alpha Member")


@pytest.fixture
def admin_client(login, admin):
    return login(admin)


@pytest.fixture
def staff_client(login, staff):
    return login(staff)


@pytest.fixture
def member_client(login, member):
    return login(member)


@pytest.fixture
def enable_plugin(app) -> Callable:
    """``enable_plugin(community, "notices", per_page=10)``: switch on, set settings,
    run ``on_enable`` after commit, exactly as the settings page does."""
    from core.community_plugins import forget_enabled_cache, run_lifecycle
    from core.extensions import db
    from tenants.context import tenant_scope
    from tenants.models import PluginActivation

    def enable(tenant, plugin_id: str, **settings):
        with app.test_request_context(), tenant_scope(tenant.id):
            row = db.session.execute(
                db.select(PluginActivation).where(PluginActivation.plugin_id == plugin_id)
            ).scalar_one_or_none()
            if row is None:
                row = PluginActivation(plugin_id=plugin_id, settings={})
                db.session.add(row)
            row.enabled = True
            row.settings = {**(row.settings or {}), **settings}
            db.session.commit()
            forget_enabled_cache(tenant)
            run_lifecycle(plugin_id, "on_enable", db.session.merge(tenant))

    return enable


@pytest.fixture
def in_community(app):
    """``with in_community(tenant): ...`` an app context scoped to the community."""
    from contextlib import contextmanager

    from tenants.context import tenant_scope

    @contextmanager
    def scoped(tenant):
        with app.test_request_context(), tenant_scope(tenant.id):
            from flask import g

            from core.extensions import db

            g.tenant = db.session.merge(tenant)
            yield

    return scoped


# ----- browser tests ---------------------------------------------------------------------
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


# ----- Stripe webhooks -------------------------------------------------------------------
STRIPE_WEBHOOK_SECRET = "whsec_gongzhi_test"


def stripe_signature(payload: bytes | str, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header for ``payload``: ``t=<ts>,v1=<hex HMAC-SHA256 of
    "<ts>.<payload>" keyed with the endpoint secret>``, the scheme ``stripe.Webhook``
    verifies."""
    import hashlib
    import hmac
    import time

    body = payload.decode("utf-8") if isinstance(payload, bytes) else payload
    ts = int(time.time()) if timestamp is None else int(timestamp)
    digest = hmac.new(secret.encode(), f"{ts}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={ts},v1={digest}"


@dataclass(frozen=True)
class SignedWebhook:
    """A Stripe event as Stripe would POST it: ``client.post(url, data=w.payload,
    headers=w.headers)``."""

    event: dict
    payload: bytes
    headers: dict
    secret: str


@pytest.fixture
def stripe_webhook_secret() -> str:
    """The endpoint secret ``signed_stripe_event`` signs with. Override to use yours."""
    return STRIPE_WEBHOOK_SECRET


@pytest.fixture
def signed_stripe_event(stripe_webhook_secret) -> Callable[..., SignedWebhook]:
    """``signed_stripe_event("checkout.session.completed", {"id": "cs_1", ...},
    secret=None, timestamp=None, **event_fields)`` -> a :class:`SignedWebhook`.

    Pass ``timestamp`` (seconds) to test the tolerance window, or another ``secret`` to
    test that a wrong signature is refused."""
    import json
    import secrets as _secrets
    import time

    def make(
        event_type: str,
        data_object: dict | None = None,
        *,
        secret: str | None = None,
        timestamp: int | None = None,
        **fields,
    ) -> SignedWebhook:
        ts = int(time.time()) if timestamp is None else int(timestamp)
        event = {
            "id": "evt_" + _secrets.token_hex(12),
            "object": "event",
            "api_version": "2024-06-20",
            "created": ts,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
            "data": {"object": data_object or {}},
            **fields,
        }
        payload = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        signature = stripe_signature(payload, secret or stripe_webhook_secret, ts)
        headers = {"Stripe-Signature": signature, "Content-Type": "application/json"}
        return SignedWebhook(event, payload, headers, secret or stripe_webhook_secret)

    return make


# ----- the plugin contract ---------------------------------------------------------------
@pytest.fixture
def plugin_contract(app) -> Callable[..., list[str]]:
    """``plugin_contract("survey", database_url=None)`` -> the list of contract problems
    (see ``core.contract``): metadata, API range, migrations up and down on a scratch
    database, table prefixes, template namespace, disabled means 404 and no hooks."""
    from core.contract import check_plugin_contract

    def check(plugin_id: str, database_url: str | None = None) -> list[str]:
        return check_plugin_contract(app, plugin_id, database_url=database_url)

    return check
