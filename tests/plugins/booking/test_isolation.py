"""One community never reaches another's spaces or bookings: every route with another
community's ids answers 404."""

from __future__ import annotations

import pytest

from core.plugin_api import commit, db
from plugins.booking.models import Booking, Closure, Organisation
from tests.plugins.booking.helpers import add_space


@pytest.fixture
def beta_ids(app, other_community, enable_plugin, make_user, in_community):
    """A space, a booking, a closure and an organisation of the other community."""
    enable_plugin(other_community, "booking")
    person = make_user("b@beta.example", other_community)
    with in_community(other_community):
        space_id = add_space(name="乙社区活动室")
        from datetime import UTC, datetime, timedelta

        at = datetime.now(UTC) + timedelta(days=3)
        booking = Booking(
            space_id=space_id,
            person_id=person.id,
            starts_at=at,
            ends_at=at + timedelta(hours=1),
            status="pending",
            purpose="乙的秘密",
        )
        closure = Closure(space_id=space_id, first_day=at.date(), last_day=at.date(), reason="x")
        org = Organisation(name="乙组织")
        db.session.add_all([booking, closure, org])
        commit()
        return {"space": space_id, "booking": booking.id, "closure": closure.id, "org": org.id}


def test_another_communitys_ids_are_not_found(
    app, booking_on, beta_ids, staff_client, member_client, in_community
):
    s, b = beta_ids["space"], beta_ids["booking"]
    base = "/c/alpha/booking"
    gets = [
        f"/spaces/{s}",
        f"/spaces/{s}/book",
        f"/manage/spaces/{s}/edit",
        f"/bookings/{b}/cancel",
    ]
    posts = [
        f"/spaces/{s}/book",
        f"/manage/spaces/{s}/edit",
        f"/bookings/{b}/cancel",
        f"/manage/bookings/{b}/approve",
        f"/manage/bookings/{b}/reject",
        f"/manage/bookings/{b}/attendance",
        f"/manage/closures/{beta_ids['closure']}/delete",
        f"/manage/organisations/{beta_ids['org']}/retire",
    ]
    for path in gets:
        assert staff_client.get(base + path).status_code == 404, path
        assert member_client.get(base + path).status_code in (403, 404), path
    for path in posts:
        assert staff_client.post(base + path, data={"reason": "x"}).status_code == 404, path
    # Nothing of beta's shows on alpha's pages.
    for path in (
        "/",
        "/manage/pending",
        "/manage/day",
        "/manage/report",
        "/free",
        "/manage/closures",
        "/manage/organisations",
        "/mine",
    ):
        html = staff_client.get(base + path).get_data(as_text=True)
        assert "乙社区活动室" not in html and "乙的秘密" not in html and "乙组织" not in html, path
    csv = staff_client.get(base + "/manage/bookings.csv?from=2000-01-01&to=2000-12-31")
    assert csv.status_code == 200 and "乙的秘密" not in csv.get_data(as_text=True)
    with in_community(booking_on):
        assert db.session.get(Booking, b) is None  # scoped: not even loadable


def test_disabled_plugin_answers_not_found(app, community, member_client):
    assert member_client.get("/c/alpha/booking/").status_code == 404


def test_another_communitys_feed_is_not_served_here(
    app, booking_on, beta_ids, client, other_community, in_community
):
    from plugins.booking.views.feeds import feed_token

    with in_community(other_community):
        token = feed_token("space", beta_ids["space"])
    assert (
        client.get(f"/c/beta/booking/ical/space/{beta_ids['space']}/{token}.ics").status_code == 200
    )
    assert (
        client.get(f"/c/alpha/booking/ical/space/{beta_ids['space']}/{token}.ics").status_code
        == 404
    )
