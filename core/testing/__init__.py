"""``gongzhi.testing``: the pytest plugin for Gongzhi and its plugin vendors.

Installed with the ``gongzhi`` distribution under the ``pytest11`` entry point
``gongzhi.testing``, so its fixtures are available in any test suite that has Gongzhi
installed. A vendor picks the plugins to load with the ``gongzhi_plugins`` fixture::

    @pytest.fixture
    def gongzhi_plugins():
        return ["survey"]          # only this plugin (and nothing else) is loaded

Fixtures: ``app`` (and pytest-flask's ``client``), ``community``/``other_community``,
``make_community``, ``make_user``, ``login``, ``admin``/``staff``/``member`` with their
logged-in clients, ``enable_plugin``, ``in_community``, ``signed_stripe_event`` (Stripe
webhook payloads signed like Stripe does; ``RecordedStripeHTTP`` answers the Stripe
library from recorded responses), ``plugin_status`` (what ``flask plugins list``
says about a plugin) and ``plugin_contract`` (the contract check of
``core.testing.contract``: ``assert plugin_contract("survey") == []``); helpers
``read_xlsx``/``read_csv`` read downloads back into rows, ``count_statements`` lists the
SQL statements run inside a ``with``. docs/plugins.md ("Tests") lists each with its
signature. Databases: SQLite in a temporary file by default; ``TEST_DATABASE_URL`` (or
a PostgreSQL ``DATABASE_URL``) for PostgreSQL. Tests marked ``postgres``/``redis`` skip
without the service, and fail instead when ``GONGZHI_REQUIRE_SERVICES=1`` (CI).
"""

from __future__ import annotations

# pytest finds fixtures and hooks among this module's names: each domain has its module.
from core.testing.app import (  # noqa: F401
    PluginStatus,
    app,
    gongzhi_config,
    gongzhi_db_url,
    gongzhi_extra_plugins,
    gongzhi_plugins,
    plugin_status,
)
from core.testing.browser import CHROMIUM, CHROMIUM_ARGS, browser_login, gongzhi_server  # noqa: F401
from core.testing.contract import plugin_contract  # noqa: F401
from core.testing.downloads import read_csv, read_xlsx  # noqa: F401
from core.testing.people import (  # noqa: F401
    admin,
    admin_client,
    community,
    enable_plugin,
    in_community,
    login,
    make_community,
    make_members,
    make_user,
    member,
    member_client,
    other_community,
    staff,
    staff_client,
)
from core.testing.services import (  # noqa: F401
    DEMO_PASSWORD,
    database_url,
    is_postgres,
    pytest_configure,
    pytest_runtest_setup,
    services_required,
)
from core.testing.statements import count_statements  # noqa: F401
from core.testing.stripe import (  # noqa: F401
    STRIPE_WEBHOOK_SECRET,
    RecordedStripeHTTP,
    SignedWebhook,
    signed_stripe_event,
    stripe_signature,
    stripe_webhook_secret,
)
