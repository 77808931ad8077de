"""Garbage in ids, dates, times and numbers: a 4xx with a message in the user's
language, what was typed kept, never a 500."""

from __future__ import annotations

import pytest

from tests.plugins.booking.helpers import BASE, next_weekday

GARBAGE = ["abc", "-1", "0", "99999999999999999999999", "１２", "2026-02-30", "'; drop", "\x00"]


@pytest.mark.parametrize("raw", GARBAGE)
def test_garbage_ids_in_paths_are_not_found(app, booking_on, staff_client, raw):
    for path in (f"/spaces/{raw}", f"/bookings/{raw}/cancel", f"/manage/spaces/{raw}/edit"):
        answer = staff_client.get(BASE + path)
        assert answer.status_code == 404, (path, answer.status_code)
    for path in (f"/manage/bookings/{raw}/approve", f"/manage/closures/{raw}/delete"):
        assert staff_client.post(BASE + path).status_code in (404, 405), path


@pytest.mark.parametrize("raw", ["abc", "2026-02-30", "99999-01-01", "0000-00-00", "１２"])
def test_bad_dates_in_query_strings_answer_422_with_a_message(
    app, booking_on, space_id, staff_client, raw
):
    for path, text in (
        (f"/spaces/{space_id}?week={raw}", "不是日期"),
        (f"/?day={raw}", "不是日期"),
        (f"/manage/day?day={raw}", "不是日期"),
        (f"/manage/report?from={raw}&to=2026-01-01", "2026-03-08 这样的格式"),
        (f"/manage/bookings.xlsx?from={raw}&to=2026-01-01", "2026-03-08 这样的格式"),
    ):
        answer = staff_client.get(BASE + path)
        assert answer.status_code == 422, path
        assert text in answer.get_data(as_text=True), path


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("day", "2026-13-45", "日期"),
        ("day", "", "请选择日期"),
        ("start", "25:00", ""),
        ("start", "", "请选择开始时间"),
        ("end", "soon", ""),
        ("attendees", "lots", ""),
        ("attendees", "0", "请填 1 到 10,000"),
        ("weeks", "99", "请填 1 到 26 周"),
        ("use", "打麻将", "请从列出的用途中选择"),
        ("purpose", "", "请简单说明预约用途"),
    ],
)
def test_bad_booking_form_values_keep_what_was_typed(
    app, booking_on, space_id, member_client, in_community, field, value, message
):
    with in_community(booking_on):
        day = next_weekday(1)
    data = {
        "day": day.isoformat(),
        "start": "19:00",
        "end": "21:00",
        "purpose": "合唱排练",
        "attendees": "12",
        "use": "排练",
        "weeks": "1",
        field: value,
    }
    answer = member_client.post(f"{BASE}/spaces/{space_id}/book", data=data)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422, html[:500]
    assert "请修改标出的内容" in html and message in html
    for name, typed in data.items():
        if name not in (field, "use", "organisation_id", "weeks") and typed:
            assert typed in html, name


def test_rule_refusal_is_a_422_with_the_form_kept(
    app, booking_on, space_id, member_client, in_community
):
    with in_community(booking_on):
        day = next_weekday(1)
    data = {
        "day": day.isoformat(),
        "start": "06:00",
        "end": "07:00",
        "purpose": "晨练",
        "attendees": "3",
        "use": "排练",
        "weeks": "1",
    }
    answer = member_client.post(f"{BASE}/spaces/{space_id}/book", data=data)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "该场地这个时间不开放" in html and "晨练" in html and 'value="06:00"' in html


def test_report_period_too_long_or_backwards(app, booking_on, staff_client):
    for args in ("from=2026-01-01&to=2020-01-01", "from=2020-01-01&to=2026-01-01"):
        answer = staff_client.get(f"{BASE}/manage/report?{args}")
        assert answer.status_code == 422 and "不超过 400 天" in answer.get_data(as_text=True)


def test_only_ones_own_organisations_are_offered(
    app, booking_on, space_id, member, member_client, in_community
):
    from core.plugin_api import commit, db
    from plugins.booking.models import Organisation

    with in_community(booking_on):
        mine, other = Organisation(name="合唱团", contact_id=member.id), Organisation(name="舞蹈队")
        db.session.add_all([mine, other])
        commit()
        day = next_weekday(1)
        ids = mine.id, other.id
    page = member_client.get(f"{BASE}/spaces/{space_id}/book").get_data(as_text=True)
    assert "合唱团" in page and "舞蹈队" not in page
    data = {
        "day": day.isoformat(),
        "start": "19:00",
        "end": "21:00",
        "purpose": "合唱排练",
        "attendees": "12",
        "use": "排练",
        "weeks": "1",
        "organisation_id": str(ids[1]),
    }
    answer = member_client.post(f"{BASE}/spaces/{space_id}/book", data=data)
    assert answer.status_code == 422 and "请从列出的组织中选择" in answer.get_data(as_text=True)
    data["organisation_id"] = str(ids[0])
    assert member_client.post(f"{BASE}/spaces/{space_id}/book", data=data).status_code == 302
