"""Fixtures for the funds plugin: switched on, with a second approver."""

from __future__ import annotations

import pytest


@pytest.fixture
def funds_on(community, enable_plugin):
    enable_plugin(community, "funds")
    return community


@pytest.fixture
def approver(make_user, community):
    """A member holding the fund approver role: the second person of the two."""
    return make_user(
        "approver@alpha.example",
        community,
        role="member",
        extra_roles=("funds.approver",),
        name="Alpha Approver",
    )
