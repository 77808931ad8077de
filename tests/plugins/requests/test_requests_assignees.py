"""The requests side of a matter's assignee (committees): the requests_assigned_to hook
lists an assignee's matters as light records, and the request_answer_proposed /
request_handed_back events are followed by the requests plugin's own rules. Here with a
member as the assignee, so no other plugin is involved."""

from __future__ import annotations

from core.extensions import db
from core.plugin_api import ask_plugins, commit, emit
from plugins.requests.models import Request, Step
from tenants.context import community_scope, tenant_scope
from tests.plugins.requests.requests_helpers import BASE, category_id, report


def _orange_for(app, community, staff_client, resident, assignee) -> int:
    rid = report(resident, "楼道堆物")
    staff_client.post(
        f"{BASE}/{rid}/classify",
        data={"kind": "orange", "category_id": category_id(app, community, "小区树木修剪")},
    )
    assigned = staff_client.post(f"{BASE}/{rid}/assign", data={"member": assignee.email})
    assert assigned.status_code == 302, assigned.get_data(as_text=True)[:300]
    return rid


def _emit(app, community, name, **payload):
    with app.test_request_context(), community_scope(community.id):
        emit(name, **payload)
        commit()


def test_the_hook_lists_an_assignees_matters_and_the_events_follow_the_rules(
    app, requests_on, staff_client, member, make_user, login
):
    resident = login(make_user("resident@alpha.example", requests_on))
    rid = _orange_for(app, requests_on, staff_client, resident, member)
    key = f"member:{member.id}"
    with app.test_request_context(), community_scope(requests_on.id):
        answers = dict(ask_plugins("requests_assigned_to", assignee_key=key))
        nothing = dict(ask_plugins("requests_assigned_to", assignee_key="committees:9"))
    (record,) = answers["requests"]
    assert record["id"] == rid and record["open"] is True and record["status"] == "in_progress"
    assert record["title"] == "楼道堆物" and record["assigned_at"] and record["rejections"] == 0
    assert nothing["requests"] == []

    # Wrong key, missing text: ignored.
    _emit(
        app,
        requests_on,
        "request_answer_proposed",
        request_id=rid,
        assignee_key="member:0",
        by_user_id=member.id,
        text="冒名",
    )
    _emit(
        app,
        requests_on,
        "request_answer_proposed",
        request_id=rid,
        assignee_key=key,
        by_user_id=member.id,
        text="  ",
    )
    with app.app_context(), tenant_scope(requests_on.id):
        assert db.session.get(Request, rid).status == "in_progress"

    _emit(
        app,
        requests_on,
        "request_answer_proposed",
        request_id=rid,
        assignee_key=key,
        by_user_id=member.id,
        text="已协调清理",
    )
    with app.app_context(), tenant_scope(requests_on.id):
        req = db.session.get(Request, rid)
        assert (req.status, req.reply) == ("replied", "已协调清理")
    # Answered: a hand-back now changes nothing (only open matters go back).
    _emit(
        app,
        requests_on,
        "request_handed_back",
        request_id=rid,
        assignee_key=key,
        by_user_id=member.id,
        text="退回",
    )
    with app.app_context(), tenant_scope(requests_on.id):
        assert db.session.get(Request, rid).assignee_key == key
        actions = (
            db.session.execute(
                db.select(Step.action).where(Step.request_id == rid).order_by(Step.id)
            )
            .scalars()
            .all()
        )
    assert actions[-1] == "replied" and "handed_back" not in actions


def test_a_hand_back_unassigns_and_shows_on_the_timeline(
    app, requests_on, staff_client, member, make_user, login
):
    resident = login(make_user("resident@alpha.example", requests_on))
    rid = _orange_for(app, requests_on, staff_client, resident, member)
    _emit(
        app,
        requests_on,
        "request_handed_back",
        request_id=rid,
        assignee_key=f"member:{member.id}",
        by_user_id=member.id,
        text="不属于我负责",
    )
    with app.app_context(), tenant_scope(requests_on.id):
        req = db.session.get(Request, rid)
        assert (req.status, req.assignee_key, req.owner) == ("in_progress", "", "")
    page = staff_client.get(f"{BASE}/{rid}").get_data(as_text=True)
    assert "被专委会退回" in page and "不属于我负责" in page
