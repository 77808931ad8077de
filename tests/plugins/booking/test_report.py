"""Figures that show the centre serves residents, and the bookings as CSV and Excel."""

from __future__ import annotations

from datetime import date, time

from core.plugin_api import commit, db
from core.testing import read_csv, read_xlsx
from plugins.booking import rules, workflow
from plugins.booking.models import Space
from tests.plugins.booking.helpers import BASE, add_space
from tests.plugins.booking.test_rules import NOW

MONDAY = date(2030, 3, 4)


def _bookings(in_community, community, person_id):
    """Tue 19-21 (evening), Sat 10-12 (weekend), Wed 10-11 (neither), all in one week."""
    with in_community(community):
        space_id = add_space(name="排练室", capacity=30, advance_days=60)
        add_space(name="大讲堂")
        space = db.session.get(Space, space_id)
        for day, start, end, use in (
            (date(2030, 3, 5), 19, 21, "排练"),
            (date(2030, 3, 9), 10, 12, "课程"),
            (date(2030, 3, 6), 10, 11, "会议"),
        ):
            req = rules.Request(space, day, time(start), time(end), person_id, use=use)
            workflow.place(req, workflow.Details(purpose=f"{use}活动"), NOW)
        commit()


def test_usage_figures(app, booking_on, staff_client, member, in_community):
    _bookings(in_community, booking_on, member.id)
    page = staff_client.get(f"{BASE}/manage/report?from=2030-03-04&to=2030-03-10")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "共预约 5.0 小时（3 次）" in html
    assert "晚间占 40%，周末占 40%" in html  # 2 of 5 hours each
    # Open 14 h a day, 7 days, 2 rooms = 196 h; 5 booked.
    assert "<td data-user>排练室</td><td>5.0</td><td>40%</td><td>40%</td><td>5%</td>" in html
    assert "<td>2030-03-04</td><td>5.0</td><td>196</td><td>3%</td>" in html
    assert "<li><bdi data-user>排练</bdi>: 2.0 小时</li>" in html


def test_bookings_as_excel_and_csv(app, booking_on, staff_client, member, in_community):
    _bookings(in_community, booking_on, member.id)
    rows = read_xlsx(staff_client.get(f"{BASE}/manage/bookings.xlsx?from=2030-03-04&to=2030-03-10"))
    assert rows[0][:5] == ["日期", "开始", "结束", "场地", "预约人"]
    assert [r[:5] for r in rows[1:]] == [
        ["2030-03-05", "19:00", "21:00", "排练室", "Alpha Member"],
        ["2030-03-06", "10:00", "11:00", "排练室", "Alpha Member"],
        ["2030-03-09", "10:00", "12:00", "排练室", "Alpha Member"],
    ]
    assert rows[1][9] == "已确认"
    csv = read_csv(staff_client.get(f"{BASE}/manage/bookings.csv?from=2030-03-04&to=2030-03-10"))
    assert len(csv) == 4 and csv[1][7] == "排练活动"
    empty = read_csv(staff_client.get(f"{BASE}/manage/bookings.csv?from=2031-01-01&to=2031-01-07"))
    assert len(empty) == 1


def test_empty_report_has_no_division_by_zero(app, booking_on, staff_client):
    page = staff_client.get(f"{BASE}/manage/report")
    assert page.status_code == 200 and "这段时间没有预约" in page.get_data(as_text=True)
