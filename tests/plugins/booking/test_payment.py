"""A fee paid at the desk, or in volunteer points when a plugin answers the
``booking_payment_options`` question; with nobody answering, only the desk is offered."""

from __future__ import annotations

import pytest

from core.plugin_api import PluginMeta, commit, db, hookimpl
from plugins.booking.models import Booking
from tests.plugins.booking.helpers import BASE, add_space, next_weekday

EVENTS: list[tuple[str, dict]] = []


class Points:
    """A stand-in for the volunteers plugin: offers points, hears the payment events."""

    meta = PluginMeta(
        id="points",
        version="1.0.0",
        label={"zh_Hans": "积分", "en": "Points"},
        description={"zh_Hans": "测试", "en": "Test"},
    )

    @hookimpl
    def booking_payment_options(self, person_id, fee_fen):
        return [
            {
                "key": "points:balance",
                "label": {
                    "zh_Hans": f"{fee_fen // 100} 志愿积分",
                    "en": f"{fee_fen // 100} points",
                },
            },
            {"key": "volunteers:forged", "label": "not mine to offer"},
        ]

    @hookimpl
    def on_event(self, event):
        if event.name.startswith("booking_"):
            EVENTS.append((event.name, dict(event.payload)))


@pytest.fixture
def gongzhi_extra_plugins():
    return {"points": Points()}


@pytest.fixture
def paid_space(app, booking_on, in_community) -> int:
    EVENTS.clear()
    with in_community(booking_on):
        return add_space(name="音乐室", fee_fen=500, capacity=20, advance_days=60)


def _data(day, **extra):
    return {
        "day": day.isoformat(),
        "start": "19:00",
        "end": "21:00",
        "purpose": "乐队排练",
        "attendees": "5",
        "use": "排练",
        "weeks": "1",
        **extra,
    }


def test_without_an_answer_only_the_desk_is_offered(
    app, paid_space, member_client, booking_on, in_community
):
    with in_community(booking_on):
        day = next_weekday(1)
    form = member_client.get(f"{BASE}/spaces/{paid_space}/book").get_data(as_text=True)
    assert 'value="desk"' in form and "points:balance" not in form
    answer = member_client.post(f"{BASE}/spaces/{paid_space}/book", data=_data(day, payment="desk"))
    assert answer.status_code == 302
    with in_community(booking_on):
        booking = db.session.execute(db.select(Booking)).scalar_one()
    assert (booking.fee_fen, booking.payment) == (1000, "desk")
    assert EVENTS == []
    refused = member_client.post(
        f"{BASE}/spaces/{paid_space}/book",
        data=_data(day, payment="points:balance", start="17:00", end="18:00"),
    )
    assert refused.status_code == 422 and "请从列出的支付方式中选择" in refused.get_data(
        as_text=True
    )


def test_points_offered_when_a_plugin_answers_and_it_hears_payment_and_refund(
    app, paid_space, enable_plugin, member_client, booking_on, in_community
):
    enable_plugin(booking_on, "points")
    with in_community(booking_on):
        day = next_weekday(1)
    form = member_client.get(f"{BASE}/spaces/{paid_space}/book").get_data(as_text=True)
    assert 'value="points:balance"' in form and "5 志愿积分" in form  # per hour
    assert "volunteers:forged" not in form  # nobody offers in another plugin's name
    answer = member_client.post(
        f"{BASE}/spaces/{paid_space}/book", data=_data(day, payment="points:balance")
    )
    assert answer.status_code == 302
    with in_community(booking_on):
        booking = db.session.execute(db.select(Booking)).scalar_one()
    assert booking.payment == "points:balance"
    assert [
        (
            "booking_payment_chosen",
            {
                "booking_id": booking.id,
                "person_id": booking.person_id,
                "fee_fen": 1000,
                "payment": "points:balance",
            },
        )
    ] == EVENTS
    assert member_client.post(f"{BASE}/bookings/{booking.id}/cancel").status_code == 302
    assert EVENTS[-1] == (
        "booking_released",
        {"booking_id": booking.id, "payment": "points:balance"},
    )


def test_registered_organisations_book_free(
    app, paid_space, member, member_client, booking_on, in_community
):
    from plugins.booking.models import Organisation

    with in_community(booking_on):
        org = Organisation(name="微益坊", contact_id=member.id, free=True)
        db.session.add(org)
        commit()
        day, org_id = next_weekday(2), org.id
    answer = member_client.post(
        f"{BASE}/spaces/{paid_space}/book", data=_data(day, payment="desk", organisation_id=org_id)
    )
    assert answer.status_code == 302
    with in_community(booking_on):
        booking = db.session.execute(db.select(Booking)).scalar_one()
    assert (booking.fee_fen, booking.payment, booking.organisation_id) == (0, "", org_id)
