"""Stripe webhook payloads signed the way Stripe signs them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

STRIPE_WEBHOOK_SECRET = "whsec_gongzhi_test"


def stripe_signature(payload: bytes | str, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header for ``payload``: ``t=<ts>,v1=<hex HMAC-SHA256 of
    "<ts>.<payload>" keyed with the endpoint secret>``, the scheme ``stripe.Webhook``
    verifies."""
    import hashlib
    import hmac
    import time

    body = payload.decode("utf-8") if isinstance(payload, bytes) else payload
    ts = int(time.time()) if timestamp is None else int(timestamp)
    digest = hmac.new(secret.encode(), f"{ts}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={ts},v1={digest}"


@dataclass(frozen=True)
class SignedWebhook:
    """A Stripe event as Stripe would POST it: ``client.post(url, data=w.payload,
    headers=w.headers)``."""

    event: dict
    payload: bytes
    headers: dict
    secret: str


@pytest.fixture
def stripe_webhook_secret() -> str:
    """The endpoint secret ``signed_stripe_event`` signs with. Override to use yours."""
    return STRIPE_WEBHOOK_SECRET


@pytest.fixture
def signed_stripe_event(stripe_webhook_secret) -> Callable[..., SignedWebhook]:
    """``signed_stripe_event("checkout.session.completed", {"id": "cs_1", ...},
    secret=None, timestamp=None, **event_fields)`` -> a :class:`SignedWebhook`.

    Pass ``timestamp`` (seconds) to test the tolerance window, or another ``secret`` to
    test that a wrong signature is refused."""
    import json
    import secrets as _secrets
    import time

    def make(
        event_type: str,
        data_object: dict | None = None,
        *,
        secret: str | None = None,
        timestamp: int | None = None,
        **fields,
    ) -> SignedWebhook:
        ts = int(time.time()) if timestamp is None else int(timestamp)
        event = {
            "id": "evt_" + _secrets.token_hex(12),
            "object": "event",
            "api_version": "2024-06-20",
            "created": ts,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
            "data": {"object": data_object or {}},
            **fields,
        }
        payload = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        signature = stripe_signature(payload, secret or stripe_webhook_secret, ts)
        headers = {"Stripe-Signature": signature, "Content-Type": "application/json"}
        return SignedWebhook(event, payload, headers, secret or stripe_webhook_secret)

    return make
