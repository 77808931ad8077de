"""Finding and joining a community: the directory, a request with building and room, staff
approving or declining it with a reason, and nothing for members before approval."""

from __future__ import annotations

import pytest

from core.extensions import db
from core.models import Notification
from plugins.notices.models import Notice
from tenants.context import all_tenants, tenant_scope
from tenants.models import JoinRequest, Membership, Tenant

APPLY = "/c/alpha/join/apply"
WHERE = {"building": "3栋", "room": "2单元501", "note": "新搬来的住户"}


@pytest.fixture
def notices(app, community, enable_plugin, staff):
    """The notice board on, with one public and one internal (members-only) notice."""
    enable_plugin(community, "notices")
    with app.app_context(), tenant_scope(community.id):
        db.session.add_all(
            [
                Notice(title="公开通知：电梯年检", body="周五年检", author_id=staff.id),
                Notice(title="内部通知：楼栋长例会", body="周三开会", public=False),
            ]
        )
        db.session.commit()
        return {n.title: n.id for n in db.session.execute(db.select(Notice)).scalars()}


@pytest.fixture
def applicant(make_user, login):
    user = make_user("newcomer@example.org", name="新住户小林")
    return user, login(user)


def _request_row(app, community, user_id) -> JoinRequest | None:
    with app.app_context(), tenant_scope(community.id):
        row = db.session.execute(
            db.select(JoinRequest).where(JoinRequest.user_id == user_id)
        ).scalar_one_or_none()
        if row is not None:
            db.session.expunge(row)
        return row


def _is_member(app, community, user_id) -> bool:
    with app.app_context(), tenant_scope(community.id):
        return (
            db.session.execute(
                db.select(Membership.id).where(Membership.user_id == user_id)
            ).first()
            is not None
        )


def _notifications(app, user_id) -> list[Notification]:
    with app.app_context(), all_tenants():
        rows = list(
            db.session.execute(
                db.select(Notification).where(Notification.user_id == user_id)
            ).scalars()
        )
        for row in rows:
            db.session.expunge(row)
        return rows


# ----- the directory -------------------------------------------------------------------
def test_the_directory_finds_communities_by_name_street_and_city(make_community, client):
    make_community(
        "alpha", name_zh="河运路社区", name_en="Heyunlu", street="河运路12号", city="重庆"
    )
    make_community("beta", name_zh="东城社区", name_en="Dongcheng", street="东城大街", city="旺苍")

    def found(q):
        page = client.get("/communities", query_string={"q": q}).get_data(as_text=True)
        return {slug for slug in ("alpha", "beta") if f"/c/{slug}/" in page}

    assert found("") == {"alpha", "beta"}
    assert found("河运") == {"alpha"}  # name
    assert found("heyun") == {"alpha"}  # English name, any case
    assert found("东城大街") == {"beta"}  # street
    assert found("旺苍") == {"beta"}  # city
    assert found("重庆 河运路") == {"alpha"}  # every word must match somewhere
    assert found("%") == set()  # a wildcard is a character, not "everything"
    empty = client.get("/communities?q=nowhere").get_data(as_text=True)
    assert "没有找到" in empty


def test_a_person_without_a_community_is_led_to_the_directory(app, client, applicant):
    landing = client.get("/").get_data(as_text=True)
    assert 'action="/communities"' in landing
    _user, me = applicant
    home = me.get("/").get_data(as_text=True)
    assert 'href="/communities"' in home and "查找我的社区" in home
    account = me.get("/account")  # the account link no longer loops to the same page
    assert account.status_code == 200 and 'href="/notifications/settings"' in account.text


def test_the_directory_shows_where_the_person_stands(community, applicant, member_client):
    _user, me = applicant
    assert "申请加入" in me.get("/communities").get_data(as_text=True)
    me.post(APPLY, data=WHERE)
    assert "等待审核" in me.get("/communities").get_data(as_text=True)
    assert "进入社区" in member_client.get("/communities").get_data(as_text=True)


