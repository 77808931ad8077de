"""A community admin's plan page (Checkout, the customer portal, changing, cancelling),
the past-due banner, and the operator's view of every community's plan. Stripe is
answered from recorded responses."""

from __future__ import annotations

import billing_support
from billing_support import days_later, set_subscription, subscription_json, subscription_of

from core.extensions import db
from core.models import Subscription
from core.testing import count_statements
from tenants.context import community_scope

# The billing set-up's fixtures (billing_support.py), by name for pytest.
gongzhi_config = billing_support.gongzhi_config
gongzhi_extra_plugins = billing_support.gongzhi_extra_plugins
gongzhi_plugins = billing_support.gongzhi_plugins
stripe_http = billing_support.stripe_http

PAGE = "/c/alpha/billing/"


def test_the_page_shows_plan_and_usage(app, community, admin_client, enable_plugin):
    enable_plugin(community, "notices")
    page = admin_client.get(PAGE).get_data(as_text=True)
    assert 'data-testid="plan-name">免费版<' in page
    assert "1 / 1" in page
    assert "¥199.00" in page and "¥1,990.00" in page
    set_subscription(app, community, plan_key="standard", amount_fen=19900)
    page = admin_client.get(PAGE).get_data(as_text=True)
    assert 'data-testid="plan-name">标准版<' in page and "1 / 2" in page
    assert "¥199.00 · 2027" in page  # the next invoice
    assert "billing-link" in admin_client.get("/c/alpha/settings").get_data(as_text=True)


def test_only_the_communitys_admins_see_it(
    app, community, other_community, member_client, staff_client, make_user, login
):
    for client in (member_client, staff_client):
        assert client.get(PAGE).status_code == 403
        assert client.post("/c/alpha/billing/plan", data={"plan": "standard"}).status_code == 403
    stranger = login(make_user("admin@beta.example", other_community, "admin"))
    assert stranger.get(PAGE).status_code in (403, 404)
    assert stranger.post("/c/alpha/billing/cancel").status_code in (403, 404)
    assert stranger.get("/c/beta/billing/").status_code == 200


