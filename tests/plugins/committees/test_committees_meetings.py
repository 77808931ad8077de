"""Meetings with agenda, attendance and minutes; decisions; what the public page shows."""

from __future__ import annotations

from core.extensions import db
from core.testing import count_statements
from plugins.committees.models import Attendance, Meeting
from tenants.context import tenant_scope
from tests.plugins.committees.committees_helpers import (
    BASE,
    application_id,
    apply,
    appoint,
    set_up,
)


def _with_member(app, community, staff_client, member_client, member) -> int:
    committee_id = set_up(staff_client)
    apply(member_client, committee_id)
    app_id = application_id(app, community, member.id)
    staff_client.post(f"{BASE}/{committee_id}/applications/{app_id}/vet")
    assert appoint(staff_client, committee_id, app_id, role="convener").status_code == 302
    return committee_id


def _meeting(staff_client, committee_id: int, **data) -> int:
    form = {"held_on": "2026-11-03", "place": "社区活动室", "agenda": "一、小广告清理分工", **data}
    response = staff_client.post(f"{BASE}/{committee_id}/meetings/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_a_meeting_with_agenda_attendance_minutes_and_decisions(
    app, committees_on, staff_client, member_client, member, client
):
    committee_id = _with_member(app, committees_on, staff_client, member_client, member)
    meeting_id = _meeting(staff_client, committee_id)
    url = f"{BASE}/{committee_id}/meetings/{meeting_id}"
    recorded = staff_client.post(
        f"{url}/minutes", data={"present": [str(member.id)], "minutes": "分片包干清理"}
    )
    assert recorded.status_code == 302
    staff_client.post(
        f"{url}/decisions",
        data={"decided_on": "2026-11-03", "text": "每周六清理小广告", "public": "y"},
    )
    staff_client.post(f"{url}/decisions", data={"decided_on": "2026-11-03", "text": "内部分工名单"})
    with app.app_context(), tenant_scope(committees_on.id):
        assert db.session.get(Meeting, meeting_id).present_count == 1
        assert db.session.execute(db.select(Attendance.user_id)).scalars().all() == [member.id]

    page = member_client.get(url).get_data(as_text=True)
    assert "分片包干清理" in page and "Alpha Member" in page and "每周六清理小广告" in page
    committee_page = member_client.get(f"{BASE}/{committee_id}").get_data(as_text=True)
    assert "一、小广告清理分工" in committee_page and "内部分工名单" in committee_page

    public = client.get(f"{BASE}/public/{committee_id}").get_data(as_text=True)
    assert "一、小广告清理分工" in public and "每周六清理小广告" in public
    assert "内部分工名单" not in public and "Alpha Member" not in public
    assert client.get(url).status_code == 302  # minutes and attendance: members only


def test_meeting_input_is_checked_and_kept(app, committees_on, staff_client, member_client, member):
    committee_id = _with_member(app, committees_on, staff_client, member_client, member)
    empty = staff_client.post(
        f"{BASE}/{committee_id}/meetings/new",
        data={"held_on": "2026-11-03", "place": "保留的地点", "agenda": ""},
    )
    assert empty.status_code == 422 and "保留的地点" in empty.get_data(as_text=True)
    bad_date = staff_client.post(
        f"{BASE}/{committee_id}/meetings/new",
        data={"held_on": "11/03/2026", "place": "x", "agenda": "议程保留"},
    )
    html = bad_date.get_data(as_text=True)
    assert bad_date.status_code == 422 and "例如 2026-07-01" in html and "议程保留" in html

    meeting_id = _meeting(staff_client, committee_id)
    url = f"{BASE}/{committee_id}/meetings/{meeting_id}"
    for present in (["abc"], ["999999"], [str(member.id), "-1"]):
        wrong = staff_client.post(
            f"{url}/minutes", data={"present": present, "minutes": "纪要保留"}
        )
        assert wrong.status_code == 422, present
        assert "只能勾选本专委会的委员" in wrong.get_data(as_text=True)
        assert "纪要保留" in wrong.get_data(as_text=True)
    no_text = staff_client.post(f"{url}/decisions", data={"decided_on": "2026-11-03", "text": ""})
    assert no_text.status_code == 422
    # The member is this committee's convener: may record, and is told what is missing.
    assert member_client.post(f"{url}/decisions", data={"text": "x"}).status_code == 422
    assert member_client.post(f"{url}/minutes", data={"minutes": "x"}).status_code == 302
    assert member_client.get(f"{BASE}/{committee_id}/meetings/new").status_code == 200
    # (plain members and other committees' conveners: test_committees_conveners.py)


def test_a_meeting_under_another_committee_is_not_found(
    app, committees_on, staff_client, member_client, member
):
    committee_id = _with_member(app, committees_on, staff_client, member_client, member)
    meeting_id = _meeting(staff_client, committee_id)
    other = set_up(staff_client, name="公共安全专委会", kind="safety")
    assert staff_client.get(f"{BASE}/{other}/meetings/{meeting_id}").status_code == 404
    assert (
        staff_client.post(f"{BASE}/{other}/meetings/{meeting_id}/minutes", data={}).status_code
        == 404
    )


def test_the_committee_page_keeps_its_query_count_as_meetings_grow(
    app, committees_on, staff_client, member_client, member
):
    committee_id = _with_member(app, committees_on, staff_client, member_client, member)
    # The page rendered each time: a kept piece (the menu) would make the first view cost
    # more than the next, whatever the meetings.
    app.config["PAGE_CACHE_SECONDS"] = 0

    def queries() -> int:
        with count_statements(app) as statements:
            assert member_client.get(f"{BASE}/{committee_id}").status_code == 200
        return len(statements)

    _meeting(staff_client, committee_id)
    few = queries()
    for n in range(12):
        _meeting(staff_client, committee_id, agenda=f"议程{n}")
    assert queries() == few