# ----- asking ----------------------------------------------------------------------------
def test_a_pending_applicant_sees_nothing_for_members(app, community, notices, applicant):
    user, me = applicant
    response = me.post(APPLY, data=WHERE)
    assert response.status_code == 303
    row = _request_row(app, community, user.id)
    assert (row.status, row.building, row.room, row.note) == (
        "pending",
        "3栋",
        "2单元501",
        WHERE["note"],
    )
    assert not _is_member(app, community, user.id)

    internal = notices["内部通知：楼栋长例会"]
    assert me.get("/c/alpha/notices/").status_code == 403
    assert me.get(f"/c/alpha/notices/{internal}").status_code == 403
    assert me.get("/c/alpha/search?q=例会").status_code == 403
    dashboard = me.get("/c/alpha/").get_data(as_text=True)
    assert "楼栋长例会" not in dashboard  # the public page, not the members' dashboard
    board = me.get("/c/alpha/notices/public").get_data(as_text=True)
    assert "电梯年检" in board and "楼栋长例会" not in board
    # The old one-click join does not bypass approval either.
    assert me.post("/c/alpha/join").status_code == 303
    assert not _is_member(app, community, user.id)
    assert "等待工作人员审核" in me.get(APPLY).get_data(as_text=True)


def test_building_and_room_are_required_and_typed_values_kept(app, community, applicant):
    user, me = applicant
    response = me.post(APPLY, data={"building": "", "room": "", "note": "我的说明"})
    assert response.status_code == 422
    assert "我的说明" in response.text
    response = me.post(APPLY, data={"building": "楼" * 61, "room": "1"})
    assert response.status_code == 422
    assert _request_row(app, community, user.id) is None


def test_visitors_are_sent_to_sign_up_first(client, community):
    response = client.get(APPLY)
    assert response.status_code == 302 and "/signup?next=" in response.headers["Location"]


def test_an_invitation_only_community_refuses_requests(app, make_community, applicant):
    community = make_community("alpha")
    with app.app_context():
        db.session.get(Tenant, community.id).open_registration = False
        db.session.commit()
    user, me = applicant
    assert me.get(APPLY).status_code == 403
    assert me.post(APPLY, data=WHERE).status_code == 403
    assert _request_row(app, community, user.id) is None


def test_an_open_community_makes_the_applicant_a_member_at_once(
    app, make_community, applicant, enable_plugin
):
    community = make_community("alpha", join_approval=False)
    user, me = applicant
    response = me.post(APPLY, data=WHERE)
    assert response.status_code == 303 and response.headers["Location"].endswith("/c/alpha/")
    assert _is_member(app, community, user.id)
    assert _request_row(app, community, user.id).status == "approved"
    assert _notifications(app, user.id) == []  # nobody is told of their own step


# ----- answering ---------------------------------------------------------------------------
def test_staff_see_the_count_approve_and_the_member_sees_internal_notices(
    app, community, notices, applicant, staff, staff_client
):
    user, me = applicant
    me.post(APPLY, data=WHERE)
    told = _notifications(app, staff.id)
    assert [n.kind for n in told] == ["core.join_request"]
    assert "新住户小林" in told[0].title["zh_Hans"] and "3栋" in told[0].title["zh_Hans"]
    assert told[0].link == "/c/alpha/join-requests"

    menu = staff_client.get("/c/alpha/").get_data(as_text=True)
    assert 'id="join-requests-count">1<' in menu
    page = staff_client.get("/c/alpha/join-requests").get_data(as_text=True)
    assert 'id="pending-count">1<' in page and "2单元501" in page and WHERE["note"] in page

    row = _request_row(app, community, user.id)
    assert staff_client.post(f"/c/alpha/join-requests/{row.id}/approve").status_code == 303
    assert _is_member(app, community, user.id)
    assert "join-requests-count" not in staff_client.get("/c/alpha/").get_data(as_text=True)
    answer = [n for n in _notifications(app, user.id) if n.kind == "core.join_answer"]
    assert len(answer) == 1 and answer[0].link == "/c/alpha/"

    internal = notices["内部通知：楼栋长例会"]
    assert "周三开会" in me.get(f"/c/alpha/notices/{internal}").get_data(as_text=True)
    # Answered once: a second approval is refused, not repeated.
    assert staff_client.post(f"/c/alpha/join-requests/{row.id}/approve").status_code == 409


