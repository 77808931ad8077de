"""Who sees what: residents their own, the public nothing personal, no community another's."""

from __future__ import annotations

import pytest
from requests_helpers import BASE, category_id, report


@pytest.fixture
def neighbour_client(make_user, requests_on, login):
    return login(make_user("neighbour@alpha.example", requests_on, name="邻居老李"))


def _close(client_staff, client_member, rid, outcome="餐馆加装油烟净化器"):
    client_staff.post(f"{BASE}/{rid}/classify", data={"kind": "red"})
    client_staff.post(f"{BASE}/{rid}/reply", data={"reply": "已处理，请查看", "outcome": outcome})
    assert client_member.post(f"{BASE}/{rid}/accept", data={}).status_code == 302


def test_a_resident_sees_only_their_own_requests(
    app, requests_on, member_client, neighbour_client, staff_client
):
    mine = report(member_client, "我家楼下油烟")
    theirs = report(neighbour_client, "邻居的私事：空调维修")
    listing = member_client.get(f"{BASE}/").get_data(as_text=True)
    assert "我家楼下油烟" in listing and "邻居的私事" not in listing
    assert member_client.get(f"{BASE}/{theirs}").status_code == 404
    assert member_client.get(f"{BASE}/{mine}").status_code == 200
    # Handling and the ledger are staff work.
    assert member_client.get(f"{BASE}/ledger").status_code == 403
    assert member_client.post(f"{BASE}/{mine}/classify", data={"kind": "red"}).status_code == 403
    assert member_client.get(f"{BASE}/ledger.csv").status_code == 403
    # Search only finds one's own.
    found = member_client.get("/c/alpha/search?q=空调").get_data(as_text=True)
    assert "邻居的私事" not in found
    assert "邻居的私事" in staff_client.get("/c/alpha/search?q=空调").get_data(as_text=True)


def test_public_board_shows_outcomes_and_no_personal_data(
    app, requests_on, member_client, staff_client, member, client
):
    rid = report(
        member_client,
        "张三家楼下餐馆油烟",
        details="我叫张三，住3栋2单元501",
        building="3栋2单元501",
        contact_phone="138 0000 1234",
    )
    report(member_client, "还没办完的事")  # not closed: not on the board
    _close(staff_client, member_client, rid)
    page = client.get(f"{BASE}/board")  # not signed in
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "餐馆加装油烟净化器" in body
    for personal in (
        member.name,
        member.email,
        "张三",
        "138 0000 1234",
        "3栋2单元",
        "501",
        "已处理，请查看",
    ):
        assert personal not in body, personal
    assert "还没办完的事" not in body
    # The landing page links the board for visitors.
    assert f"{BASE}/board" in client.get("/c/alpha/").get_data(as_text=True)


def test_public_board_can_be_switched_off(app, community, enable_plugin, client):
    enable_plugin(community, "requests", public_board=False)
    assert client.get(f"{BASE}/board").status_code == 404


def test_another_communitys_ids_answer_404_and_leak_nothing(
    app, requests_on, other_community, enable_plugin, make_user, login, staff_client
):
    enable_plugin(other_community, "requests")
    beta_member = login(make_user("m@beta.example", other_community, name="乙居民"))
    beta_staff = login(make_user("s@beta.example", other_community, "staff", name="乙工作人员"))
    rid = (
        beta_member.post(
            "/c/beta/requests/new",
            data={
                "title": "乙社区的秘密诉求",
                "building": "乙1栋",
                "contact_preference": "message",
            },
        )
        .headers["Location"]
        .rsplit("/", 1)[1]
    )
    beta_staff.post(f"/c/beta/requests/{rid}/classify", data={"kind": "orange"})
    beta_cat = None
    from core.extensions import db
    from plugins.requests.models import Category
    from tenants.context import tenant_scope

    with app.app_context(), tenant_scope(other_community.id):
        beta_cat = db.session.execute(db.select(Category.id).limit(1)).scalar_one()

    for method, path, data in [
        ("get", f"{BASE}/{rid}", None),
        ("post", f"{BASE}/{rid}/classify", {"kind": "red"}),
        (
            "post",
            f"{BASE}/{rid}/refer",
            {"department": "x", "handler": "y", "deadline": "2999-01-01"},
        ),
        ("post", f"{BASE}/{rid}/assign", {"assignee": "staff:1"}),
        (
            "post",
            f"{BASE}/{rid}/deliberation",
            {"held_on": "2026-01-01", "participants": "a", "decision": "b"},
        ),
        ("post", f"{BASE}/{rid}/referral", {"target": "service:1"}),
        ("post", f"{BASE}/{rid}/reply", {"reply": "x", "outcome": "y"}),
        ("post", f"{BASE}/{rid}/close-without-check", {"reason": "nobody home"}),
        ("post", f"{BASE}/{rid}/accept", {}),
        ("post", f"{BASE}/{rid}/reject", {"reason": "x"}),
        ("get", f"{BASE}/{rid}/photos/1", None),
        ("get", f"{BASE}/catalogue/categories/{beta_cat}", None),
        ("post", f"{BASE}/catalogue/categories/{beta_cat}/delete", {}),
    ]:
        response = getattr(staff_client, method)(path, data=data)
        assert response.status_code in (403, 404), (path, response.status_code)
        assert "乙社区的秘密诉求" not in response.get_data(as_text=True)
    for path in (f"{BASE}/ledger", f"{BASE}/ledger.csv", f"{BASE}/board", "/c/alpha/search?q=秘密"):
        assert "乙社区的秘密诉求" not in staff_client.get(path).get_data(as_text=True)


def test_catalogue_is_admin_only_to_edit(app, requests_on, staff_client, admin_client):
    cat = category_id(app, requests_on, "楼道杂物")
    assert staff_client.get(f"{BASE}/catalogue").status_code == 200
    assert staff_client.get(f"{BASE}/catalogue/categories/new").status_code == 403
    assert staff_client.post(f"{BASE}/catalogue/categories/{cat}/delete").status_code == 403
    r = admin_client.post(
        f"{BASE}/catalogue/categories/new",
        data={
            "name": "高空抛物",
            "kind": "red",
            "owner": "派出所",
            "keywords": "抛物",
            "active": "y",
        },
    )
    assert r.status_code == 302
    assert "高空抛物" in admin_client.get(f"{BASE}/catalogue").get_data(as_text=True)


def test_plugin_off_means_404(app, community, member_client):
    assert member_client.get(f"{BASE}/").status_code == 404
    assert member_client.get(f"{BASE}/board").status_code == 404
