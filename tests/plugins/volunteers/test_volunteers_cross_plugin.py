"""Between plugins, only through hooks and events: the requests plugin refers private
matters to our teams (``request_volunteer_referral``, ``request_referred``), and any
plugin pays or awards points by asking ``volunteers_spend_points`` & co."""

from __future__ import annotations

import re

import pytest
from volunteers_helpers import BASE, balance, entries, grant, text

from core.extensions import db
from core.plugin_api import ask_plugins

REQUESTS = "/c/alpha/requests"


@pytest.fixture(autouse=True)
def _uploads_in_tmp(app, tmp_path):
    app.config["REQUESTS_UPLOAD_DIR"] = str(tmp_path / "uploads")


def _report(client, title: str) -> int:
    data = {"title": title, "building": "5栋", "contact_preference": "message"}
    answer = client.post(f"{REQUESTS}/new", data=data)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    return int(re.search(r"/requests/(\d+)$", answer.headers["Location"]).group(1))


def test_a_private_matter_referred_to_a_team_becomes_an_open_need_until_closed(
    app, vol_on, setup, enable_plugin, member_client, staff_client
):
    enable_plugin(vol_on, "requests")
    rid = _report(member_client, "独居老人想找人陪同去医院复查")
    staff_client.post(f"{REQUESTS}/{rid}/classify", data={"kind": "yellow"})
    page = staff_client.get(f"{REQUESTS}/{rid}").get_data(as_text=True)
    assert f'value="volunteers:{setup.team_id}"' in page and "党员志愿服务队" in page
    referred = staff_client.post(
        f"{REQUESTS}/{rid}/referral",
        data={"target": f"volunteers:{setup.team_id}", "message": "周六上午联系"},
    )
    assert referred.status_code == 302
    needs = staff_client.get(f"{BASE}/needs").get_data(as_text=True)
    number = re.search(r"诉求 (\d{4}-\d{4})", needs).group(1)
    assert "党员志愿服务队" in needs
    # The resident accepts the answer: request_closed marks the need met.
    assert member_client.post(f"{REQUESTS}/{rid}/accept", data={}).status_code == 302
    assert f"诉求 {number}" not in staff_client.get(f"{BASE}/needs").get_data(as_text=True)


def test_referral_to_another_plugin_or_a_service_is_not_ours(
    app, vol_on, setup, enable_plugin, member_client, staff_client, in_community
):
    from plugins.volunteers import answers
    from plugins.volunteers.models import Need

    with in_community(vol_on):
        answers.record_referral({"request_id": 5, "number": "2026-0005", "referral_key": "x:1"})
        answers.record_referral({"request_id": "5", "referral_key": "volunteers:1"})
        answers.record_referral(
            {"request_id": 6, "number": "2026-0006", "referral_key": "volunteers:abc"}
        )
        # a team id that is not one (read by the one id parser): no team, never an error
        for request_id, team in ((7, "²"), (8, "9" * 20)):
            key = f"volunteers:{team}"
            answers.record_referral({"request_id": request_id, "referral_key": key})
        db.session.commit()
        assert [
            (n.request_id, n.team_id) for n in db.session.execute(db.select(Need)).scalars()
        ] == [(6, None), (7, None), (8, None)]


def test_without_the_requests_plugin_the_needs_page_lists_activities_short_of_people(
    vol_on, setup, staff_client, member_client
):
    assert (
        member_client.post(
            f"{BASE}/me/profile", data={"skills": "陪伴聊天, 量血压", "availability": "周六"}
        ).status_code
        == 302
    )
    html = text(staff_client.get(f"{BASE}/needs"))
    assert "没有等待志愿者处理的事项" in html
    assert "独居老人上门探访" in html and "尚缺 2 人" in html
    assert "Alpha Member: 陪伴聊天, 量血压 · 周六" in html


