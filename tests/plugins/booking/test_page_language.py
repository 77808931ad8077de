"""Messages that carry what people typed (a space's name, a closure's reason) mark it as
data, so an English page with Chinese names still speaks one language; the crawl in
tests/core/test_page_language.py never books or meets a closure, these do."""

from __future__ import annotations

from core.plugin_api import commit, db
from core.testing.language import foreign_words
from plugins.booking.models import Closure
from tests.plugins.booking.helpers import BASE, next_weekday


def _english(client):
    client.post("/lang", data={"locale": "en", "next": "/"})
    return client


def _book(client, space_id, day):
    data = {
        "day": day.isoformat(),
        "start": "19:00",
        "end": "21:00",
        "purpose": "合唱排练",
        "attendees": "12",
        "use": "排练",
        "weeks": "1",
    }
    return client.post(f"{BASE}/spaces/{space_id}/book", data=data, follow_redirects=True)


def test_booked_message_marks_the_space_name_as_data(
    app, space_id, member_client, booking_on, in_community
):
    with in_community(booking_on):
        day = next_weekday(2)
    page = _book(_english(member_client), space_id, day)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Booked:" in html and "<bdi data-user>活动室</bdi>" in html
    assert foreign_words(html) == []


def test_closure_refusal_marks_the_reason_as_data(
    app, space_id, member_client, booking_on, in_community
):
    with in_community(booking_on):
        day = next_weekday(3)
        db.session.add(Closure(space_id=space_id, first_day=day, last_day=day, reason="粉刷<b>"))
        commit()
    page = _book(_english(member_client), space_id, day)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "The space is closed on that day: <bdi data-user>粉刷&lt;b&gt;</bdi>" in html
    assert 'value="合唱排练"' in html  # what was typed is kept
    assert foreign_words(html) == []
    week = member_client.get(f"{BASE}/spaces/{space_id}?week={day.isoformat()}")
    assert foreign_words(week.get_data(as_text=True)) == []
    assert foreign_words(member_client.get(f"{BASE}/spaces/{space_id}/book").get_data(True)) == []
