"""Stripe's webhook for platform billing: signatures checked, each event once, any
order, unknown types ignored. Stripe is answered from recorded responses (the real
``stripe`` library, no network); payloads are signed with the test secret."""

from __future__ import annotations

import threading

import billing_support
from billing_support import (
    answer_subscription,
    billing_notices,
    events_recorded,
    post_event,
    subscription_of,
)

# The billing set-up's fixtures (billing_support.py), by name for pytest.
gongzhi_config = billing_support.gongzhi_config
gongzhi_extra_plugins = billing_support.gongzhi_extra_plugins
gongzhi_plugins = billing_support.gongzhi_plugins
stripe_http = billing_support.stripe_http


def test_a_signed_subscription_event_sets_the_plan(
    app, client, community, stripe_http, signed_stripe_event
):
    answer_subscription(stripe_http, community.id, price="price_std_y")
    event = signed_stripe_event("customer.subscription.created", {"id": "sub_1"})
    response = post_event(client, event)
    assert response.status_code == 200, response.text
    row = subscription_of(app, community)
    assert (row.plan_key, row.status, row.interval) == ("standard", "active", "year")
    assert row.amount_fen == 199000
    assert row.stripe_customer_id == "cus_1"
    assert row.current_period_end.year == 2027
    assert events_recorded(app) == [event.event["id"]]
    assert [r[:2] for r in stripe_http.requests] == [("GET", "/v1/subscriptions/sub_1")]


def test_a_bad_signature_is_400_and_changes_nothing(
    app, client, community, stripe_http, signed_stripe_event
):
    answer_subscription(stripe_http, community.id)
    forged = signed_stripe_event("customer.subscription.created", {"id": "sub_1"}, secret="whsec_x")
    assert post_event(client, forged).status_code == 400
    unsigned = client.post(
        "/billing/stripe/webhook", data=forged.payload, headers={"Content-Type": "application/json"}
    )
    assert unsigned.status_code == 400
    stale = signed_stripe_event("customer.subscription.created", {"id": "sub_1"}, timestamp=1)
    assert post_event(client, stale).status_code == 400
    tampered = signed_stripe_event("invoice.paid", {"subscription": "sub_1"})
    body = tampered.payload.replace(b"invoice.paid", b"invoice.xaid")
    assert (
        client.post("/billing/stripe/webhook", data=body, headers=tampered.headers).status_code
        == 400
    )
    assert subscription_of(app, community) is None
    assert events_recorded(app) == []
    assert stripe_http.requests == []


def test_a_replayed_event_is_processed_once(
    app, client, community, stripe_http, signed_stripe_event
):
    answer_subscription(stripe_http, community.id)
    event = signed_stripe_event("invoice.paid", {"id": "in_1", "subscription": "sub_1"})
    first, again = post_event(client, event), post_event(client, event)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.text == "already processed"
    assert events_recorded(app) == [event.event["id"]]
    assert len(stripe_http.requests) == 1


def test_out_of_order_events_end_in_stripes_state(
    app, client, community, stripe_http, signed_stripe_event
):
    """invoice.paid before customer.subscription.created, then an old
    customer.subscription.updated (still saying past_due) after both: the state is what
    Stripe holds, read at each event, not what the late payload says."""
    answer_subscription(stripe_http, community.id, status="active")
    paid = signed_stripe_event(
        "invoice.paid",
        {"id": "in_1", "parent": {"subscription_details": {"subscription": "sub_1"}}},
    )
    assert post_event(client, paid).status_code == 200
    assert subscription_of(app, community).status == "active"
    created = signed_stripe_event(
        "customer.subscription.created", {"id": "sub_1", "status": "incomplete"}
    )
    late = signed_stripe_event(
        "customer.subscription.updated", {"id": "sub_1", "status": "past_due"}
    )
    assert post_event(client, created).status_code == 200
    assert post_event(client, late).status_code == 200
    row = subscription_of(app, community)
    assert (row.plan_key, row.status, row.past_due_since) == ("standard", "active", None)
    assert len(events_recorded(app)) == 3


def test_an_old_canceled_subscription_does_not_end_the_current_one(
    app, client, community, stripe_http, signed_stripe_event
):
    answer_subscription(stripe_http, community.id, sub_id="sub_new", price="price_pre_m")
    answer_subscription(stripe_http, community.id, sub_id="sub_old", status="canceled")
    post_event(client, signed_stripe_event("customer.subscription.created", {"id": "sub_new"}))
    post_event(client, signed_stripe_event("customer.subscription.deleted", {"id": "sub_old"}))
    row = subscription_of(app, community)
    assert (row.stripe_subscription_id, row.plan_key, row.status) == (
        "sub_new",
        "premium",
        "active",
    )


