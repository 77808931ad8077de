"""The volunteers plugin loads and works on a platform without the requests plugin: its
answer to the requests plugin's question is then simply never asked."""

from __future__ import annotations

import pytest
from volunteers_helpers import BASE


@pytest.fixture
def gongzhi_plugins():
    return ["volunteers"]


def test_loads_alone_and_the_pages_work(plugin_status, vol_on, setup, staff_client):
    assert plugin_status("volunteers").status == "active"
    assert plugin_status("requests") is None
    for page in ("/", "/needs", "/review", "/shop", "/me", "/leaderboard"):
        assert staff_client.get(BASE + page).status_code == 200, page
