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


class RecordedStripeHTTP:
    """A ``stripe.HTTPClient`` answering from recorded responses, never the network:
    ``http = RecordedStripeHTTP({("POST", "/v1/checkout/sessions"): session_json})`` then
    ``app.config["STRIPE_HTTP_CLIENT"] = http`` (``core.plugin_api.stripe_client`` uses
    it). A response is a dict (status 200) or ``(status, dict)``; a list of them is
    answered in turn (the last one repeats). ``http.requests`` keeps ``(method, path,
    params)`` of every call; an unrecorded call fails the test with its path."""

    def __new__(cls, responses: dict | None = None):
        import stripe

        # Built here so that importing gongzhi.testing does not import stripe.
        class _Recorded(stripe.HTTPClient):
            name = "gongzhi-recorded"

            def __init__(self, responses: dict | None = None) -> None:
                super().__init__()
                self.responses: dict = dict(responses or {})
                self.requests: list[tuple[str, str, dict]] = []

            def add(self, method: str, path: str, response) -> None:
                self.responses[(method.upper(), path)] = response

            def request(self, method, url, headers, post_data=None, *, _usage=None):
                import json
                from urllib.parse import parse_qs, urlsplit

                parts = urlsplit(url)
                query = post_data.decode() if isinstance(post_data, bytes) else post_data
                params = {k: v[-1] for k, v in parse_qs(query or parts.query).items()}
                self.requests.append((method.upper(), parts.path, params))
                key = (method.upper(), parts.path)
                if key not in self.responses:
                    raise AssertionError(f"no recorded Stripe response for {key}")
                answer = self.responses[key]
                if isinstance(answer, list):
                    answer = answer.pop(0) if len(answer) > 1 else answer[0]
                status, body = answer if isinstance(answer, tuple) else (200, answer)
                return json.dumps(body), status, {"request-id": "req_recorded"}

            def close(self) -> None:
                pass

        return _Recorded(responses)
