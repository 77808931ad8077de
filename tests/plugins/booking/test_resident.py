"""A resident sees the week of a space, books in a few taps, follows and cancels."""

from __future__ import annotations

from datetime import timedelta

from core.plugin_api import db
from plugins.booking.models import Booking
from tests.plugins.booking.helpers import BASE, next_weekday


def _book(client, space_id, day, start="19:00", end="21:00", **extra):
    data = {
        "day": day.isoformat(),
        "start": start,
        "end": end,
        "purpose": "合唱排练",
        "attendees": "12",
        "use": "排练",
        "weeks": "1",
        **extra,
    }
    return client.post(f"{BASE}/spaces/{space_id}/book", data=data)


def test_week_view_marks_free_slots_and_htmx_swaps_only_the_week(
    app, space_id, member_client, in_community, booking_on
):
    with in_community(booking_on):
        day = next_weekday(1)
    page = member_client.get(f"{BASE}/spaces/{space_id}?week={day.isoformat()}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<html" in html and 'id="week"' in html
    assert f"day={day.isoformat()}&amp;start=19:00" in html  # a free evening slot to tap
    assert html.count("bk-slot bk-free") >= 7 * 14 - 14  # every hour 08-22, each day
    part = member_client.get(
        f"{BASE}/spaces/{space_id}?week={(day + timedelta(days=7)).isoformat()}",
        headers={"HX-Request": "true"},
    )
    assert part.status_code == 200
    fragment = part.get_data(as_text=True)
    assert "<html" not in fragment and fragment.lstrip().startswith('<section id="week"'), fragment[
        :200
    ]


def test_book_a_slot_then_it_is_taken_for_others_and_mine_for_me(
    app, space_id, member_client, staff, login, make_user, booking_on, in_community
):
    with in_community(booking_on):
        day = next_weekday(1)
    booked = _book(member_client, space_id, day)
    assert booked.status_code == 302, booked.get_data(as_text=True)
    mine = member_client.get(f"{BASE}/mine").get_data(as_text=True)
    assert "合唱排练" in mine and "已确认" in mine
    week = member_client.get(f"{BASE}/spaces/{space_id}?week={day.isoformat()}")
    assert "bk-slot bk-mine" in week.get_data(as_text=True)
    neighbour = login(make_user("neighbour@alpha.example", booking_on))
    html = neighbour.get(f"{BASE}/spaces/{space_id}?week={day.isoformat()}").get_data(as_text=True)
    assert "bk-slot bk-taken" in html and f"day={day.isoformat()}&amp;start=19:00" not in html
    again = _book(neighbour, space_id, day, start="20:00", end="21:00")
    assert again.status_code == 409
    assert "刚刚被别人约走了" in again.get_data(as_text=True)
    assert 'value="20:00"' in again.get_data(as_text=True)  # what was typed is kept


def test_cancel_own_booking_asks_first_and_frees_the_time(
    app, space_id, member_client, booking_on, in_community
):
    with in_community(booking_on):
        day = next_weekday(3)
    assert _book(member_client, space_id, day).status_code == 302
    with in_community(booking_on):
        booking_id = db.session.execute(db.select(Booking.id)).scalar_one()
    ask = member_client.get(f"{BASE}/bookings/{booking_id}/cancel")
    assert ask.status_code == 200 and "确定取消这个预约" in ask.get_data(as_text=True)
    assert member_client.post(f"{BASE}/bookings/{booking_id}/cancel").status_code == 302
    with in_community(booking_on):
        assert db.session.get(Booking, booking_id).status == "cancelled"
    assert _book(member_client, space_id, day).status_code == 302  # free again


def test_a_neighbours_booking_cannot_be_cancelled(
    app, space_id, member_client, booking_on, in_community, login, make_user
):
    with in_community(booking_on):
        day = next_weekday(3)
    assert _book(member_client, space_id, day).status_code == 302
    with in_community(booking_on):
        booking_id = db.session.execute(db.select(Booking.id)).scalar_one()
    neighbour = login(make_user("neighbour@alpha.example", booking_on))
    assert neighbour.get(f"{BASE}/bookings/{booking_id}/cancel").status_code == 404
    assert neighbour.post(f"{BASE}/bookings/{booking_id}/cancel").status_code == 404


def test_recurring_preview_lists_conflicts_then_books_the_rest(
    app, space_id, member_client, booking_on, in_community, login, make_user
):
    with in_community(booking_on):
        tuesday = next_weekday(1)
    neighbour = login(make_user("neighbour@alpha.example", booking_on))
    assert _book(neighbour, space_id, tuesday + timedelta(weeks=1)).status_code == 302
    preview = _book(member_client, space_id, tuesday, weeks="3")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'id="preview"' in html
    assert html.count("bk-conflict") == 1 and "3 个日期中有 2 个空闲" in html
    with in_community(booking_on):
        assert db.session.execute(db.select(db.func.count(Booking.id))).scalar() == 1
    done = _book(member_client, space_id, tuesday, weeks="3", confirm="1")
    assert done.status_code == 302
    with in_community(booking_on):
        rows = db.session.execute(
            db.select(Booking.person_id, Booking.series).order_by(Booking.starts_at)
        ).all()
    assert [r.person_id for r in rows][1] != rows[0].person_id
    mine = [r for r in rows if r.series]
    assert len(mine) == 2 and len({r.series for r in mine}) == 1


def test_visitors_see_free_slots_without_names(
    app, space_id, member_client, client, booking_on, in_community, enable_plugin
):
    with in_community(booking_on):
        day = next_weekday(1)
    assert _book(member_client, space_id, day).status_code == 302
    page = client.get(f"{BASE}/free")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "活动室" in html and "空闲" in html
    assert "Alpha Member" not in html and "合唱排练" not in html
    assert f"/spaces/{space_id}/book" not in html  # visitors get no booking links
    enable_plugin(booking_on, "booking", public_free_slots=False)
    assert client.get(f"{BASE}/free").status_code == 404


def test_across_spaces_day_view_moves_by_htmx(app, space_id, member_client):
    part = member_client.get(f"{BASE}/?day=2030-03-05", headers={"HX-Request": "true"})
    html = part.get_data(as_text=True)
    assert part.status_code == 200 and html.lstrip().startswith('<section id="across"')
    assert "活动室" in html and "day=2030-03-06" in html


def test_dashboard_widget(app, space_id, member_client, staff_client, booking_on, in_community):
    with in_community(booking_on):
        day = next_weekday(1)
    empty = member_client.get("/c/alpha/").get_data(as_text=True)
    assert "场地晚上和周末也开放" in empty
    assert _book(member_client, space_id, day).status_code == 302
    assert "已确认" in member_client.get("/c/alpha/").get_data(as_text=True)
    assert "今日预约 0 个" in staff_client.get("/c/alpha/").get_data(as_text=True)
