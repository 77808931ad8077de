"""Fixtures for the salaries plugin: switched on; a second admin who approves."""

from __future__ import annotations

import pytest


@pytest.fixture
def salaries_on(community, enable_plugin):
    enable_plugin(community, "salaries")
    return community


@pytest.fixture
def approver(make_user, community):
    return make_user("approver@alpha.example", community, "admin", name="Alpha Approver")


@pytest.fixture
def approver_client(login, approver):
    return login(approver)
