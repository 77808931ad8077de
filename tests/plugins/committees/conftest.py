"""Fixtures for the committees plugin: switched on in the community, a committee to work on."""

from __future__ import annotations

import pytest


@pytest.fixture
def committees_on(community, enable_plugin):
    enable_plugin(community, "committees")
    return community
