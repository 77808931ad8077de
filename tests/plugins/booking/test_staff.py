"""Staff at the centre desk: spaces and hours, closures, organisations, approvals with
notifications, bookings for residents, the day sheet with check-in."""

from __future__ import annotations

from datetime import timedelta

from core.extensions import db
from core.models import Notification
from plugins.booking.models import Booking, Closure, OpeningHours, Organisation, Space
from tenants.context import all_tenants
from tests.plugins.booking.helpers import BASE, add_space, next_weekday


def _told(app, user_id) -> list[tuple[str, str]]:
    with app.app_context(), all_tenants():
        return [
            (n.kind, n.title["zh_Hans"])
            for n in db.session.execute(
                db.select(Notification)
                .where(Notification.user_id == user_id)
                .order_by(Notification.id)
            ).scalars()
        ]


SPACE = {
    "name": "排练室",
    "description": "",
    "capacity": "20",
    "equipment": "钢琴、音响",
    "uses": "排练, 合唱",
    "approval": "staff",
    "fee_yuan": "0",
    "slot_minutes": "60",
    "min_minutes": "60",
    "max_minutes": "180",
    "advance_days": "30",
    "weekly_quota_hours": "4",
    "active": "y",
    "hours_0": "18:00-21:30",
    "hours_1": "18:00-21:30",
    "hours_2": "",
    "hours_3": "",
    "hours_4": "",
    "hours_5": "09:00-12:00, 14:00-21:00",
    "hours_6": "",
}


def test_staff_add_a_space_with_evening_and_weekend_hours(
    app, booking_on, staff_client, in_community
):
    assert staff_client.get(f"{BASE}/manage/spaces/new").status_code == 200
    saved = staff_client.post(f"{BASE}/manage/spaces/new", data=SPACE)
    assert saved.status_code == 302
    with in_community(booking_on):
        space = db.session.execute(db.select(Space)).scalar_one()
        assert (space.name, space.approval, space.weekly_quota_minutes) == ("排练室", "staff", 240)
        hours = db.session.execute(
            db.select(OpeningHours.weekday, OpeningHours.opens, OpeningHours.closes).order_by(
                OpeningHours.weekday, OpeningHours.opens
            )
        ).all()
    assert hours == [(0, 1080, 1290), (1, 1080, 1290), (5, 540, 720), (5, 840, 1260)]
    edit = staff_client.get(f"{BASE}/manage/spaces/{space.id}/edit").get_data(as_text=True)
    assert 'value="09:00-12:00, 14:00-21:00"' in edit


def test_space_form_bad_input_keeps_values(app, booking_on, staff_client):
    bad = {**SPACE, "hours_1": "晚上七点到九点", "capacity": "many", "max_minutes": "30"}
    answer = staff_client.post(f"{BASE}/manage/spaces/new", data=bad)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "请按 09:00-12:00, 18:00-21:30 的格式填写" in html and "晚上七点到九点" in html
    assert "最长预约不能短于最短预约" in html
    off_grid = staff_client.post(
        f"{BASE}/manage/spaces/new", data={**SPACE, "hours_0": "18:15-21:00"}
    )
    assert off_grid.status_code == 422


def test_pending_booking_approved_or_declined_with_notifications(
    app, booking_on, staff, staff_client, member, member_client, in_community
):
    with in_community(booking_on):
        space_id = add_space(approval="staff", advance_days=60, capacity=30)
        day = next_weekday(1)
    data = {
        "day": day.isoformat(),
        "start": "19:00",
        "end": "21:00",
        "purpose": "合唱排练",
        "attendees": "15",
        "use": "排练",
        "weeks": "1",
    }
    assert member_client.post(f"{BASE}/spaces/{space_id}/book", data=data).status_code == 302
    assert ("booking.pending", f"待审核预约：活动室 {day.isoformat()} 19:00-21:00") in _told(
        app, staff.id
    )
    with in_community(booking_on):
        first = db.session.execute(db.select(Booking)).scalar_one()
        assert first.status == "pending"
    page = staff_client.get(f"{BASE}/manage/pending").get_data(as_text=True)
    assert "合唱排练" in page and "Alpha Member" in page
    assert staff_client.post(f"{BASE}/manage/bookings/{first.id}/approve").status_code == 302
    assert ("booking.decided", f"您的预约已确认：活动室 {day.isoformat()} 19:00-21:00") in _told(
        app, member.id
    )
    again = staff_client.post(f"{BASE}/manage/bookings/{first.id}/approve")
    assert again.status_code == 409 and "只有待审核的预约才能通过" in again.get_data(as_text=True)

    later = {**data, "day": (day + timedelta(days=7)).isoformat()}
    assert member_client.post(f"{BASE}/spaces/{space_id}/book", data=later).status_code == 302
    with in_community(booking_on):
        second = db.session.execute(
            db.select(Booking).where(Booking.status == "pending")
        ).scalar_one()
    no_reason = staff_client.post(f"{BASE}/manage/bookings/{second.id}/reject", data={})
    assert no_reason.status_code == 422 and "请填写原因" in no_reason.get_data(as_text=True)
    declined = staff_client.post(
        f"{BASE}/manage/bookings/{second.id}/reject", data={"reason": "当晚有社区会议"}
    )
    assert declined.status_code == 302
    with in_community(booking_on):
        assert db.session.get(Booking, second.id).status == "rejected"
    assert any(
        kind == "booking.decided" and "未获通过" in title for kind, title in _told(app, member.id)
    )
    # Declined time is free again.
    assert member_client.post(f"{BASE}/spaces/{space_id}/book", data=later).status_code == 302


