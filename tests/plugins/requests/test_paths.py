"""The three paths (red, orange, yellow), the requester's check, and the events."""

from __future__ import annotations

import pytest
from requests_helpers import BASE, category_id, load, report

from core.plugin_api import PluginMeta, hookimpl


class Probe:
    """A stand-in for the committees and volunteers plugins, and an event listener."""

    meta = PluginMeta(
        id="probe",
        version="1.0.0",
        label={"zh_Hans": "探针", "en": "Probe"},
        description={"zh_Hans": "测试", "en": "Test"},
    )

    def __init__(self) -> None:
        self.events: list[tuple[str, dict]] = []

    @hookimpl
    def on_event(self, event):
        self.events.append((event.name, dict(event.payload)))

    @hookimpl
    def request_assignees(self, request):
        return [{"key": "probe:7", "label": {"zh_Hans": "环境管护专委会", "en": "Env"}}]

    @hookimpl
    def request_volunteer_referral(self, request):
        return [{"key": "probe:3", "label": "党员志愿服务队", "contact": "每周六上午"}]


@pytest.fixture
def probe():
    return Probe()


@pytest.fixture
def gongzhi_extra_plugins(probe):
    return {"probe": probe}


@pytest.fixture
def with_probe(requests_on, enable_plugin):
    enable_plugin(requests_on, "probe")


def _timeline(client, rid) -> str:
    return client.get(f"{BASE}/{rid}").get_data(as_text=True)


def test_red_path_referred_answered_accepted(
    app, requests_on, member_client, staff_client, staff, member
):
    rid = report(member_client, "楼下餐馆油烟直排，不敢开窗")
    page = staff_client.get(f"{BASE}/{rid}").get_data(as_text=True)
    assert "餐饮油烟" in page and 'id="suggestion"' in page  # suggested from the list

    cat = category_id(app, requests_on, "餐饮油烟")
    r = staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "red", "category_id": cat})
    assert r.status_code == 302
    req = load(app, requests_on, rid)
    assert (req.kind, req.status, req.owner) == ("red", "in_progress", "区生态环境局")
    assert req.first_response_at is not None

    r = staff_client.post(
        f"{BASE}/{rid}/refer",
        data={
            "department": "区生态环境局",
            "office": "大气环境科",
            "handler": "王科长",
            "deadline": "2999-01-31",
        },
    )
    assert r.status_code == 302
    req = load(app, requests_on, rid)
    assert req.handler == "王科长" and req.deadline is not None and req.status == "in_progress"

    r = staff_client.post(
        f"{BASE}/{rid}/reply",
        data={"reply": "已责令加装油烟净化器。", "outcome": "餐馆加装油烟净化器"},
    )
    assert r.status_code == 302
    assert load(app, requests_on, rid).status == "replied"

    # The resident sees the reply and checks it.
    page = _timeline(member_client, rid)
    assert "已责令加装油烟净化器。" in page and "accept" in page
    assert member_client.post(f"{BASE}/{rid}/accept", data={}).status_code == 302
    req = load(app, requests_on, rid)
    assert (req.status, req.closed_how) == ("closed", "accepted")
    page = _timeline(staff_client, rid)
    for action in ("received", "classified", "referred", "replied", "accepted"):
        assert f'data-action="{action}"' in page
    assert "Alpha Staff" in page and "Alpha Member" in page  # who did each step


def test_orange_path_assigned_through_the_hook_with_deliberation(
    app, requests_on, with_probe, member_client, staff_client, probe
):
    rid = report(member_client, "小区大树枝叶太密，挡光")
    staff_client.post(
        f"{BASE}/{rid}/classify",
        data={"kind": "orange", "category_id": category_id(app, requests_on, "小区树木修剪")},
    )
    page = staff_client.get(f"{BASE}/{rid}").get_data(as_text=True)
    assert 'value="probe:7"' in page and "环境管护专委会" in page
    assert 'value="staff:' not in page  # the hook answered, so staff are not the fallback
    r = staff_client.post(f"{BASE}/{rid}/assign", data={"assignee": "probe:7"})
    assert r.status_code == 302
    req = load(app, requests_on, rid)
    assert (req.owner, req.assignee_key) == ("环境管护专委会", "probe:7")
    assert (
        "request_assigned",
        {"request_id": rid, "number": req.number, "assignee_key": "probe:7"},
    ) in probe.events

    r = staff_client.post(
        f"{BASE}/{rid}/deliberation",
        data={"held_on": "2026-05-20", "participants": "居民代表12人", "decision": "适度修枝"},
    )
    assert r.status_code == 302
    page = staff_client.get(f"{BASE}/{rid}").get_data(as_text=True)
    assert 'data-action="deliberated"' in page and "适度修枝" in page


def test_orange_without_committees_is_assigned_to_a_member_picked_by_name(
    app, requests_on, member_client, staff_client, staff, make_members, make_user, other_community
):
    """3,000 households: no list of everyone, a picker; the typed name decides, the page
    answers 422 (keeping the text) while it names several people or nobody here."""
    make_members(requests_on, 3_000)
    make_user("b-leader@beta.example", other_community, name="乙方楼栋长")
    rid = report(member_client, "楼道堆放旧家具")
    staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "orange"})
    page = staff_client.get(f"{BASE}/{rid}").get_data(as_text=True)
    assert 'name="member"' in page and 'hx-get="/c/alpha/members/search?field=member"' in page
    assert 'name="assignee"' not in page  # nobody offers committees here
    assert '<datalist id="member-options"></datalist>' in page and "张伟2" not in page  # no list

    for typed in ("张", "乙方楼栋长", "b-leader@beta.example"):  # many; another community's
        refused = staff_client.post(f"{BASE}/{rid}/assign", data={"member": typed})
        assert refused.status_code == 422 and f'value="{typed}"' in refused.get_data(True)
    assert load(app, requests_on, rid).assignee_key == ""

    r = staff_client.post(f"{BASE}/{rid}/assign", data={"member": "张伟2"})
    assert r.status_code == 302, r.get_data(as_text=True)[-3000:]
    req = load(app, requests_on, rid)
    assert req.owner == "张伟2" and req.assignee_key.startswith("member:")
    # The page shows the assignee in the picker again.
    page = staff_client.get(f"{BASE}/{rid}").get_data(as_text=True)
    assert 'value="张伟2 &lt;m2…@alpha.example&gt;"' in page

    staff_client.post(f"{BASE}/{rid}/assign", data={"member": "Alpha Staff"})
    assert load(app, requests_on, rid).assignee_key == f"member:{staff.id}"


