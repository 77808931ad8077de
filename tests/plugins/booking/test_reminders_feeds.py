"""No-shows pause on-line booking; reminders before the slot, once; iCalendar feeds
behind secret addresses."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.extensions import db as core_db
from core.models import Notification
from core.plugin_api import commit, db, utcnow
from plugins.booking.models import Booking
from tenants.context import all_tenants
from tests.plugins.booking.helpers import BASE, next_weekday


def _book(client, space_id, day, start="19:00", end="20:00"):
    data = {
        "day": day.isoformat(),
        "start": start,
        "end": end,
        "purpose": "合唱排练",
        "attendees": "5",
        "use": "排练",
        "weeks": "1",
    }
    return client.post(f"{BASE}/spaces/{space_id}/book", data=data)


def _past_no_shows(person_id: int, space_id: int, count: int, first: int = 1) -> None:
    for n in range(first, first + count):
        at = utcnow() - timedelta(days=n, hours=3)
        db.session.add(
            Booking(
                space_id=space_id,
                person_id=person_id,
                starts_at=at,
                ends_at=at + timedelta(hours=1),
                status="confirmed",
                attendance="no_show",
            )
        )
    commit()


def test_repeated_no_shows_pause_online_booking_not_the_desk(
    app, booking_on, space_id, member, member_client, staff_client, in_community
):
    with in_community(booking_on):
        _past_no_shows(member.id, space_id, 2)
        day = next_weekday(2)
    assert _book(member_client, space_id, day).status_code == 302  # 2 < 3: still fine
    with in_community(booking_on):
        _past_no_shows(member.id, space_id, 1, first=10)
    paused = _book(member_client, space_id, day, "20:00", "21:00")
    assert paused.status_code == 422
    assert "线上预约已暂停" in paused.get_data(as_text=True)
    data = {
        "person": member.email,
        "day": day.isoformat(),
        "start": "20:00",
        "end": "21:00",
        "purpose": "前台代约",
        "attendees": "5",
        "use": "排练",
        "weeks": "1",
    }
    assert staff_client.post(f"{BASE}/spaces/{space_id}/book", data=data).status_code == 302


def test_reminders_are_sent_once_before_the_slot(
    app, booking_on, space_id, member, member_client, in_community
):
    with in_community(booking_on):
        day = next_weekday(2, after_days=3)
    assert _book(member_client, space_id, day).status_code == 302
    from plugins.booking.cli import remind_everywhere

    with app.app_context():
        assert remind_everywhere(utcnow()) == {"alpha": 0}  # days away: not yet
        with in_community(booking_on):
            starts = db.session.execute(db.select(Booking.starts_at)).scalar_one()
        soon = starts - timedelta(hours=5)
        assert remind_everywhere(soon) == {"alpha": 1}
        assert remind_everywhere(soon + timedelta(minutes=15)) == {"alpha": 0}
    with app.app_context(), all_tenants():
        kinds = core_db.session.execute(
            core_db.select(Notification.kind, Notification.title).where(
                Notification.user_id == member.id
            )
        ).all()
    assert [k for k, _t in kinds] == ["booking.reminder"]
    assert kinds[0].title["zh_Hans"].startswith("提醒：活动室 ")
    result = app.test_cli_runner().invoke(args=["booking", "remind"])
    assert result.exit_code == 0 and "bookings reminded: 0" in result.output


def test_icalendar_feeds_behind_secret_addresses(
    app, booking_on, space_id, member, member_client, client, in_community
):
    with in_community(booking_on):
        day = next_weekday(2)
    assert _book(member_client, space_id, day).status_code == 302
    page = member_client.get(f"{BASE}/mine").get_data(as_text=True)
    person_url = page.split(f"{BASE}/ical/person/")[1].split('"')[0]
    mine = client.get(f"{BASE}/ical/person/{person_url}")  # signed out: the address is the key
    body = mine.get_data(as_text=True)
    assert mine.status_code == 200 and mine.mimetype == "text/calendar"
    assert "SUMMARY:活动室 合唱排练" in body and "BEGIN:VEVENT" in body
    week = member_client.get(f"{BASE}/spaces/{space_id}").get_data(as_text=True)
    space_url = week.split(f"{BASE}/ical/space/")[1].split('"')[0]
    busy = client.get(f"{BASE}/ical/space/{space_url}").get_data(as_text=True)
    assert "SUMMARY:已预约" in busy and "合唱排练" not in busy and "Alpha Member" not in busy
    token = space_url.split("/")[1]
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert client.get(f"{BASE}/ical/space/{space_id}/{forged}").status_code == 404
    assert (
        client.get(f"{BASE}/ical/person/{member.id + 1}/{person_url.split('/')[1]}").status_code
        == 404
    )
    # The same token in another community's address is not valid there.
    assert client.get(f"/c/beta/booking/ical/space/{space_url}").status_code == 404


@pytest.mark.parametrize("raw", ["x", "0", "../../etc"])
def test_garbage_feed_addresses(app, booking_on, client, raw):
    assert client.get(f"{BASE}/ical/space/{raw}/{'a' * 32}.ics").status_code == 404
