"""Isolation and hostile input: another community's ids answer 404 on every route, garbage
ids and values a 4xx with a message, a community without the plugin 404; the contract
check and the translations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from volunteers_helpers import BASE, make_setup

from core.extensions import db
from plugins.volunteers import ledger, qr, record
from plugins.volunteers.models import Certificate, HourLog, Need, Redemption


@pytest.fixture
def foreign(app, other_community, enable_plugin, in_community, make_user, frozen):
    """Beta's rows: every kind of id a route takes."""
    enable_plugin(other_community, "volunteers")
    setup = make_setup(in_community, other_community)
    beta_member = make_user("someone@beta.example", other_community)
    with in_community(other_community):
        log = HourLog(
            user_id=beta_member.id,
            category_id=setup.category_id,
            source="self",
            status="pending",
            starts_at=frozen.at - timedelta(hours=2),
            ends_at=frozen.at - timedelta(hours=1),
            work_date=frozen.at.date(),
            minutes=60,
        )
        db.session.add(log)
        ledger.post(beta_member.id, 100, "grant", "x")
        db.session.flush()
        redemption = Redemption(
            item_id=setup.item_id, item_name="x", user_id=beta_member.id, points=50
        )
        db.session.add(redemption)
        certificate = Certificate(
            user_id=beta_member.id, holder_name="乙", code=record.new_code(), minutes=60, services=1
        )
        need = Need(request_id=77, number="2026-0077", team_id=setup.team_id)
        db.session.add_all([certificate, need])
        db.session.flush()
        from plugins.volunteers.models import Activity

        token = qr.token_for(db.session.get(Activity, setup.activity_id))
        db.session.commit()
        return {
            "activity": setup.activity_id,
            "item": setup.item_id,
            "log": log.id,
            "redemption": redemption.id,
            "certificate": certificate.id,
            "category": setup.category_id,
            "team": setup.team_id,
            "need": need.id,
            "user": beta_member.id,
            "token": token,
            "code": certificate.code,
        }


def _id_routes(ids: dict) -> list[tuple[str, str]]:
    a, i = ids["activity"], ids["item"]
    return [
        ("GET", f"/activities/{a}"),
        ("POST", f"/activities/{a}/signup"),
        ("POST", f"/activities/{a}/withdraw"),
        ("GET", f"/activities/{a}/edit"),
        ("POST", f"/activities/{a}/cancel"),
        ("GET", f"/activities/{a}/qr"),
        ("POST", f"/activities/{a}/qr/renew"),
        ("POST", f"/my-hours/{ids['log']}/withdraw"),
        ("POST", f"/hours/{ids['log']}/approve"),
        ("POST", f"/hours/{ids['log']}/reject"),
        ("POST", f"/shop/{i}/redeem"),
        ("GET", f"/shop/items/{i}/edit"),
        ("POST", f"/shop/redemptions/{ids['redemption']}/ready"),
        ("POST", f"/shop/redemptions/{ids['redemption']}/handover"),
        ("POST", f"/shop/redemptions/{ids['redemption']}/cancel"),
        ("GET", f"/certificates/{ids['certificate']}"),
        ("GET", f"/categories/{ids['category']}"),
        ("GET", f"/teams/{ids['team']}"),
        ("POST", f"/needs/{ids['need']}/met"),
        ("GET", f"/volunteers/{ids['user']}"),
        ("GET", f"/scan/{ids['token']}"),
        ("POST", f"/scan/{ids['token']}"),
    ]


def test_another_communitys_ids_are_not_found_on_every_route(
    app, vol_on, setup, foreign, admin_client, member_client, client
):
    for method, path in _id_routes(foreign):
        answer = admin_client.open(BASE + path, method=method, data={"reason": "x"})
        assert answer.status_code == 404, (method, path, answer.status_code)
        # A member is stopped by the permission or by the lookup: never sees it.
        answer = member_client.open(BASE + path, method=method, data={"reason": "x"})
        assert answer.status_code in (403, 404), (method, path, answer.status_code)
    # Beta's certificate is not genuine in alpha.
    assert client.get(f"{BASE}/verify?code={foreign['code']}").status_code == 404