def test_a_committee_or_a_member_not_both(
    app, requests_on, with_probe, member_client, staff_client, staff
):
    rid = report(member_client, "楼道堆放旧家具")
    staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "orange"})
    page = staff_client.get(f"{BASE}/{rid}").get_data(as_text=True)
    assert 'value="probe:7"' in page and 'name="member"' in page
    both = {"assignee": "probe:7", "member": "Alpha Staff"}
    assert staff_client.post(f"{BASE}/{rid}/assign", data=both).status_code == 422
    assert staff_client.post(f"{BASE}/{rid}/assign", data={}).status_code == 422
    assert load(app, requests_on, rid).assignee_key == ""
    r = staff_client.post(f"{BASE}/{rid}/assign", data={"assignee": "", "member": "Alpha Staff"})
    assert r.status_code == 302
    assert load(app, requests_on, rid).assignee_key == f"member:{staff.id}"


def test_yellow_path_referral_to_service_or_volunteers(
    app, requests_on, with_probe, member_client, staff_client, probe
):
    rid = report(member_client, "空调不制冷，想找维修师傅")
    staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "yellow"})
    page = staff_client.get(f"{BASE}/{rid}").get_data(as_text=True)
    assert "便民家电维修点" in page and "党员志愿服务队" in page
    data = {"target": "probe:3", "message": "周六上门"}
    r = staff_client.post(f"{BASE}/{rid}/referral", data=data)
    assert r.status_code == 302
    req = load(app, requests_on, rid)
    assert req.status == "replied" and "党员志愿服务队" in req.reply
    assert any(name == "request_referred" for name, _ in probe.events)
    member_client.post(f"{BASE}/{rid}/accept", data={})
    assert load(app, requests_on, rid).status == "closed"


def test_rejection_reopens_and_closed_event_reaches_plugins(
    app, requests_on, with_probe, member_client, staff_client, probe, member
):
    rid = report(member_client)
    staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "orange"})
    staff_client.post(f"{BASE}/{rid}/reply", data={"reply": "已处理", "outcome": "已处理"})
    r = member_client.post(f"{BASE}/{rid}/reject", data={"reason": "油烟还在"})
    assert r.status_code == 302
    req = load(app, requests_on, rid)
    assert req.status == "in_progress" and req.closed_at is None
    assert "油烟还在" in _timeline(staff_client, rid)
    assert not [e for e in probe.events if e[0] == "request_closed"]

    # Accepting without a new reply is refused, not a crash.
    r = member_client.post(f"{BASE}/{rid}/accept", data={})
    assert r.status_code == 409

    staff_client.post(f"{BASE}/{rid}/reply", data={"reply": "再次处理", "outcome": "已整改"})
    member_client.post(f"{BASE}/{rid}/accept", data={})
    closed = [payload for name, payload in probe.events if name == "request_closed"]
    assert closed == [
        {
            "request_id": rid,
            "number": load(app, requests_on, rid).number,
            "kind": "orange",
            "category": "",
            "owner": "",
            "assignee_key": "",
            "requester_id": member.id,
            "closed_how": "accepted",
        }
    ]


def test_staff_close_unreachable_needs_a_reason_and_shows_it(
    app, requests_on, member_client, staff_client
):
    rid = report(member_client)
    staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "yellow"})
    r = staff_client.post(f"{BASE}/{rid}/close-without-check", data={"reason": ""})
    assert r.status_code == 422
    assert "必须写明原因" in r.get_data(as_text=True)
    assert load(app, requests_on, rid).status != "closed"

    r = staff_client.post(f"{BASE}/{rid}/close-without-check", data={"reason": "三次电话未接通"})
    assert r.status_code == 302
    req = load(app, requests_on, rid)
    assert (req.status, req.closed_how) == ("closed", "unreachable")
    assert req.close_reason == "三次电话未接通"
    page = _timeline(member_client, rid)
    assert "无法联系首诉人" in page and "三次电话未接通" in page


def test_only_the_requester_checks_the_result(app, requests_on, member_client, staff_client):
    rid = report(member_client)
    staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "orange"})
    staff_client.post(f"{BASE}/{rid}/reply", data={"reply": "好了", "outcome": "好了"})
    assert staff_client.post(f"{BASE}/{rid}/accept", data={}).status_code == 404
    assert load(app, requests_on, rid).status == "replied"


def test_staff_enter_a_request_at_the_desk(app, requests_on, staff_client, member):
    r = staff_client.post(
        f"{BASE}/desk",
        data={
            "requester_email": member.email,
            "channel": "phone",
            "title": "电梯停运",
            "building": "5栋",
            "contact_preference": "message",
        },
    )
    assert r.status_code == 302
    rid = int(r.headers["Location"].rsplit("/", 1)[1])
    req = load(app, requests_on, rid)
    assert (req.requester_id, req.channel) == (member.id, "phone")
    assert req.requester_name == "Alpha Member"
    assert req.number.endswith("-0001")