def test_unknown_types_are_200_and_ignored(
    app, client, community, stripe_http, signed_stripe_event
):
    event = signed_stripe_event("customer.tax_id.created", {"id": "txi_1"})
    response = post_event(client, event)
    assert (response.status_code, response.text) == (200, "ignored")
    assert events_recorded(app) == []
    assert stripe_http.requests == []
    one_off = signed_stripe_event("checkout.session.completed", {"id": "cs_1", "mode": "payment"})
    assert post_event(client, one_off).status_code == 200
    assert subscription_of(app, community) is None


def test_an_event_for_no_known_community_is_recorded_and_changes_nothing(
    app, client, community, stripe_http, signed_stripe_event
):
    answer_subscription(stripe_http, None, customer="cus_stranger")
    event = signed_stripe_event("customer.subscription.updated", {"id": "sub_1"})
    assert post_event(client, event).status_code == 200
    assert subscription_of(app, community) is None
    assert events_recorded(app) == [event.event["id"]]


def test_checkout_completed_finds_the_community_by_its_reference(
    app, client, community, stripe_http, signed_stripe_event
):
    answer_subscription(stripe_http, None, customer="cus_9")
    event = signed_stripe_event(
        "checkout.session.completed",
        {
            "id": "cs_1",
            "mode": "subscription",
            "subscription": "sub_1",
            "client_reference_id": str(community.id),
        },
    )
    assert post_event(client, event).status_code == 200
    row = subscription_of(app, community)
    assert (row.status, row.stripe_customer_id) == ("active", "cus_9")


def test_stripe_unreachable_is_503_and_the_event_comes_again(
    app, client, community, stripe_http, signed_stripe_event
):
    down = (500, {"error": {"type": "api_error", "message": "down"}})
    stripe_http.add("GET", "/v1/subscriptions/sub_1", down)
    event = signed_stripe_event("customer.subscription.created", {"id": "sub_1"})
    assert post_event(client, event).status_code == 503
    assert events_recorded(app) == []
    answer_subscription(stripe_http, community.id)
    assert post_event(client, event).status_code == 200
    assert subscription_of(app, community).status == "active"


def test_billing_off_the_webhook_is_404(app, client, community, signed_stripe_event):
    app.config["STRIPE_SECRET_KEY"] = ""
    event = signed_stripe_event("customer.subscription.created", {"id": "sub_1"})
    assert post_event(client, event).status_code == 404


def test_twenty_deliveries_of_one_event_at_once_process_it_once(
    app, community, stripe_http, signed_stripe_event
):
    answer_subscription(stripe_http, community.id)
    event = signed_stripe_event("invoice.paid", {"id": "in_1", "subscription": "sub_1"})
    start, answers = threading.Barrier(20), []

    def deliver():
        with app.test_client() as own:
            start.wait(timeout=30)
            answers.append(post_event(own, event).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert answers == [200] * 20
    assert events_recorded(app) == [event.event["id"]]
    assert subscription_of(app, community).status == "active"


def test_a_failed_payment_is_past_due_and_the_admins_are_told_once(
    app, client, community, admin, member, stripe_http, signed_stripe_event
):
    answer_subscription(stripe_http, community.id, status="past_due")
    for n in (1, 2):
        failed = signed_stripe_event(
            "invoice.payment_failed", {"id": f"in_{n}", "subscription": "sub_1"}
        )
        assert post_event(client, failed).status_code == 200
    row = subscription_of(app, community)
    assert (row.status, row.plan_key) == ("past_due", "standard")
    assert row.past_due_since is not None
    assert billing_notices(app, admin.id) == ["The payment for the community's plan is past due."]
    assert billing_notices(app, member.id) == []


def test_a_reference_that_is_not_an_id_is_ignored_not_a_500(
    app, client, community, stripe_http, signed_stripe_event
):
    # Read through the one id parser: "²" passes str.isdigit() but not int(); a number
    # beyond a BIGINT would overflow the lookup.
    for n, reference in enumerate(("²", "١", "9" * 20)):
        answer_subscription(stripe_http, reference, sub_id=f"sub_{n}", customer=f"cus_{n}")
        event = signed_stripe_event(
            "checkout.session.completed",
            {
                "id": f"cs_{n}",
                "mode": "subscription",
                "subscription": f"sub_{n}",
                "client_reference_id": reference,
            },
        )
        assert post_event(client, event).status_code == 200
    assert subscription_of(app, community) is None
