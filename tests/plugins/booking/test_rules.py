"""The rules of a space: opening hours, closures, the grid and lengths, the advance
window, the weekly quota, the past, capacity and uses, and time zones (with DST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from core.plugin_api import commit, db
from plugins.booking import rules, workflow
from plugins.booking.models import Booking, Closure, Organisation, Space
from tests.plugins.booking.helpers import add_space

# A fixed "now": Monday 4 March 2030, 09:00 in Shanghai. Days below are after it.
NOW = datetime(2030, 3, 4, 1, 0, tzinfo=UTC)
TUESDAY = date(2030, 3, 5)
SATURDAY = date(2030, 3, 9)


def place(space_id, day, start, end, person_id, now=NOW, **kw):
    space = db.session.get(Space, space_id)
    req = rules.Request(space, day, time(*start), time(*end), person_id, **kw)
    booking = workflow.place(req, workflow.Details(purpose="活动"), now)
    commit()
    return booking


def refused(space_id, day, start, end, person_id, now=NOW, **kw) -> str:
    with pytest.raises(rules.Refused) as refusal:
        place(space_id, day, start, end, person_id, now, **kw)
    db.session.rollback()
    return str(refusal.value)


@pytest.fixture
def evenings(app, booking_on, in_community, member):
    """Open 09:00-12:00 and 18:00-21:30 on weekdays only; slots of an hour."""
    with in_community(booking_on):
        space_id = add_space(
            hours=((9 * 60, 12 * 60), (18 * 60, 21 * 60 + 30)),
            days=range(5),
            slot_minutes=60,
            min_minutes=60,
            max_minutes=180,
            advance_days=14,
        )
    return space_id


def test_opening_hours(evenings, in_community, booking_on, member):
    with in_community(booking_on):
        assert "不开放" in refused(evenings, TUESDAY, (13, 0), (14, 0), member.id)
        assert "不开放" in refused(evenings, TUESDAY, (20, 0), (22, 0), member.id)
        assert "不开放" in refused(evenings, SATURDAY, (10, 0), (11, 0), member.id)
        assert "不开放" in refused(evenings, TUESDAY, (11, 0), (13, 0), member.id)  # spans a gap
        booking = place(evenings, TUESDAY, (18, 0), (20, 0), member.id)
        assert booking.status == "confirmed"


def test_grid_and_lengths(evenings, in_community, booking_on, member):
    with in_community(booking_on):
        assert "整点或半点" in refused(evenings, TUESDAY, (18, 15), (19, 15), member.id)
        assert "整时段" in refused(evenings, TUESDAY, (18, 0), (19, 30), member.id)
        assert "结束时间须晚于" in refused(evenings, TUESDAY, (19, 0), (18, 0), member.id)
        space = db.session.get(Space, evenings)
        space.max_minutes = 120
        commit()
        assert "最多预约 120 分钟" in refused(evenings, TUESDAY, (9, 0), (12, 0), member.id)
        space.min_minutes = 120
        commit()
        assert "至少预约 120 分钟" in refused(evenings, TUESDAY, (18, 0), (19, 0), member.id)


def test_closures_of_the_space_or_the_whole_centre(evenings, in_community, booking_on, member):
    with in_community(booking_on):
        other = add_space(name="书画室")
        db.session.add(Closure(space_id=other, first_day=TUESDAY, last_day=TUESDAY, reason="粉刷"))
        commit()
        place(evenings, TUESDAY, (18, 0), (19, 0), member.id)  # only the other room is shut
        db.session.add(
            Closure(
                space_id=None,
                first_day=date(2030, 3, 6),
                last_day=date(2030, 3, 7),
                reason="社区活动日",
            )
        )
        commit()
        message = refused(evenings, date(2030, 3, 7), (18, 0), (19, 0), member.id)
        assert message == "该场地当天闭馆：社区活动日"


def test_past_and_advance_window_and_priority(evenings, in_community, booking_on, member):
    with in_community(booking_on):
        later_today = datetime(2030, 3, 5, 11, 30, tzinfo=UTC)  # Tuesday 19:30 in Shanghai
        assert "已经过去" in refused(evenings, TUESDAY, (18, 0), (19, 0), member.id, later_today)
        far = date(2030, 3, 19)  # 15 days ahead
        assert refused(evenings, far, (18, 0), (19, 0), member.id) == (
            "太远了：最多可提前 14 天预约。"
        )
        org = Organisation(name="微益坊", contact_id=member.id, priority=True)
        db.session.add(org)
        commit()
        assert place(evenings, far, (18, 0), (19, 0), member.id, priority=True).id
        # Staff at the desk are not held to the window either.
        assert place(evenings, date(2030, 3, 20), (18, 0), (19, 0), member.id, desk=True).id


def test_weekly_quota_per_person(evenings, in_community, booking_on, member, staff):
    with in_community(booking_on):
        space = db.session.get(Space, evenings)
        space.weekly_quota_minutes = 180
        commit()
        place(evenings, TUESDAY, (18, 0), (20, 0), member.id)
        first = place(evenings, date(2030, 3, 6), (18, 0), (19, 0), member.id)
        message = refused(evenings, date(2030, 3, 7), (18, 0), (19, 0), member.id)
        assert message == "超出该场地每人每周 3 小时的限额（当周已约 3 小时）。"
        place(evenings, date(2030, 3, 7), (18, 0), (19, 0), staff.id)  # another person
        place(evenings, date(2030, 3, 11), (18, 0), (19, 0), member.id)  # the next week
        workflow.cancel(first, member.id)
        commit()
        place(evenings, date(2030, 3, 8), (18, 0), (19, 0), member.id)  # freed by cancelling


def test_capacity_and_uses(evenings, in_community, booking_on, member):
    with in_community(booking_on):
        space = db.session.get(Space, evenings)
        space.capacity = 10
        commit()
        assert "最多容纳 10 人" in refused(
            evenings, TUESDAY, (18, 0), (19, 0), member.id, attendees=11
        )
        assert "不用于此用途" in refused(
            evenings, TUESDAY, (18, 0), (19, 0), member.id, use="打麻将"
        )
        place(evenings, TUESDAY, (18, 0), (19, 0), member.id, use="排练", attendees=10)


def test_shanghai_times_are_stored_in_utc(evenings, in_community, booking_on, member):
    with in_community(booking_on):
        booking = place(evenings, TUESDAY, (19, 0), (21, 0), member.id)
        stored = db.session.get(Booking, booking.id)
        assert stored.starts_at == datetime(2030, 3, 5, 11, 0, tzinfo=UTC)
        assert stored.ends_at == datetime(2030, 3, 5, 13, 0, tzinfo=UTC)


def test_a_zone_with_daylight_saving_time(
    app, make_community, enable_plugin, make_user, in_community
):
    berlin = make_community("berlin", timezone="Europe/Berlin")
    enable_plugin(berlin, "booking")
    person = make_user("anna@berlin.example", berlin)
    with in_community(berlin):
        space_id = add_space(hours=((0, 24 * 60),), advance_days=60, max_minutes=240)
        # 31 March 2030: clocks go from 02:00 to 03:00 in Berlin.
        message = refused(space_id, date(2030, 3, 31), (2, 0), (3, 0), person.id)
        assert "时钟调整" in message or "clocks change" in message
        winter = place(space_id, date(2030, 3, 24), (19, 0), (21, 0), person.id)
        summer = place(space_id, date(2030, 3, 31), (19, 0), (21, 0), person.id)
        assert winter.starts_at == datetime(2030, 3, 24, 18, 0, tzinfo=UTC)  # CET, +1
        assert summer.starts_at == datetime(2030, 3, 31, 17, 0, tzinfo=UTC)  # CEST, +2
        # The night the clocks change has 23 hours: 01:00-04:00 local is two real hours.
        night = place(space_id, date(2030, 3, 31), (1, 0), (4, 0), person.id)
        assert (night.ends_at - night.starts_at).total_seconds() == 2 * 3600


def test_bookings_start_on_the_space_slots(app, booking_on, in_community, member):
    """Slots of two hours from 18:00: 19:00-21:00 would spoil two slots, so it is refused."""
    with in_community(booking_on):
        space_id = add_space(
            hours=((18 * 60, 22 * 60),),
            slot_minutes=120,
            min_minutes=120,
            max_minutes=240,
            advance_days=14,
        )
        message = refused(space_id, TUESDAY, (19, 0), (21, 0), member.id)
        assert message == "请从时段开头开始预约：每段 120 分钟，从 18:00 起。"
        place(space_id, TUESDAY, (20, 0), (22, 0), member.id)
