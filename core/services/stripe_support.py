"""Stripe for plugins (donations now, platform billing later): one place that builds a
client with the community's own key and verifies webhook signatures.

Tests never reach the network: a test puts a ``stripe.HTTPClient`` (e.g.
``core.testing.RecordedStripeHTTP``) in ``app.config["STRIPE_HTTP_CLIENT"]`` and every
client made here sends its requests there instead.
"""

from __future__ import annotations

import stripe
from flask import current_app


class StripeWebhookError(Exception):
    """A webhook that is not from Stripe (bad or missing signature, stale timestamp) or
    not an event at all; the view answers 400 and changes nothing."""


def stripe_client(api_key: str) -> stripe.StripeClient:
    """A ``stripe.StripeClient`` for ``api_key`` (a community's secret key). Uses the
    HTTP client in ``current_app.config["STRIPE_HTTP_CLIENT"]`` when one is set (tests),
    else the library's own."""
    http_client = current_app.config.get("STRIPE_HTTP_CLIENT")
    if http_client is not None:
        return stripe.StripeClient(api_key, http_client=http_client, max_network_retries=0)
    return stripe.StripeClient(api_key)


def verify_stripe_webhook(
    payload: bytes, sig_header: str | None, secret: str, tolerance: int = 300
) -> stripe.Event:
    """The event Stripe POSTed, once its ``Stripe-Signature`` header is checked against
    the endpoint ``secret`` (HMAC-SHA256, timestamp within ``tolerance`` seconds).
    Raises ``StripeWebhookError`` for anything else: no secret configured, no header, a
    wrong signature, a payload that is not JSON."""
    if not secret:
        raise StripeWebhookError("no webhook secret is configured")
    if not sig_header:
        raise StripeWebhookError("no Stripe-Signature header")
    try:
        return stripe.Webhook.construct_event(payload, sig_header, secret, tolerance=tolerance)
    except stripe.SignatureVerificationError as exc:
        raise StripeWebhookError(f"bad signature: {exc.user_message or exc}") from exc
    except ValueError as exc:  # not JSON
        raise StripeWebhookError(f"not an event: {exc}") from exc
