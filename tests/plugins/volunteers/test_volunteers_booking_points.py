"""A room's fee paid in volunteer points: the volunteers plugin answers the booking plugin's
``booking_payment_options`` and settles the ``booking_payment_chosen`` and
``booking_released`` events in its own ledger. Neither plugin imports the other."""

from __future__ import annotations

import pytest
from volunteers_helpers import balance, entries, grant

from core.extensions import db
from plugins.booking.models import Booking
from plugins.volunteers import ledger
from tests.plugins.booking.helpers import BASE, add_space, next_weekday

KEY = "volunteers:points"


@pytest.fixture
def paid_space(app, community, enable_plugin, in_community) -> int:
    enable_plugin(community, "booking")
    enable_plugin(community, "volunteers")
    with in_community(community):
        return add_space(name="音乐室", fee_fen=500, capacity=20, advance_days=60)  # ¥5 an hour


def _book(client, community, in_community, space_id: int, payment: str):
    with in_community(community):
        day = next_weekday(1)  # in the community's time zone
    return client.post(
        f"{BASE}/spaces/{space_id}/book",
        data={
            "day": day.isoformat(),
            "start": "19:00",
            "end": "21:00",
            "purpose": "乐队排练",
            "attendees": "5",
            "use": "排练",
            "weeks": "1",
            "payment": payment,
        },
    )


def test_points_pay_the_fee_and_come_back_when_the_booking_is_cancelled(
    app, community, member, member_client, paid_space, in_community
):
    grant(in_community, community, member.id, 30)
    form = member_client.get(f"{BASE}/spaces/{paid_space}/book").get_data(as_text=True)
    assert f'value="{KEY}"' in form and "每小时 5 积分" in form

    assert _book(member_client, community, in_community, paid_space, KEY).status_code == 302
    assert balance(app, community, member.id) == 20  # two hours at ¥5, 1 point a yuan
    with in_community(community):
        booking = db.session.execute(db.select(Booking)).scalar_one()
        assert booking.payment == KEY
    assert (-10, "spend") in entries(app, community, member.id)

    assert member_client.post(f"{BASE}/bookings/{booking.id}/cancel").status_code == 302
    assert balance(app, community, member.id) == 30
    with in_community(community):
        assert ledger.mismatches() == []


def test_points_are_not_offered_without_enough_of_them_or_when_the_community_says_no(
    app, community, member, member_client, paid_space, in_community, enable_plugin
):
    grant(in_community, community, member.id, 4)  # less than one hour's 5
    form = member_client.get(f"{BASE}/spaces/{paid_space}/book").get_data(as_text=True)
    assert KEY not in form
    refused = _book(member_client, community, in_community, paid_space, KEY)
    assert refused.status_code == 422  # the booking plugin accepts only offered choices
    assert balance(app, community, member.id) == 4

    grant(in_community, community, member.id, 100)
    enable_plugin(community, "volunteers", points_per_yuan=0)
    assert KEY not in member_client.get(f"{BASE}/spaces/{paid_space}/book").get_data(as_text=True)


def test_without_the_volunteers_plugin_points_are_not_offered(
    app, community, member, member_client, enable_plugin, in_community
):
    enable_plugin(community, "booking")  # the volunteers plugin stays off here
    with in_community(community):
        space = add_space(name="音乐室", fee_fen=500, capacity=20, advance_days=60)
    form = member_client.get(f"{BASE}/spaces/{space}/book").get_data(as_text=True)
    assert 'value="desk"' in form and KEY not in form
    assert _book(member_client, community, in_community, space, KEY).status_code == 422
