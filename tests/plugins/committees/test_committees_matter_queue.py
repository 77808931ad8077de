"""A committee's matter queue: with the requests plugin on, its members see the community
matters assigned to it, answer them (the requester checks the answer) or hand them back
(staff assign again). Both plugins talk only through the requests_assigned_to hook and the
request_answer_proposed / request_handed_back events."""

from __future__ import annotations

import pytest

from core.extensions import db
from core.models import DomainEvent
from plugins.requests.models import Request, Step
from tenants.context import all_tenants, tenant_scope
from tests.plugins.committees.committees_helpers import (
    BASE,
    application_id,
    apply,
    appoint,
    set_up,
    told,
)
from tests.plugins.requests.requests_helpers import BASE as REQUESTS
from tests.plugins.requests.requests_helpers import category_id, report


@pytest.fixture(autouse=True)
def _uploads_in_tmp(app, tmp_path):
    app.config["REQUESTS_UPLOAD_DIR"] = str(tmp_path / "uploads")


def _committee_with_member(app, community, staff_client, member_client, member, **data):
    committee_id = set_up(staff_client, **data)
    apply(member_client, committee_id)
    app_id = application_id(app, community, member.id)
    staff_client.post(f"{BASE}/{committee_id}/applications/{app_id}/vet")
    assert appoint(staff_client, committee_id, app_id, role="inspector").status_code == 302
    return committee_id


def _assigned_matter(app, community, staff_client, resident, committee_id, title):
    rid = report(resident, title)
    staff_client.post(
        f"{REQUESTS}/{rid}/classify",
        data={"kind": "orange", "category_id": category_id(app, community, "小区树木修剪")},
    )
    key = f"committees:{committee_id}"
    assert staff_client.post(f"{REQUESTS}/{rid}/assign", data={"assignee": key}).status_code == 302
    return rid


def _steps(app, community, rid):
    with app.app_context(), tenant_scope(community.id):
        return [
            (s.action, s.actor_id, s.note)
            for s in db.session.execute(
                db.select(Step).where(Step.request_id == rid).order_by(Step.id)
            ).scalars()
        ]


def test_members_answer_a_matter_and_the_requester_checks_it(
    app, committees_on, enable_plugin, staff_client, member_client, member, make_user, login
):
    enable_plugin(committees_on, "requests")
    committee_id = _committee_with_member(app, committees_on, staff_client, member_client, member)
    requester = make_user("resident@alpha.example", committees_on, name="报事居民")
    resident = login(requester)
    rid = _assigned_matter(app, committees_on, staff_client, resident, committee_id, "大树挡光")

    queue = member_client.get(f"{BASE}/{committee_id}/matters")
    html = queue.get_data(as_text=True)
    assert queue.status_code == 200 and "大树挡光" in html and "#matter-" not in html
    assert f"/matters/{rid}/answer" in html

    empty = member_client.post(f"{BASE}/{committee_id}/matters/{rid}/answer", data={})
    assert empty.status_code == 422 and "必填" in empty.get_data(as_text=True)
    answered = member_client.post(
        f"{BASE}/{committee_id}/matters/{rid}/answer",
        data={f"a{rid}-text": "专委会议定：下周三请园林公司修剪"},
    )
    assert answered.status_code == 302
    with app.app_context(), tenant_scope(committees_on.id):
        req = db.session.get(Request, rid)
        assert (req.status, req.reply) == ("replied", "专委会议定：下周三请园林公司修剪")
    assert _steps(app, committees_on, rid)[-1] == (
        "replied",
        member.id,
        "专委会议定：下周三请园林公司修剪",
    )
    assert told(app, requester.id)[-1][0] == "requests.reply"
    # Answered: not again, and it shows as waiting for the requester's check.
    again = member_client.post(
        f"{BASE}/{committee_id}/matters/{rid}/answer", data={f"a{rid}-text": "再答一次"}
    )
    assert again.status_code == 409
    assert "等待居民验收" in member_client.get(f"{BASE}/{committee_id}/matters").get_data(
        as_text=True
    )
    assert resident.post(f"{REQUESTS}/{rid}/accept", data={}).status_code == 302
    assert "居民已验收" in member_client.get(f"{BASE}/{committee_id}/matters").get_data(
        as_text=True
    )