def test_subscribing_goes_through_stripe_checkout(app, community, admin_client, stripe_http):
    stripe_http.add("POST", "/v1/customers", {"id": "cus_new", "object": "customer"})
    stripe_http.add(
        "POST",
        "/v1/checkout/sessions",
        {"id": "cs_1", "object": "checkout.session", "url": "https://checkout.stripe.test/cs_1"},
    )
    response = admin_client.post(
        "/c/alpha/billing/plan", data={"plan": "standard", "interval": "year"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "https://checkout.stripe.test/cs_1"
    (_, _, customer), (_, path, params) = stripe_http.requests
    assert customer["metadata[tenant_id]"] == str(community.id)
    assert path == "/v1/checkout/sessions"
    assert params["mode"] == "subscription"
    assert params["line_items[0][price]"] == "price_std_y"
    assert params["customer"] == "cus_new"
    assert params["client_reference_id"] == str(community.id)
    assert params["subscription_data[metadata][tenant_id]"] == str(community.id)
    row = subscription_of(app, community)
    assert (row.stripe_customer_id, row.status) == ("cus_new", "none")  # until Stripe says
    assert "Stripe" in admin_client.get(PAGE + "?checkout=done").get_data(as_text=True)


def test_bad_choices_are_422_with_a_message(app, community, admin_client, stripe_http):
    for data, message in (
        ({"plan": "nonsense", "interval": "month"}, "不是有效的选择"),
        ({"plan": "free", "interval": "month"}, "不是有效的选择"),
        ({"plan": "standard", "interval": "weekly"}, "不是有效的选择"),
        ({"plan": "premium", "interval": "year"}, "该套餐暂不支持这种付费周期"),
        ({}, "不是有效的选择"),
    ):
        response = admin_client.post("/c/alpha/billing/plan", data=data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    assert stripe_http.requests == []


def test_changing_and_cancelling_a_subscription(app, community, admin_client, stripe_http):
    set_subscription(app, community, plan_key="standard")
    stripe_http.add("GET", "/v1/subscriptions/sub_1", subscription_json(community.id))
    stripe_http.add(
        "POST", "/v1/subscriptions/sub_1", subscription_json(community.id, price="price_pre_m")
    )
    response = admin_client.post(
        "/c/alpha/billing/plan", data={"plan": "premium", "interval": "month"}
    )
    assert response.status_code == 303
    assert stripe_http.requests[-1][2]["items[0][price]"] == "price_pre_m"
    assert subscription_of(app, community).plan_key == "premium"
    stripe_http.add(
        "POST",
        "/v1/subscriptions/sub_1",
        subscription_json(community.id, price="price_pre_m", cancel=True),
    )
    assert admin_client.post("/c/alpha/billing/cancel").status_code == 303
    assert stripe_http.requests[-1][2]["cancel_at_period_end"] == "true"
    row = subscription_of(app, community)
    assert row.cancel_at_period_end and row.status == "active"
    page = admin_client.get(PAGE).get_data(as_text=True)
    assert "订阅于" in page and 'data-testid="cancel-plan"' not in page


def test_the_customer_portal(app, community, admin_client, stripe_http):
    assert admin_client.post("/c/alpha/billing/portal").status_code == 404  # no customer yet
    set_subscription(app, community, plan_key="standard")
    stripe_http.add(
        "POST",
        "/v1/billing_portal/sessions",
        {"id": "bps_1", "object": "billing_portal.session", "url": "https://portal.test/1"},
    )
    response = admin_client.post("/c/alpha/billing/portal")
    assert (response.status_code, response.headers["Location"]) == (303, "https://portal.test/1")
    assert stripe_http.requests[-1][2]["customer"] == "cus_1"


def test_stripe_refusing_is_a_page_with_a_message(app, community, admin_client, stripe_http):
    error = (400, {"error": {"type": "invalid_request_error", "message": "No such price"}})
    stripe_http.add("POST", "/v1/customers", {"id": "cus_new", "object": "customer"})
    stripe_http.add("POST", "/v1/checkout/sessions", error)
    response = admin_client.post(
        "/c/alpha/billing/plan", data={"plan": "standard", "interval": "month"}
    )
    assert response.status_code == 502
    assert "无法连接 Stripe" in response.get_data(as_text=True)


def test_the_past_due_banner_is_for_admins(app, community, admin_client, member_client):
    set_subscription(app, community, plan_key="standard", status="past_due")
    with app.app_context(), community_scope(community.id):
        db.session.execute(db.select(Subscription)).scalar_one().past_due_since = days_later(-1)
        db.session.commit()
    assert 'data-testid="billing-banner"' in admin_client.get("/c/alpha/").get_data(as_text=True)
    assert 'data-testid="billing-banner"' not in member_client.get("/c/alpha/").get_data(
        as_text=True
    )
    set_subscription(app, community, status="active")
    assert 'data-testid="billing-banner"' not in admin_client.get("/c/alpha/").get_data(
        as_text=True
    )


def test_the_operator_sees_each_communitys_plan_and_next_invoice(
    app, community, other_community, make_user, login
):
    set_subscription(app, community, plan_key="premium", amount_fen=49900)
    operator = login(make_user("op@example.org", operator=True))
    page = operator.get("/operator/").get_data(as_text=True)
    assert 'data-testid="plan-alpha">高级版' in page and "¥499.00 · 2027" in page
    assert 'data-testid="plan-beta">免费版' in page
    plans = operator.get("/operator/billing")
    assert plans.status_code == 200
    assert "price_std_m" in plans.get_data(as_text=True)
    app.config["STRIPE_SECRET_KEY"] = ""
    assert "plan-alpha" not in operator.get("/operator/").get_data(as_text=True)
    assert 'data-testid="billing-off"' in operator.get("/operator/billing").get_data(as_text=True)


def _statements(app, client, path: str) -> int:
    client.get(path)
    with count_statements(app) as seen:
        assert client.get(path).status_code == 200
    return len(seen)


def test_pages_keep_their_statements_as_communities_grow(
    app, community, make_community, admin_client, make_user, login
):
    operator = login(make_user("op@example.org", operator=True))
    set_subscription(app, community, plan_key="standard")
    few = (_statements(app, operator, "/operator/"), _statements(app, admin_client, PAGE))
    for n in range(12):
        tenant = make_community(f"more-{n}")
        set_subscription(app, tenant, plan_key="premium", stripe_subscription_id=f"sub_{n}")
    many = (_statements(app, operator, "/operator/"), _statements(app, admin_client, PAGE))
    assert few == many


def test_billing_pages_speak_one_language(
    app, community, admin_client, make_user, login, enable_plugin
):
    from core.testing.language import foreign_words

    enable_plugin(community, "notices")
    set_subscription(app, community, plan_key="standard", status="past_due", amount_fen=19900)
    with app.app_context(), community_scope(community.id):
        db.session.execute(db.select(Subscription)).scalar_one().past_due_since = days_later(-1)
        db.session.commit()
    operator = login(make_user("op@example.org", operator=True))
    pages = [
        (admin_client, PAGE),
        (admin_client, "/c/alpha/settings"),
        (admin_client, "/c/alpha/"),
        (operator, "/operator/"),
        (operator, "/operator/billing"),
    ]
    for locale in ("zh_Hans", "en"):
        for client in (admin_client, operator):
            client.post("/lang", data={"locale": locale, "next": "/"})
        for client, path in pages:
            html = client.get(path).get_data(as_text=True)
            assert foreign_words(html) == [], (locale, path)
    bad = admin_client.post("/c/alpha/billing/plan", data={"plan": "x", "interval": "y"})
    assert bad.status_code == 422 and foreign_words(bad.get_data(as_text=True)) == []
    set_subscription(app, community, status="canceled")  # the free plan: refusals shown
    for locale in ("zh_Hans", "en"):
        admin_client.post("/lang", data={"locale": locale, "next": "/"})
        html = admin_client.get("/c/alpha/settings").get_data(as_text=True)
        assert "plan-refusal-probep" in html and "plan-refusal-probea" in html
        assert foreign_words(html) == [], locale
        refused = admin_client.post(
            "/c/alpha/settings/modules/probep",
            data={"enabled": "1"},
            headers={"HX-Request": "true"},
        )
        fragment = f'<html lang="{locale}">' + refused.get_data(as_text=True)
        assert refused.status_code == 409 and foreign_words(fragment) == [], locale


def test_ten_subscribe_presses_at_once_make_one_stripe_customer(
    app, community, admin, login, stripe_http
):
    import threading

    stripe_http.add("POST", "/v1/customers", {"id": "cus_new", "object": "customer"})
    stripe_http.add(
        "POST",
        "/v1/checkout/sessions",
        {"id": "cs_1", "object": "checkout.session", "url": "https://checkout.stripe.test/cs_1"},
    )
    clients = [login(admin) for _ in range(10)]
    start, answers = threading.Barrier(10), []

    def press(client):
        start.wait(timeout=30)
        answers.append(
            client.post(
                "/c/alpha/billing/plan", data={"plan": "standard", "interval": "month"}
            ).status_code
        )

    threads = [threading.Thread(target=press, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert answers == [303] * 10
    assert [r[1] for r in stripe_http.requests].count("/v1/customers") == 1
    assert subscription_of(app, community).stripe_customer_id == "cus_new"
