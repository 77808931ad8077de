"""Who hears what: the resident at each step of their request, staff of new, reopened and
overdue requests (once each); a worker's internal note never reaches the resident."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from requests_helpers import BASE, report

from core.extensions import db
from core.models import Notification
from plugins.requests import clock
from plugins.requests.models import Request
from tenants.context import all_tenants, tenant_scope


def _told(app, user_id) -> list[tuple[str, str, str]]:
    """(kind, Chinese title, link) of a person's notifications, oldest first."""
    with app.app_context(), all_tenants():
        return [
            (n.kind, n.title["zh_Hans"], n.link)
            for n in db.session.execute(
                db.select(Notification)
                .where(Notification.user_id == user_id)
                .order_by(Notification.id)
            ).scalars()
        ]


def _number(app, community, request_id: int) -> str:
    with app.app_context(), tenant_scope(community.id):
        return db.session.get(Request, request_id).number


def _freeze(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_the_resident_hears_each_step_and_staff_hear_new_and_reopened(
    app, requests_on, member, staff, admin, member_client, staff_client
):
    rid = report(member_client, "楼道灯坏了")
    link = f"{BASE}/{rid}"
    assert _told(app, member.id) == []  # not told of their own report
    number = _number(app, requests_on, rid)
    for handler in (staff, admin):
        assert _told(app, handler.id) == [("requests.new", f"新诉求 {number}：楼道灯坏了", link)]

    staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "red", "note": "内部：已核实"})
    staff_client.post(
        f"{BASE}/{rid}/refer",
        data={"department": "区住建委", "handler": "李工", "deadline": "2999-01-31"},
    )
    staff_client.post(f"{BASE}/{rid}/reply", data={"reply": "已修好", "outcome": "灯已修好"})
    told = _told(app, member.id)
    assert [kind for kind, _t, _l in told] == [
        "requests.progress",
        "requests.progress",
        "requests.reply",
    ]
    assert "已受理" in told[0][1] and "区住建委" in told[1][1] and "请确认" in told[2][1]
    assert all(lnk == link for _k, _t, lnk in told)
    assert not any("内部" in title for _k, title, _l in told)  # no internal note in texts
    assert 'id="bell-count">3<' in member_client.get("/c/alpha/").text
    assert [k for k, _t, _l in _told(app, staff.id)] == ["requests.new"]  # not of own steps

    member_client.post(f"{BASE}/{rid}/reject", data={"reason": "灯还是不亮"})
    assert [k for k, _t, _l in _told(app, staff.id)] == ["requests.new", "requests.new"]
    assert "被退回" in _told(app, staff.id)[1][1]


def test_a_desk_entry_without_an_account_tells_no_resident(
    app, requests_on, staff, admin, staff_client
):
    response = staff_client.post(
        f"{BASE}/desk",
        data={
            "title": "电话反映噪音",
            "building": "5栋",
            "requester_name": "王大爷",
            "channel": "phone",
            "contact_preference": "none",
        },
    )
    assert response.status_code == 302
    rid = int(response.headers["Location"].rsplit("/", 1)[1])
    staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "orange"})
    staff_client.post(f"{BASE}/{rid}/reply", data={"reply": "已协调", "outcome": "已协调"})
    assert [k for k, _t, _l in _told(app, admin.id)] == ["requests.new"]  # the other handler
    assert _told(app, staff.id) == []  # who entered it is not told of it


@pytest.fixture
def overdue_request(app, requests_on, member_client, staff_client, monkeypatch):
    _freeze(monkeypatch, datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    rid = report(member_client, "道路施工噪音")
    staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "red"})
    staff_client.post(
        f"{BASE}/{rid}/refer",
        data={"department": "区住建委", "handler": "李工", "deadline": "2026-03-06"},
    )
    return rid


def _run_job(app) -> str:
    result = app.test_cli_runner().invoke(args=["requests", "notify-overdue"])
    assert result.exit_code == 0, result.output
    return result.output


def test_overdue_requests_are_announced_once(
    app, overdue_request, staff, admin, staff_client, monkeypatch
):
    _freeze(monkeypatch, datetime(2026, 3, 6, 15, 0, tzinfo=UTC))  # 23:00 on the deadline day
    assert "announced: 0" in _run_job(app)
    _freeze(monkeypatch, datetime(2026, 3, 7, 1, 0, tzinfo=UTC))  # the next morning
    assert "alpha: 1 overdue" in _run_job(app)
    assert "announced: 0" in _run_job(app)  # a second run tells nobody again
    for handler in (staff, admin):
        overdue = [t for k, t, _l in _told(app, handler.id) if k == "requests.overdue"]
        assert overdue == ["诉求 2026-0001 已超期：道路施工噪音"]

    # A new deadline may be missed again: then it is announced again, once.
    staff_client.post(
        f"{BASE}/{overdue_request}/refer",
        data={"department": "区住建委", "handler": "李工", "deadline": "2026-03-10"},
    )
    _freeze(monkeypatch, datetime(2026, 3, 11, 1, 0, tzinfo=UTC))
    assert "alpha: 1 overdue" in _run_job(app)
    assert "announced: 0" in _run_job(app)
    overdue = [k for k, _t, _l in _told(app, admin.id) if k == "requests.overdue"]
    assert len(overdue) == 2


def test_answered_requests_and_communities_without_the_module_are_left_alone(
    app, overdue_request, make_community, enable_plugin, staff, staff_client, monkeypatch
):
    staff_client.post(
        f"{BASE}/{overdue_request}/reply", data={"reply": "已停工", "outcome": "停工"}
    )
    make_community("gamma")  # requests off there
    _freeze(monkeypatch, datetime(2026, 3, 7, 1, 0, tzinfo=UTC))
    output = _run_job(app)
    assert "announced: 0" in output and "gamma" not in output
    assert not [k for k, _t, _l in _told(app, staff.id) if k == "requests.overdue"]


def test_the_internal_note_stays_out_of_the_residents_timeline(
    app, requests_on, member_client, staff_client
):
    rid = report(member_client)
    staff_client.post(
        f"{BASE}/{rid}/classify", data={"kind": "yellow", "note": "内部备注：此户常投诉"}
    )
    staff_client.post(f"{BASE}/{rid}/reply", data={"reply": "已联系物业", "outcome": "已联系"})
    resident = member_client.get(f"{BASE}/{rid}").text
    assert 'data-action="classified"' in resident  # the step is shown, its note is not
    assert "此户常投诉" not in resident
    assert "已联系物业" in resident  # the reply is for the resident
    assert "此户常投诉" in staff_client.get(f"{BASE}/{rid}").text
    with app.app_context(), tenant_scope(requests_on.id):
        assert db.session.get(Request, rid).status == "replied"
