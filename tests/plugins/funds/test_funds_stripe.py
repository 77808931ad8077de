"""On-line donations through Stripe Checkout, offline: the real ``stripe`` library talks
to ``RecordedStripeHTTP`` and webhooks are signed with the test secret. Income is posted
once, only for a paid session, whatever the order or number of deliveries."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from funds_helpers import BASE, balance, make_fund, postings

from core.extensions import db
from core.testing import STRIPE_WEBHOOK_SECRET, RecordedStripeHTTP
from plugins.funds.models import Checkout
from tenants.context import tenant_scope

WEBHOOK = f"{BASE}/stripe/webhook"
SESSION = "cs_test_a1B2c3"


def _session(**fields) -> dict:
    return {
        "id": SESSION,
        "object": "checkout.session",
        "url": f"https://checkout.stripe.com/c/pay/{SESSION}",
        "mode": "payment",
        "payment_status": "unpaid",
        "status": "open",
        "amount_total": 5_000,
        "currency": "cny",
        **fields,
    }


@pytest.fixture
def stripe_http(app):
    http = RecordedStripeHTTP(
        {
            ("POST", "/v1/checkout/sessions"): _session(),
            ("GET", f"/v1/checkout/sessions/{SESSION}"): _session(payment_status="paid"),
        }
    )
    app.config["STRIPE_HTTP_CLIENT"] = http
    yield http
    app.config.pop("STRIPE_HTTP_CLIENT", None)


@pytest.fixture
def online(community, enable_plugin, in_community, stripe_http):
    enable_plugin(
        community,
        "funds",
        stripe_secret_key="sk_test_gongzhi",
        stripe_webhook_secret=STRIPE_WEBHOOK_SECRET,
    )
    return make_fund(in_community, community)


def _start(client, fund_id, name="陈女士", anonymous=False):
    data = {"amount": "50", "donor_name": name}
    if anonymous:
        data["anonymous"] = "y"
    return client.post(f"{BASE}/public/{fund_id}/donate", data=data)


def test_a_donor_goes_to_checkout_with_the_communitys_key(
    app, community, online, client, stripe_http
):
    page = client.get(f"{BASE}/public/{online}/donate")
    assert page.status_code == 200
    started = _start(client, online)
    assert started.status_code == 303
    assert started.location == f"https://checkout.stripe.com/c/pay/{SESSION}"
    method, path, params = stripe_http.requests[0]
    assert (method, path) == ("POST", "/v1/checkout/sessions")
    assert params["line_items[0][price_data][unit_amount]"] == "5000"
    assert params["line_items[0][price_data][currency]"] == "cny"
    assert params["success_url"].endswith(
        "/funds/public/donate/return?session_id={CHECKOUT_SESSION_ID}"
    )
    assert balance(app, community, online) == 0  # nothing until Stripe says it is paid
    bad = client.post(f"{BASE}/public/{online}/donate", data={"amount": "0"})
    assert bad.status_code == 422


def test_a_paid_session_is_posted_once_however_often_stripe_says_so(
    app, community, online, client, signed_stripe_event
):
    _start(client, online)
    paid = signed_stripe_event(
        "checkout.session.completed", _session(payment_status="paid", status="complete")
    )
    for _ in range(3):  # Stripe retries; a replay of the same event
        answer = client.post(WEBHOOK, data=paid.payload, headers=paid.headers)
        assert answer.status_code == 200
    again = signed_stripe_event(  # the same payment told by a second event id
        "checkout.session.async_payment_succeeded", _session(payment_status="paid")
    )
    assert client.post(WEBHOOK, data=again.payload, headers=again.headers).status_code == 200
    assert balance(app, community, online) == 5_000
    [posting] = postings(app, community)
    assert (posting.method, posting.reference, posting.counterparty) == (
        "card",
        f"stripe:{SESSION}",
        "陈女士",
    )
    # The browser comes back after the webhook: nothing new, the receipt is there.
    back = client.get(f"{BASE}/public/donate/return?session_id={SESSION}")
    assert back.status_code == 200 and "¥50.00" in back.get_data(as_text=True)
    assert len(postings(app, community)) == 1


def test_the_return_page_first_then_the_webhook(
    app, community, online, client, signed_stripe_event
):
    _start(client, online, anonymous=True)
    for _ in range(2):
        back = client.get(f"{BASE}/public/donate/return?session_id={SESSION}")
        assert back.status_code == 200
    paid = signed_stripe_event("checkout.session.completed", _session(payment_status="paid"))
    assert client.post(WEBHOOK, data=paid.payload, headers=paid.headers).status_code == 200
    [posting] = postings(app, community)
    assert posting.anonymous and posting.counterparty == ""
    assert "陈女士" not in client.get(f"{BASE}/public/{online}").get_data(as_text=True)


def test_out_of_order_an_expiry_after_the_payment_changes_nothing(
    app, community, online, client, signed_stripe_event
):
    _start(client, online)
    unpaid = signed_stripe_event("checkout.session.completed", _session(payment_status="unpaid"))
    paid = signed_stripe_event(
        "checkout.session.async_payment_succeeded", _session(payment_status="paid")
    )
    expired = signed_stripe_event("checkout.session.expired", _session(status="expired"))
    for event in (paid, unpaid, expired, paid):
        assert client.post(WEBHOOK, data=event.payload, headers=event.headers).status_code == 200
    assert balance(app, community, online) == 5_000
    with app.app_context(), tenant_scope(community.id):
        assert db.session.execute(sa.select(Checkout.status)).scalar_one() == "paid"


def test_an_unpaid_or_failed_session_posts_nothing(
    app, community, online, client, signed_stripe_event
):
    _start(client, online)
    unpaid = signed_stripe_event("checkout.session.completed", _session(payment_status="unpaid"))
    failed = signed_stripe_event("checkout.session.async_payment_failed", _session())
    for event in (unpaid, failed):
        assert client.post(WEBHOOK, data=event.payload, headers=event.headers).status_code == 200
    assert balance(app, community, online) == 0
    with app.app_context(), tenant_scope(community.id):
        assert db.session.execute(sa.select(Checkout.status)).scalar_one() == "failed"


def test_a_bad_signature_is_a_400_and_changes_nothing(
    app, community, online, client, signed_stripe_event
):
    _start(client, online)
    forged = signed_stripe_event(
        "checkout.session.completed", _session(payment_status="paid"), secret="whsec_not_ours"
    )
    assert client.post(WEBHOOK, data=forged.payload, headers=forged.headers).status_code == 400
    stale = signed_stripe_event(
        "checkout.session.completed", _session(payment_status="paid"), timestamp=1_600_000_000
    )
    assert client.post(WEBHOOK, data=stale.payload, headers=stale.headers).status_code == 400
    assert client.post(WEBHOOK, data=forged.payload).status_code == 400  # no header
    tampered = signed_stripe_event("checkout.session.completed", _session(payment_status="paid"))
    body = tampered.payload.replace(b"5000", b"9000")
    assert client.post(WEBHOOK, data=body, headers=tampered.headers).status_code == 400
    assert client.post(WEBHOOK, data=b"not json", headers=tampered.headers).status_code == 400
    assert balance(app, community, online) == 0 and postings(app, community) == []


def test_an_unknown_event_type_is_acknowledged_and_ignored(
    app, community, online, client, signed_stripe_event
):
    event = signed_stripe_event("invoice.paid", {"id": "in_1", "object": "invoice"})
    answer = client.post(WEBHOOK, data=event.payload, headers=event.headers)
    assert answer.status_code == 200 and answer.get_json()["handled"] is False
    unknown_session = signed_stripe_event(
        "checkout.session.completed", {"id": "cs_test_other", "payment_status": "paid"}
    )
    assert (
        client.post(
            WEBHOOK, data=unknown_session.payload, headers=unknown_session.headers
        ).status_code
        == 200
    )
    assert postings(app, community) == []


def test_the_webhook_of_a_community_without_keys_refuses(
    app, funds_on, client, signed_stripe_event
):
    event = signed_stripe_event("checkout.session.completed", _session(payment_status="paid"))
    assert client.post(WEBHOOK, data=event.payload, headers=event.headers).status_code == 400


def test_webhook_and_return_page_at_the_same_moment_post_once(
    app, community, online, client, signed_stripe_event
):
    _start(client, online)
    paid = signed_stripe_event("checkout.session.completed", _session(payment_status="paid"))
    start = threading.Barrier(8)
    codes: list[int] = []

    def hit(n: int) -> None:
        mine = app.test_client()
        start.wait()
        if n % 2:
            codes.append(mine.post(WEBHOOK, data=paid.payload, headers=paid.headers).status_code)
        else:
            codes.append(mine.get(f"{BASE}/public/donate/return?session_id={SESSION}").status_code)

    workers = [threading.Thread(target=hit, args=(n,)) for n in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert codes == [200] * 8
    assert balance(app, community, online) == 5_000 and len(postings(app, community)) == 1
