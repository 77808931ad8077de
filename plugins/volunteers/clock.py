"""The one place this plugin reads the time, so tests can freeze it (monkeypatch ``now``)."""

from __future__ import annotations

from datetime import datetime

from core.plugin_api import utcnow


def now() -> datetime:
    return utcnow()
