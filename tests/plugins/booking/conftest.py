"""Fixtures for the booking plugin: switched on, a space open every day 08:00-22:00."""

from __future__ import annotations

import pytest

from tests.plugins.booking.helpers import add_space


@pytest.fixture
def booking_on(community, enable_plugin):
    enable_plugin(community, "booking")
    return community


@pytest.fixture
def space_id(app, booking_on, in_community) -> int:
    with in_community(booking_on):
        return add_space(name="活动室", capacity=30, advance_days=60)