def test_a_member_hands_a_matter_back_and_staff_are_told(
    app, committees_on, enable_plugin, staff_client, member_client, member, staff, make_user, login
):
    enable_plugin(committees_on, "requests")
    committee_id = _committee_with_member(app, committees_on, staff_client, member_client, member)
    resident = login(make_user("resident@alpha.example", committees_on))
    rid = _assigned_matter(app, committees_on, staff_client, resident, committee_id, "路灯不亮")
    back = member_client.post(
        f"{BASE}/{committee_id}/matters/{rid}/hand-back",
        data={f"b{rid}-text": "属于物业维修范围，不宜专委会议事"},
    )
    assert back.status_code == 302
    with app.app_context(), tenant_scope(committees_on.id):
        req = db.session.get(Request, rid)
        assert (req.status, req.assignee_key, req.owner) == ("in_progress", "", "")
    action, actor, note = _steps(app, committees_on, rid)[-1]
    assert (action, actor) == ("handed_back", member.id) and "属于物业维修范围" in note
    assert told(app, staff.id)[-1] == (
        "requests.new",
        "诉求 " + _number(app, committees_on, rid) + " 已被退回，请重新交办。",
    )
    assert "被专委会退回" in staff_client.get(f"{REQUESTS}/{rid}").get_data(as_text=True)
    # No longer the committee's: gone from its queue, and not found for it.
    assert "路灯不亮" not in member_client.get(f"{BASE}/{committee_id}/matters").get_data(
        as_text=True
    )
    assert (
        member_client.post(
            f"{BASE}/{committee_id}/matters/{rid}/answer", data={f"a{rid}-text": "x"}
        ).status_code
        == 404
    )


def _number(app, community, rid) -> str:
    with app.app_context(), tenant_scope(community.id):
        return db.session.get(Request, rid).number


def test_only_its_members_and_staff_see_a_committees_queue(
    app, committees_on, enable_plugin, staff_client, member_client, member, make_user, login
):
    enable_plugin(committees_on, "requests")
    ours = _committee_with_member(app, committees_on, staff_client, member_client, member)
    theirs = set_up(staff_client, name="法律咨询专委会", kind="legal")
    resident = login(make_user("resident@alpha.example", committees_on))
    rid = _assigned_matter(app, committees_on, staff_client, resident, theirs, "邻里纠纷")
    outsider = login(make_user("outsider@alpha.example", committees_on))
    assert outsider.get(f"{BASE}/{ours}/matters").status_code == 403
    assert member_client.get(f"{BASE}/{theirs}/matters").status_code == 403
    assert (
        member_client.post(
            f"{BASE}/{theirs}/matters/{rid}/answer", data={f"a{rid}-text": "x"}
        ).status_code
        == 403
    )
    # A matter of another committee under ours: not found.
    assert (
        member_client.post(
            f"{BASE}/{ours}/matters/{rid}/answer", data={f"a{rid}-text": "x"}
        ).status_code
        == 404
    )
    assert staff_client.get(f"{BASE}/{theirs}/matters").status_code == 200
    assert "邻里纠纷" in staff_client.get(f"{BASE}/{theirs}/matters").get_data(as_text=True)


def test_the_requests_plugin_keeps_its_rules_for_events_that_do_not_fit(
    app, committees_on, enable_plugin, staff_client, member_client, member, make_user, login
):
    """An event for a matter not assigned to that key, or a closed one, changes nothing."""
    from core.plugin_api import commit, emit

    enable_plugin(committees_on, "requests")
    committee_id = _committee_with_member(app, committees_on, staff_client, member_client, member)
    resident = login(make_user("resident@alpha.example", committees_on))
    rid = _assigned_matter(app, committees_on, staff_client, resident, committee_id, "垃圾桶")
    with app.test_request_context(), tenant_scope(committees_on.id):
        from tenants.context import community_scope

        with community_scope(committees_on.id):
            emit(
                "request_answer_proposed",
                request_id=rid,
                assignee_key="committees:999",
                by_user_id=member.id,
                text="冒名回答",
            )
            emit("request_handed_back", request_id=rid, assignee_key=f"committees:{committee_id}")
            commit()
    with app.app_context(), tenant_scope(committees_on.id):
        req = db.session.get(Request, rid)
        assert (req.status, req.reply) == ("in_progress", "")


def test_without_the_requests_plugin_a_committee_has_no_queue_and_still_works(
    app, committees_on, staff_client, member_client, member
):
    committee_id = _committee_with_member(app, committees_on, staff_client, member_client, member)
    page = member_client.get(f"{BASE}/{committee_id}/matters")
    assert page.status_code == 200 and "诉求模块" in page.get_data(as_text=True)
    assert member_client.post(f"{BASE}/{committee_id}/matters/1/answer").status_code == 404
    with app.app_context(), all_tenants():
        assert not db.session.execute(
            db.select(DomainEvent).where(DomainEvent.name.like("request_%"))
        ).first()


def test_another_communitys_queue_is_not_found(
    app,
    committees_on,
    other_community,
    enable_plugin,
    staff_client,
    member_client,
    member,
    make_user,
    login,
):
    enable_plugin(committees_on, "requests")
    committee_id = _committee_with_member(app, committees_on, staff_client, member_client, member)
    resident = login(make_user("resident@alpha.example", committees_on))
    rid = _assigned_matter(app, committees_on, staff_client, resident, committee_id, "井盖松动")
    enable_plugin(other_community, "committees")
    enable_plugin(other_community, "requests")
    beta = login(make_user("staff@beta.example", other_community, role="staff"))
    base = "/c/beta/committees"
    assert beta.get(f"{base}/{committee_id}/matters").status_code == 404
    for action in ("answer", "hand-back"):
        url = f"{base}/{committee_id}/matters/{rid}/{action}"
        assert beta.post(url, data={"text": "x"}).status_code == 404
