"""Stripe's webhook for platform billing: verified, each event processed once.

Every event id is recorded in ``core_billing_events`` (unique) in the same transaction
as what the event changed, so a replay, or two deliveries at once, changes things once:
the second insert fails on the unique key and is answered 200. A core table rather than
``run_once``: ``run_once`` is per community, and an event is recorded before we know
its community (and stays recorded when none is found). Processing reads the subscription
from Stripe (``sync_subscription``), so the order events arrive in does not matter; if
Stripe cannot be reached the whole transaction rolls back and the 500 makes Stripe
deliver the event again.
"""

from __future__ import annotations

import logging
from typing import Any

import stripe
from flask import current_app
from sqlalchemy.exc import IntegrityError

from core.billing.subscriptions import _get, community_of, sync_subscription
from core.extensions import db
from core.models import BillingEvent
from core.services.parsing import parse_id
from core.services.stripe_support import StripeWebhookError, stripe_client, verify_stripe_webhook
from tenants.context import all_tenants

log = logging.getLogger("gongzhi.billing")

# Events that can change a community's subscription; all others are answered 200 and
# ignored (also unrecorded: there is nothing to do twice).
HANDLED = frozenset(
    {
        "checkout.session.completed",
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "customer.subscription.paused",
        "customer.subscription.resumed",
        "invoice.paid",
        "invoice.payment_succeeded",
        "invoice.payment_failed",
    }
)


def _subscription_id(event_type: str, obj: Any) -> str | None:
    if event_type.startswith("customer.subscription."):
        return _get(obj, "id")
    if event_type.startswith("invoice."):
        # Older API versions name it on the invoice, newer ones under ``parent``.
        found = _get(obj, "subscription") or _get(
            obj, "parent", "subscription_details", "subscription"
        )
        return found if isinstance(found, str) else _get(found, "id")
    if event_type == "checkout.session.completed" and _get(obj, "mode") == "subscription":
        found = _get(obj, "subscription")
        return found if isinstance(found, str) else _get(found, "id")
    return None


def handle(payload: bytes, signature: str | None) -> tuple[int, str]:
    """Verify and process one delivery: ``(status, short text)`` for the response."""
    try:
        event = verify_stripe_webhook(
            payload, signature or "", current_app.config.get("STRIPE_WEBHOOK_SECRET", "")
        )
    except StripeWebhookError as exc:
        log.warning("billing webhook refused: %s", exc)
        return 400, "bad signature"
    event_type = str(event["type"])
    if event_type not in HANDLED:
        return 200, "ignored"
    with all_tenants():
        db.session.add(BillingEvent(event_id=str(event["id"]), type=event_type))
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            return 200, "already processed"
    obj = event["data"]["object"]
    sub_id = _subscription_id(event_type, obj)
    if sub_id:
        client = stripe_client(current_app.config["STRIPE_SECRET_KEY"])
        try:
            subscription = client.v1.subscriptions.retrieve(sub_id)
        except stripe.StripeError as exc:  # not recorded: Stripe delivers it again
            db.session.rollback()
            log.warning("billing: could not read %s from Stripe: %r", sub_id, exc)
            return 503, "try again"
        hint = _get(obj, "client_reference_id")
        tenant_id = community_of(subscription, parse_id(hint) if isinstance(hint, str) else None)
        if tenant_id is None:
            log.warning("billing: %s %s belongs to no community", event_type, sub_id)
        else:
            sync_subscription(subscription, tenant_id)
    try:
        db.session.commit()
    except IntegrityError:  # the same event, delivered twice at once: the other one won
        db.session.rollback()
        return 200, "already processed"
    return 200, "ok"