def test_decline_needs_a_reason_the_applicant_reads(app, community, applicant, staff_client):
    user, me = applicant
    me.post(APPLY, data=WHERE)
    row = _request_row(app, community, user.id)
    refused = staff_client.post(f"/c/alpha/join-requests/{row.id}/decline", data={"reason": " "})
    assert refused.status_code == 422 and "请写明原因" in refused.text
    assert _request_row(app, community, user.id).status == "pending"

    reason = "查无此房号，请到社区办公室核实"
    response = staff_client.post(
        f"/c/alpha/join-requests/{row.id}/decline", data={"reason": reason}
    )
    assert response.status_code == 303
    row = _request_row(app, community, user.id)
    assert (row.status, row.reason) == ("declined", reason)
    assert not _is_member(app, community, user.id)

    # Told in a notification (not a member: read outside the community) and on the pages.
    told = _notifications(app, user.id)
    assert [n.kind for n in told] == ["core.join_answer"] and reason in told[0].body["zh_Hans"]
    assert reason in me.get("/notifications").get_data(as_text=True)
    assert reason in me.get("/?all=1").get_data(as_text=True)
    assert reason in me.get(APPLY).get_data(as_text=True)

    # Asking again reopens the same request.
    me.post(APPLY, data={**WHERE, "room": "2单元502"})
    row = _request_row(app, community, user.id)
    assert (row.status, row.room, row.reason) == ("pending", "2单元502", "")


def test_only_those_who_answer_requests_see_them(app, community, applicant, member_client):
    user, me = applicant
    me.post(APPLY, data=WHERE)
    row = _request_row(app, community, user.id)
    assert member_client.get("/c/alpha/join-requests").status_code == 403
    assert member_client.post(f"/c/alpha/join-requests/{row.id}/approve").status_code == 403
    assert me.get("/c/alpha/join-requests").status_code == 403
    assert not _is_member(app, community, user.id)


# ----- where a community is ------------------------------------------------------------------
def test_street_city_and_joining_are_community_settings(app, community, admin_client):
    data = {
        "name_zh": "甲社区",
        "name_en": "Alpha Community",
        "households": "100",
        "timezone": "Asia/Shanghai",
        "default_locale": "zh_Hans",
        "open_registration": "y",
        "street": "河运路12号",
        "city": "重庆",
    }  # join_approval unticked: open
    assert admin_client.post("/c/alpha/settings", data=data).status_code == 302
    with app.app_context():
        tenant = db.session.get(Tenant, community.id)
        assert (tenant.street, tenant.city, tenant.join_approval) == ("河运路12号", "重庆", False)


def test_the_operator_sets_street_and_city_on_create_and_edit(app, make_user, login, client):
    operator = login(make_user("op@example.org", operator=True))
    response = operator.post(
        "/operator/communities/new",
        data={
            "name_zh": "河运路社区",
            "name_en": "Heyunlu",
            "slug": "heyunlu",
            "kind": "urban",
            "households": "4200",
            "timezone": "Asia/Shanghai",
            "default_locale": "zh_Hans",
            "street": "河运路12号",
            "city": "重庆",
            "admin_email": "admin@heyunlu.example",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        tenant = db.session.execute(db.select(Tenant).where(Tenant.slug == "heyunlu")).scalar_one()
        assert (tenant.street, tenant.city, tenant.join_approval) == ("河运路12号", "重庆", True)
        tenant_id = tenant.id
    form = operator.get(f"/operator/communities/{tenant_id}/edit").get_data(as_text=True)
    assert 'value="河运路12号"' in form
    edited = {
        "name_zh": "河运路社区",
        "name_en": "Heyunlu",
        "households": "4200",
        "timezone": "Asia/Shanghai",
        "default_locale": "zh_Hans",
        "street": "河运路14号",
        "city": "重庆市渝中区",
        "open_registration": "y",
        "join_approval": "y",
    }
    bad = operator.post(f"/operator/communities/{tenant_id}/edit", data={**edited, "name_zh": ""})
    assert bad.status_code == 422 and "重庆市渝中区" in bad.text
    assert operator.post(f"/operator/communities/{tenant_id}/edit", data=edited).status_code == 303
    assert "河运路14号" in client.get("/communities?q=渝中").get_data(as_text=True)
    assert operator.get("/operator/communities/99999/edit").status_code == 404
