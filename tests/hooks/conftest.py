"""Shared set-up for the hook tests: one small probe plugin per test, nothing else loaded.

Each ``test_hook_<hook>.py`` builds a probe with the ``make_probe`` fixture and registers it
through a ``gongzhi_extra_plugins`` override, exactly as a vendor's test suite would. The
reference test (tests/core/test_hook_reference.py) checks that every hookspec has its
``test_hook_<name>`` here.
"""

from __future__ import annotations

from typing import Any

import pytest

from core.plugin_api import Permission, PluginMeta, hookimpl

PROBE = "probe"


class ProbePlugin:
    """A plugin object: ``meta`` plus hook implementations as attributes.

    A class instance rather than a module: pluggy keeps plugins in sets, so they must be
    hashable. Functions stored on the instance stay plain functions (no ``self``).
    """

    def __init__(self, meta: PluginMeta, hooks: dict[str, Any]) -> None:
        self.meta = meta
        for name, function in hooks.items():
            setattr(self, name, hookimpl(function))


# The probe blueprint's guarded pages. Permission names must be declared, so a probe
# declares these (admin only) unless its test declares them itself.
PROBE_PAGES = ("publish", "coordinate")


def probe_plugin(plugin_id: str = PROBE, **hooks: Any) -> ProbePlugin:
    """A plugin with ``meta`` and the given functions as hook implementations."""
    given = hooks.pop("permissions", None)

    def permissions():
        declared = list(given() or []) if given else []
        names = {p.name for p in declared}
        return declared + [
            Permission(f"{plugin_id}.{page}", {"zh_Hans": page, "en": page}, ())
            for page in PROBE_PAGES
            if f"{plugin_id}.{page}" not in names
        ]

    hooks["permissions"] = permissions
    meta = PluginMeta(
        id=plugin_id,
        version="0.1.0",
        label={"zh_Hans": "探针模块", "en": "Probe module"},
        description={"zh_Hans": "测试用", "en": "For tests"},
    )
    return ProbePlugin(meta, hooks)


@pytest.fixture
def gongzhi_plugins() -> list[str]:
    return []  # no installed plugin: only the probe of each test


@pytest.fixture
def make_probe():
    """``make_probe(plugin_id="probe", nav_items=fn, ...)`` -> a plugin object."""
    return probe_plugin


@pytest.fixture
def calls() -> list:
    """A list hook implementations append to, reset for every test."""
    return []


def probe_blueprint(plugin_id: str = PROBE):
    """A fresh blueprint (one per app) with a member page, a public page and a staff page."""
    from flask import Blueprint

    from core.plugin_api import public, requires

    bp = Blueprint(plugin_id, __name__)

    @bp.route("/")
    def index():
        return "<p>probe page</p>"

    @bp.route("/open")
    @public
    def open_page():
        return "<p>probe public page</p>"

    @bp.route("/publish")
    @requires(f"{plugin_id}.publish")
    def publish():
        return "<p>probe publish page</p>"

    @bp.route("/coordinate")
    @requires(f"{plugin_id}.coordinate")
    def coordinate():
        return "<p>probe coordination page</p>"

    return bp


@pytest.fixture
def make_blueprint():
    """``make_blueprint(plugin_id="probe")`` -> a new blueprint named after the plugin."""
    return probe_blueprint


@pytest.fixture
def commits(app, calls):
    """Appends ``"commit"`` to ``calls`` at every session commit, so a test can show that a
    hook ran *after* the commit that caused it (the order of entries in ``calls``)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    def record(session):
        calls.append("commit")

    event.listen(Session, "after_commit", record)
    yield calls
    event.remove(Session, "after_commit", record)
