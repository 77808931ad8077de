"""A volunteer signs up, checks in and out by the QR link or reports hours; a coordinator
approves (points awarded) or rejects with a reason. Every rule refuses with a message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from volunteers_helpers import BASE, NOW, balance, entries, logs, qr_link, self_report, told


def test_the_dashboard_reaches_activities_and_the_report_form(vol_on, setup, member_client):
    html = member_client.get("/c/alpha/").get_data(as_text=True)
    assert f'href="{BASE}/"' in html and f'href="{BASE}/hours/new"' in html
    page = member_client.get(f"{BASE}/")
    assert page.status_code == 200
    assert f"{BASE}/activities/{setup.activity_id}" in page.get_data(as_text=True)


def test_sign_up_until_the_activity_is_full(app, vol_on, setup, member_client, make_user, login):
    url = f"{BASE}/activities/{setup.activity_id}"
    assert member_client.post(f"{url}/signup").status_code == 302
    again = member_client.post(f"{url}/signup", follow_redirects=True)
    assert "您已报名" in again.get_data(as_text=True)
    second = login(make_user("two@alpha.example", vol_on))
    assert second.post(f"{url}/signup").status_code == 302
    third = login(make_user("three@alpha.example", vol_on))
    full = third.post(f"{url}/signup")
    assert full.status_code == 409
    assert "名额已满" in full.get_data(as_text=True)
    # Giving up a place frees it.
    assert member_client.post(f"{url}/withdraw").status_code == 302
    assert third.post(f"{url}/signup").status_code == 302


def test_qr_check_in_then_out_then_a_replay_is_refused(
    app, vol_on, setup, staff_client, member_client, member, staff, frozen
):
    link = qr_link(staff_client, setup.activity_id)
    opened = member_client.get(link)
    assert opened.status_code == 200 and "签到" in opened.get_data(as_text=True)
    assert logs(app, vol_on, member.id) == []  # opening the link changes nothing
    assert member_client.post(link).status_code == 302
    [log] = logs(app, vol_on, member.id)
    assert log.status == "open"
    frozen.move(NOW + timedelta(minutes=90))
    assert "签退" in member_client.get(link).get_data(as_text=True)
    assert member_client.post(link).status_code == 302
    [log] = logs(app, vol_on, member.id)
    assert (log.status, log.minutes, log.source) == ("pending", 90, "qr")
    assert any(kind == "volunteers.review" for kind, _t in told(app, staff.id))
    # The same code again: refused, clearly, not a third log.
    replay = member_client.post(link)
    assert replay.status_code == 409
    assert "已使用" in replay.get_data(as_text=True)
    assert member_client.get(link).status_code == 410
    assert len(logs(app, vol_on, member.id)) == 1


def test_qr_outside_the_window_or_replaced_or_forged_is_refused(
    app, vol_on, setup, staff_client, member_client, member, frozen
):
    link = qr_link(staff_client, setup.activity_id)
    frozen.move(NOW - timedelta(hours=3))  # before check-in opens (start − 30 min)
    early = member_client.post(link)
    assert early.status_code == 409 and "尚未开始签到" in early.get_data(as_text=True)
    frozen.move(NOW + timedelta(hours=4))  # after end + 60 min
    late = member_client.post(link)
    assert late.status_code == 409 and "已过期" in late.get_data(as_text=True)
    frozen.move(NOW)
    assert staff_client.post(f"{BASE}/activities/{setup.activity_id}/qr/renew").status_code == 302
    old = member_client.post(link)
    assert old.status_code == 404 and "新的签到码" in old.get_data(as_text=True)
    forged = member_client.post(link[:-3] + "abc")
    assert forged.status_code == 404 and "无效" in forged.get_data(as_text=True)
    assert member_client.get(f"{BASE}/scan/" + "x" * 500).status_code == 404
    assert logs(app, vol_on, member.id) == []
    fresh = qr_link(staff_client, setup.activity_id)
    assert member_client.post(fresh).status_code == 302


def test_self_report_then_approval_awards_points(
    app, vol_on, setup, member_client, staff_client, member
):
    sent = self_report(
        member_client, category_id=setup.category_id, hours="2.5", note="帮王奶奶取药"
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)[:3000]
    [log] = logs(app, vol_on, member.id)
    assert (log.status, log.minutes) == ("pending", 150)
    review = staff_client.get(f"{BASE}/review").get_data(as_text=True)
    assert "帮王奶奶取药" in review
    assert staff_client.post(f"{BASE}/hours/{log.id}/approve").status_code == 302
    # 2.5 h × 10 points × 1.5 = 37.5 → 38
    assert balance(app, vol_on, member.id) == 38
    assert entries(app, vol_on, member.id) == [(38, "award")]
    assert told(app, member.id)[-1][0] == "volunteers.hours"
    # Approving again awards nothing more.
    staff_client.post(f"{BASE}/hours/{log.id}/approve")
    assert balance(app, vol_on, member.id) == 38
    me = member_client.get(f"{BASE}/me").get_data(as_text=True)
    assert 'id="vol-points">38<' in me and 'id="vol-hours">2.5<' in me


def test_reject_needs_a_reason_and_tells_it(
    app, vol_on, setup, member_client, staff_client, member
):
    self_report(member_client, category_id=setup.category_id)
    [log] = logs(app, vol_on, member.id)
    missing = staff_client.post(f"{BASE}/hours/{log.id}/reject", data={"reason": "  "})
    assert missing.status_code == 422 and "请说明原因" in missing.get_data(as_text=True)
    done = staff_client.post(f"{BASE}/hours/{log.id}/reject", data={"reason": "当天未见到本人"})
    assert done.status_code == 302
    [log] = logs(app, vol_on, member.id)
    assert (log.status, log.reason) == ("rejected", "当天未见到本人")
    assert "当天未见到本人" in told(app, member.id)[-1][1]
    assert balance(app, vol_on, member.id) == 0
    # A rejected log frees its time: the same hours may be reported again.
    assert self_report(member_client, category_id=setup.category_id).status_code == 302


def test_bulk_approval(app, vol_on, setup, member_client, staff_client, member):
    for day in ("2026-11-25", "2026-11-26", "2026-11-27"):
        assert self_report(member_client, category_id=setup.category_id, day=day).status_code == 302
    ids = [log.id for log in logs(app, vol_on, member.id)]
    done = staff_client.post(f"{BASE}/review/approve", data={"log_id": [str(i) for i in ids]})
    assert done.status_code == 302
    assert [log.status for log in logs(app, vol_on, member.id)] == ["approved"] * 3
    assert balance(app, vol_on, member.id) == 3 * 30  # 2 h × 10 × 1.5 each
    bad = staff_client.post(f"{BASE}/review/approve", data={"log_id": ["1", "abc"]})
    assert bad.status_code == 422
    assert staff_client.post(f"{BASE}/review/approve", data={}).status_code == 422


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"day": "2026-11-29"}, "不能登记未来"),  # tomorrow
        ({"day": "2026-11-28", "start": "09:00", "hours": "2"}, "不能登记未来"),  # ends 11:00
        ({"hours": "25"}, "0.25 到 24"),
        ({"hours": "abc"}, "0.25 到 24"),
        ({"hours": "1e3"}, "0.25 到 24"),
        ({"day": "2026-02-30"}, "请按“年-月-日”填写日期"),
        ({"day": "yesterday"}, "请按“年-月-日”填写日期"),
        ({"start": "25:00"}, ""),
        ({"category_id": "999999999999999999999"}, "请选择活动或服务类别"),
        ({"activity_id": "abc"}, "选择无效"),
        ({"activity_id": "424242"}, "请从列表中选择活动"),
    ],
)
def test_self_report_bad_input_keeps_what_was_typed(vol_on, setup, member_client, fields, message):
    data = {"category_id": setup.category_id, "note": "我写的备注", **fields}
    answer = self_report(member_client, **data)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert message in html
    assert "我写的备注" in html


def test_overlaps_and_days_over_24_hours_are_refused(app, vol_on, setup, member_client, member):
    cat = setup.category_id
    assert self_report(member_client, category_id=cat, start="09:00", hours="3").status_code == 302
    clash = self_report(member_client, category_id=cat, start="11:00", hours="2")
    assert clash.status_code == 422 and "重叠" in clash.get_data(as_text=True)
    assert self_report(member_client, category_id=cat, start="12:00", hours="2").status_code == 302
    long_day = self_report(member_client, category_id=cat, start="14:00", hours="24")
    assert long_day.status_code == 422
    assert "24" in long_day.get_data(as_text=True)
    assert len(logs(app, vol_on, member.id)) == 2


def test_hours_before_the_activity_are_refused(app, vol_on, setup, member_client, member):
    early = self_report(
        member_client, activity_id=setup.activity_id, day="2026-11-27", start="09:00"
    )
    assert early.status_code == 422
    assert "活动开始之前" in early.get_data(as_text=True)


def test_checked_in_elsewhere_blocks_a_second_check_in(
    app, vol_on, setup, staff_client, member_client, member, in_community
):
    from core.extensions import db
    from plugins.volunteers.models import Activity

    with in_community(vol_on):
        other = Activity(
            title="第二个活动",
            starts_at=NOW - timedelta(minutes=10),
            ends_at=NOW + timedelta(hours=1),
            slots=5,
            taken=0,
            category_id=setup.category_id,
        )
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    assert member_client.post(qr_link(staff_client, setup.activity_id)).status_code == 302
    second = member_client.post(qr_link(staff_client, other_id))
    assert second.status_code == 409
    assert "先在那里签退" in second.get_data(as_text=True)


def test_coordinator_publishes_and_changes_an_activity_and_people_are_told(
    app, vol_on, setup, staff_client, member_client, member
):
    data = {
        "title": "社区义诊",
        "starts_at": "2026-12-05T09:00",
        "ends_at": "2026-12-05T11:30",
        "place": "活动室",
        "slots": "5",
        "category_id": str(setup.category_id),
        "team_id": "",
        "skills": "医护",
        "description": "",
    }
    created = staff_client.post(f"{BASE}/activities/new", data=data)
    assert created.status_code == 302
    url = created.headers["Location"]
    assert member_client.post(f"{url}/signup").status_code == 302
    changed = staff_client.post(f"{url}/edit", data={**data, "place": "党群服务中心"})
    assert changed.status_code == 302
    assert told(app, member.id)[-1] == ("volunteers.activity", "活动有变动：社区义诊")
    assert staff_client.post(f"{url}/cancel").status_code == 302
    assert told(app, member.id)[-1] == ("volunteers.activity", "活动已取消：社区义诊")
    assert member_client.post(f"{url}/signup").status_code == 409


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"ends_at": "2026-12-05T08:00"}, "结束时间须晚于开始时间"),
        ({"starts_at": "soon"}, ""),
        ({"slots": "0"}, "1 到 1000"),
        ({"slots": "ten"}, ""),
        ({"category_id": "12345"}, "请选择一个类别"),
        ({"title": ""}, "请填写活动名称"),
    ],
)
def test_activity_form_bad_input(vol_on, setup, staff_client, fields, message):
    data = {
        "title": "社区义诊",
        "starts_at": "2026-12-05T09:00",
        "ends_at": "2026-12-05T11:30",
        "place": "我输入的地点",
        "slots": "5",
        "category_id": str(setup.category_id),
        **fields,
    }
    answer = staff_client.post(f"{BASE}/activities/new", data=data)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert message in html and "我输入的地点" in html


def test_members_cannot_do_coordinators_work(vol_on, setup, member_client):
    for url in (
        f"/activities/{setup.activity_id}/qr",
        "/review",
        "/activities/new",
        "/shop/manage",
        "/needs",
        "/categories",
        "/teams",
        "/hours.csv",
    ):
        assert member_client.get(BASE + url).status_code == 403, url


def test_a_forgotten_check_out_goes_to_review_at_the_activitys_end_and_blocks_nothing(
    app, vol_on, setup, staff_client, member_client, member, frozen
):
    link = qr_link(staff_client, setup.activity_id)
    assert member_client.post(link).status_code == 302  # checked in at 10:00, never out
    frozen.move(NOW + timedelta(days=1))
    sent = self_report(
        member_client, category_id=setup.category_id, day="2026-11-28", start="15:00", hours="1"
    )
    assert sent.status_code == 302
    first, second = logs(app, vol_on, member.id)
    assert (first.status, first.minutes) == ("pending", 120)  # until 12:00, the end
    assert "未签退" in first.note
    assert second.status == "pending"