def test_beta_rows_are_untouched_and_alpha_lists_show_none_of_them(
    app, vol_on, setup, foreign, admin_client, other_community
):
    for method, path in _id_routes(foreign):
        admin_client.open(BASE + path, method=method, data={"reason": "x"})
    from tenants.context import tenant_scope

    with app.app_context(), tenant_scope(other_community.id):
        log = db.session.get(HourLog, foreign["log"])
        assert log.status == "pending"
        assert db.session.get(Redemption, foreign["redemption"]).status == "pending"
        assert ledger.balance_of(foreign["user"]) == 100
    for page in ("/review", "/shop/manage", "/needs", "/", "/shop", "/leaderboard?period=all"):
        html = admin_client.get(BASE + page).get_data(as_text=True)
        assert "2026-0077" not in html and "someone@beta" not in html, page


@pytest.mark.parametrize(
    "path",
    [
        "/activities/0",
        "/activities/99999999999999999999",
        "/activities/-1",
        "/activities/abc",
        "/shop/items/0/edit",
        "/certificates/999999999",
        "/categories/0",
        "/volunteers/0",
        "/scan/%00",
        "/scan/..%2f..",
        "/shop/redemptions/1/explode",
    ],
)
def test_garbage_ids_are_not_found(vol_on, setup, admin_client, path):
    assert admin_client.get(BASE + path).status_code == 404
    assert admin_client.post(BASE + path).status_code in (404, 405)


def test_a_community_without_the_plugin_gets_not_found(community, member_client):
    for path in ("/", "/shop", "/me", "/leaderboard", "/verify", "/hours/new"):
        assert member_client.get(BASE + path).status_code == 404, path


def test_signed_out_visitors_are_sent_to_sign_in_except_the_public_check(vol_on, client):
    assert client.get(f"{BASE}/me").status_code == 302
    assert client.get(f"{BASE}/verify").status_code == 200


def test_the_plugin_keeps_the_contract(plugin_contract):
    assert plugin_contract("volunteers") == []


def test_every_text_is_translated(app):
    result = app.test_cli_runner().invoke(args=["plugins", "i18n", "volunteers", "check"])
    assert result.exit_code == 0, result.output


def test_pages_in_english(vol_on, setup, member_client):
    with member_client.session_transaction() as session:
        session["locale"] = "en"
    html = member_client.get(f"{BASE}/").get_data(as_text=True)
    assert "Report hours" in html and "1 of 2 places taken" not in html
    assert "0 of 2 places taken" in html
    shop = member_client.get(f"{BASE}/shop").get_data(as_text=True)
    assert "Points shop" in shop and "50 points" in shop and "积分" not in shop


def test_category_and_team_forms(vol_on, setup, staff_client):
    bad = staff_client.post(
        f"{BASE}/categories",
        data={"name": "助老服务", "rate_per_hour": "10", "multiplier_pct": "100"},
    )
    assert bad.status_code == 422 and "该名称已被使用" in bad.get_data(as_text=True)
    rate = staff_client.post(
        f"{BASE}/categories", data={"name": "环境", "rate_per_hour": "-5", "multiplier_pct": "100"}
    )
    assert rate.status_code == 422 and "环境" in rate.get_data(as_text=True)
    pct = staff_client.post(
        f"{BASE}/categories", data={"name": "环境", "rate_per_hour": "8", "multiplier_pct": "5000"}
    )
    assert pct.status_code == 422 and "0 到 1000。" in pct.get_data(as_text=True)
    ok = staff_client.post(
        f"{BASE}/categories", data={"name": "环境", "rate_per_hour": "8", "multiplier_pct": "200"}
    )
    assert ok.status_code == 302
    team = staff_client.post(f"{BASE}/teams", data={"name": "银发帮帮团", "contact": "工作日"})
    assert team.status_code == 302
    assert "银发帮帮团" in staff_client.get(f"{BASE}/teams").get_data(as_text=True)
