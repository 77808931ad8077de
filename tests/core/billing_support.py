"""Shared set-up of the platform billing tests (tests/core/test_billing_*.py): billing on
with three plans, two probe modules (one needs a paid plan), Stripe answered from
recorded responses, webhooks signed with the test secret."""

from __future__ import annotations

import types
from datetime import UTC, datetime, timedelta

import pytest

from core.extensions import db
from core.models import BillingEvent, Subscription
from core.plugin_api import PluginMeta
from core.testing import STRIPE_WEBHOOK_SECRET, RecordedStripeHTTP
from tenants.context import all_tenants, community_scope

WEBHOOK = "/billing/stripe/webhook"
PLANS = [
    {"key": "free", "name_zh": "免费版", "name_en": "Free", "max_modules": 1, "default": True},
    {
        "key": "standard",
        "name_zh": "标准版",
        "name_en": "Standard",
        "monthly_yuan": 199,
        "yearly_yuan": "1990.00",
        "stripe_price_monthly": "price_std_m",
        "stripe_price_yearly": "price_std_y",
        "max_modules": 2,
    },
    {
        "key": "premium",
        "name_zh": "高级版",
        "name_en": "Premium",
        "monthly_yuan": 499,
        "yearly_yuan": 4990,
        "stripe_price_monthly": "price_pre_m",
        "stripe_price_yearly": "",  # not sold yearly: bad input for the form
    },
]
PRICES = {"price_std_m": 19900, "price_std_y": 199000, "price_pre_m": 49900}
PERIOD_END = int(datetime(2027, 1, 1, tzinfo=UTC).timestamp())


def probe_module(plugin_id: str, needs_paid_plan: bool = False):
    module = types.ModuleType(f"billing_probe_{plugin_id}")
    module.meta = PluginMeta(
        id=plugin_id,
        version="0.1",
        label={"zh_Hans": f"探针{plugin_id[-1]}", "en": f"Probe {plugin_id[-1]}"},
        description={"zh_Hans": "测试", "en": "Test"},
        needs_paid_plan=needs_paid_plan,
    )
    return module


@pytest.fixture
def gongzhi_plugins():
    return ["notices"]


@pytest.fixture
def gongzhi_extra_plugins():
    return {"probea": probe_module("probea"), "probep": probe_module("probep", True)}


@pytest.fixture
def gongzhi_config(gongzhi_config):
    return {
        **gongzhi_config,
        "STRIPE_SECRET_KEY": "sk_test_gongzhi",
        "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
        "BILLING_PLANS": PLANS,
        "BILLING_GRACE_DAYS": 14,
        "BILLING_PAST_DUE_DAYS": 7,
    }


@pytest.fixture
def stripe_http(app):
    """Stripe, answered from recorded responses: nothing leaves the machine."""
    http = RecordedStripeHTTP()
    app.config["STRIPE_HTTP_CLIENT"] = http
    return http


def subscription_json(
    tenant_id: int | None,
    *,
    sub_id: str = "sub_1",
    status: str = "active",
    price: str = "price_std_m",
    customer: str = "cus_1",
    cancel: bool = False,
) -> dict:
    """A Stripe subscription as the API returns it (the fields billing reads)."""
    return {
        "id": sub_id,
        "object": "subscription",
        "customer": customer,
        "status": status,
        "cancel_at_period_end": cancel,
        "metadata": {"tenant_id": str(tenant_id)} if tenant_id else {},
        "items": {
            "object": "list",
            "data": [
                {
                    "id": "si_1",
                    "object": "subscription_item",
                    "quantity": 1,
                    "current_period_end": PERIOD_END,
                    "price": {
                        "id": price,
                        "object": "price",
                        "unit_amount": PRICES.get(price, 0),
                        "currency": "cny",
                        "recurring": {"interval": "year" if price.endswith("_y") else "month"},
                    },
                }
            ],
        },
    }


def answer_subscription(http, tenant_id, **fields) -> dict:
    body = subscription_json(tenant_id, **fields)
    http.add("GET", f"/v1/subscriptions/{body['id']}", body)
    return body


def post_event(client, webhook):
    return client.post(WEBHOOK, data=webhook.payload, headers=webhook.headers)


def subscription_of(app, tenant) -> Subscription | None:
    with app.app_context(), community_scope(tenant.id):
        row = db.session.execute(db.select(Subscription)).scalar_one_or_none()
        if row is not None:
            db.session.expunge(row)
        return row


def events_recorded(app) -> list[str]:
    with app.app_context(), all_tenants():
        return list(db.session.execute(db.select(BillingEvent.event_id)).scalars())


def set_subscription(app, tenant, **fields) -> None:
    """Put a community on a plan directly (as a processed webhook would have)."""
    with app.app_context(), community_scope(tenant.id):
        row = db.session.execute(db.select(Subscription)).scalar_one_or_none()
        if row is None:
            row = Subscription()
            db.session.add(row)
        for key, value in {
            "status": "active",
            "stripe_customer_id": "cus_1",
            "stripe_subscription_id": "sub_1",
            "current_period_end": datetime.fromtimestamp(PERIOD_END, UTC),
            **fields,
        }.items():
            setattr(row, key, value)
        db.session.commit()


def days_later(days: int) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


def billing_notices(app, user_id: int) -> list[str]:
    """The English titles of the ``core.billing`` notifications a person got."""
    from core.models import Notification

    with app.app_context(), all_tenants():
        return [
            n.title["en"]
            for n in db.session.execute(
                db.select(Notification)
                .where(Notification.user_id == user_id, Notification.kind == "core.billing")
                .order_by(Notification.id)
            ).scalars()
        ]
