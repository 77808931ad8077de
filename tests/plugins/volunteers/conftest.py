"""Fixtures for the volunteers plugin: switched on, with a category, a team, an activity
happening now and a shop item; the plugin's clock frozen where a test needs it."""

from __future__ import annotations

import pytest
from volunteers_helpers import NOW, Setup, make_setup

from plugins.volunteers import clock


@pytest.fixture
def vol_on(community, enable_plugin):
    enable_plugin(community, "volunteers")
    return community


@pytest.fixture
def frozen(monkeypatch):
    """The plugin's clock, frozen at NOW; ``frozen.move(dt)`` moves it."""

    class Clock:
        at = NOW

        def move(self, moment):
            self.at = moment

    c = Clock()
    monkeypatch.setattr(clock, "now", lambda: c.at)
    return c


@pytest.fixture
def setup(app, vol_on, in_community, frozen) -> Setup:
    return make_setup(in_community, vol_on)