def test_desk_books_for_a_resident_and_checks_in(
    app, booking_on, space_id, staff_client, member, in_community
):
    with in_community(booking_on):
        day = next_weekday(4)
    data = {
        "person": member.email,
        "day": day.isoformat(),
        "start": "18:00",
        "end": "20:00",
        "purpose": "书法班",
        "attendees": "8",
        "use": "课程",
        "weeks": "1",
    }
    booked = staff_client.post(f"{BASE}/spaces/{space_id}/book", data=data)
    assert booked.status_code == 302 and "/manage/day" in booked.headers["Location"]
    with in_community(booking_on):
        booking = db.session.execute(db.select(Booking)).scalar_one()
    assert (booking.person_id, booking.channel, booking.person_name) == (
        member.id,
        "desk",
        "Alpha Member",
    )
    assert any("已为您预约" in title for _k, title in _told(app, member.id))
    sheet = staff_client.get(f"{BASE}/manage/day?day={day.isoformat()}").get_data(as_text=True)
    assert "书法班" in sheet and "Alpha Member" in sheet
    came = staff_client.post(
        f"{BASE}/manage/bookings/{booking.id}/attendance", data={"attendance": "checked_in"}
    )
    assert came.status_code == 302
    with in_community(booking_on):
        assert db.session.get(Booking, booking.id).attendance == "checked_in"
    bad = staff_client.post(
        f"{BASE}/manage/bookings/{booking.id}/attendance", data={"attendance": "maybe"}
    )
    assert bad.status_code == 422 and "请选择是否到场" in bad.get_data(as_text=True)
    unknown = staff_client.post(f"{BASE}/spaces/{space_id}/book", data={**data, "person": "nobody"})
    assert unknown.status_code == 422 and 'value="nobody"' in unknown.get_data(as_text=True)


def test_staff_cancel_with_a_message_and_the_resident_is_told(
    app, booking_on, space_id, staff_client, member, member_client, in_community
):
    with in_community(booking_on):
        day = next_weekday(2)
    data = {
        "day": day.isoformat(),
        "start": "19:00",
        "end": "21:00",
        "purpose": "读书会",
        "attendees": "5",
        "use": "会议",
        "weeks": "1",
    }
    assert member_client.post(f"{BASE}/spaces/{space_id}/book", data=data).status_code == 302
    with in_community(booking_on):
        booking_id = db.session.execute(db.select(Booking.id)).scalar_one()
    gone = staff_client.post(f"{BASE}/bookings/{booking_id}/cancel", data={"reason": "停电检修"})
    assert gone.status_code == 302
    assert any("已被取消" in title for _k, title in _told(app, member.id))


def test_closures_and_organisations(app, booking_on, space_id, staff_client, member, in_community):
    added = staff_client.post(
        f"{BASE}/manage/closures",
        data={
            "space_id": str(space_id),
            "first_day": "2030-02-01",
            "last_day": "2030-02-07",
            "reason": "春节",
        },
    )
    assert added.status_code == 302
    bad = staff_client.post(
        f"{BASE}/manage/closures",
        data={"space_id": "999999", "first_day": "2030-13-01", "reason": "装修"},
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "请选择一个场地，或整个中心" in html and "装修" in html
    backwards = staff_client.post(
        f"{BASE}/manage/closures",
        data={"first_day": "2030-02-07", "last_day": "2030-02-01", "reason": "x"},
    )
    assert backwards.status_code == 422 and "结束日期不能早于开始日期" in backwards.get_data(
        as_text=True
    )
    with in_community(booking_on):
        closure = db.session.execute(db.select(Closure)).scalar_one()
    assert "春节" in staff_client.get(f"{BASE}/manage/closures").get_data(as_text=True)
    assert staff_client.post(f"{BASE}/manage/closures/{closure.id}/delete").status_code == 302

    registered = staff_client.post(
        f"{BASE}/manage/organisations",
        data={"name": "微益坊", "contact": member.email, "free": "y", "priority": "y"},
    )
    assert registered.status_code == 302
    twice = staff_client.post(f"{BASE}/manage/organisations", data={"name": "微益坊"})
    assert twice.status_code == 422 and "该组织已登记" in twice.get_data(as_text=True)
    with in_community(booking_on):
        org = db.session.execute(db.select(Organisation)).scalar_one()
    assert (org.contact_id, org.free, org.priority) == (member.id, True, True)
    assert staff_client.post(f"{BASE}/manage/organisations/{org.id}/retire").status_code == 302


def test_residents_cannot_reach_the_desk(app, booking_on, space_id, member_client):
    for path in (
        "/manage",
        "/manage/pending",
        "/manage/day",
        "/manage/report",
        "/manage/bookings.csv",
        "/manage/closures",
        "/manage/organisations",
        "/manage/spaces/new",
    ):
        assert member_client.get(BASE + path).status_code == 403, path