def test_another_plugin_pays_and_awards_points_through_the_hooks(
    app, vol_on, setup, in_community, member, other_community, make_user
):
    grant(in_community, vol_on, member.id, 40)
    stranger = make_user("b@beta.example", other_community)
    with in_community(vol_on):
        paid = dict(
            ask_plugins(
                "volunteers_spend_points",
                user_id=member.id,
                points=30,
                reason="预约活动室",
                reference="booking:12",
            )
        )["volunteers"]
        assert paid["ok"] and paid["balance"] == 10
        short = dict(
            ask_plugins(
                "volunteers_spend_points",
                user_id=member.id,
                points=30,
                reason="预约活动室",
                reference="booking:13",
            )
        )["volunteers"]
        assert short == {"ok": False, "message": "积分不足。", "balance": 10}
        given = dict(
            ask_plugins(
                "volunteers_award_points",
                user_id=member.id,
                points=5,
                reason="诉求办结奖励",
                reference="requests:9",
            )
        )["volunteers"]
        assert given["ok"] and given["balance"] == 15
        back = dict(
            ask_plugins("volunteers_refund_points", entry_id=paid["entry_id"], reason="预约取消")
        )["volunteers"]
        assert back["ok"] and back["balance"] == 45
        again = dict(
            ask_plugins("volunteers_refund_points", entry_id=paid["entry_id"], reason="预约取消")
        )["volunteers"]
        assert again["ok"] is False
        for bad in (0, -5, 1.5, True, "10", 10**9):
            answer = dict(
                ask_plugins(
                    "volunteers_spend_points",
                    user_id=member.id,
                    points=bad,
                    reason="x",
                    reference="x",
                )
            )["volunteers"]
            assert answer["ok"] is False, bad
        nobody = dict(
            ask_plugins(
                "volunteers_award_points", user_id=stranger.id, points=5, reason="x", reference="x"
            )
        )["volunteers"]
        assert nobody == {"ok": False, "message": "只有本社区成员才有积分。"}
        assert dict(ask_plugins("volunteers_points_balance", user_id=member.id)) == {
            "volunteers": {"balance": 45}
        }
        db.session.commit()
    assert balance(app, vol_on, member.id) == 45
    assert entries(app, vol_on, member.id) == [
        (40, "grant"),
        (-30, "spend"),
        (5, "grant"),
        (30, "reversal"),
    ]


def test_a_community_without_the_plugin_gets_no_answer(app, community, in_community, member):
    with in_community(community):
        assert (
            ask_plugins(
                "volunteers_spend_points", user_id=member.id, points=1, reason="x", reference="x"
            )
            == []
        )
        assert ask_plugins("request_volunteer_referral", request=None) == []


def test_a_resolved_request_earns_its_reporter_points_when_the_community_sets_a_rule(
    app, vol_on, setup, enable_plugin, member, member_client, staff_client
):
    enable_plugin(vol_on, "requests")

    def resolve(title: str) -> int:
        rid = _report(member_client, title)
        staff_client.post(f"{REQUESTS}/{rid}/classify", data={"kind": "yellow"})
        staff_client.post(
            f"{REQUESTS}/{rid}/referral",
            data={"target": f"volunteers:{setup.team_id}", "message": "周六上午联系"},
        )
        assert member_client.post(f"{REQUESTS}/{rid}/accept", data={}).status_code == 302
        return rid

    resolve("楼道灯坏了")  # the default rule: 0 points
    assert balance(app, vol_on, member.id) == 0

    enable_plugin(vol_on, "volunteers", points_per_closed_request=5)
    rid = resolve("单元门禁失灵")
    assert balance(app, vol_on, member.id) == 5
    assert (5, "award") in entries(app, vol_on, member.id)
    with app.app_context():
        from plugins.volunteers.answers import reward_resolved_request
        from tenants.context import community_scope

        with community_scope(vol_on.id):  # the event delivered again: still once
            reward_resolved_request(
                {"request_id": rid, "requester_id": member.id, "closed_how": "accepted"}
            )
            db.session.commit()
    assert balance(app, vol_on, member.id) == 5
