"""A community's subscription: kept in step with Stripe, and its plan enforced.

Stripe's guidance: webhooks may come twice and in any order, so an event is only a
reason to look; the state is read from the subscription Stripe holds now
(:func:`sync_subscription`). The row then says plan, status, next invoice and how long a
past-due payment has been waiting.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext

from core.billing.plans import billing_enabled, plan_for_price
from core.community import audit
from core.community.events import flush_deliveries
from core.community.members import members_with_permission
from core.community.notifications import notify
from core.extensions import db
from core.models import Subscription
from core.plugins.gateway import gateway, host, run_lifecycle
from core.services.locks import community_lock
from core.services.parsing import parse_id
from core.services.time import utcnow
from tenants.context import all_tenants, community_scope
from tenants.models import PluginActivation, Tenant

log = logging.getLogger("gongzhi.billing")

# Stripe's subscription statuses, as a community's admin needs them.
STATUS_FROM_STRIPE = {
    "active": "active",
    "trialing": "active",
    "past_due": "past_due",
    "unpaid": "past_due",
    "paused": "past_due",
    "incomplete": "incomplete",
    "incomplete_expired": "canceled",
    "canceled": "canceled",
}


def tell_admins(title) -> None:
    """Notify those who can act on billing (``core.settings``) in the community in scope,
    after the commit, with a link to its plan page."""
    tenant = gateway().tenant
    people = [m.user_id for m in members_with_permission("core.settings")]
    notify(people, "core.billing", title, link=f"/c/{tenant.slug}/billing/")


def subscription_row(create: bool = False) -> Subscription | None:
    """The billing row of the community in scope (made when ``create``: the page, the
    webhook and the nightly job take turns, so it is made once)."""
    if create:
        community_lock("billing")
    row = db.session.execute(db.select(Subscription)).scalar_one_or_none()
    if row is None and create:
        row = Subscription()
        db.session.add(row)
    return row


def _when(timestamp: Any) -> datetime | None:
    return datetime.fromtimestamp(int(timestamp), UTC) if timestamp else None


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if obj is None:
            return None
        try:
            obj = obj[key]
        except (KeyError, TypeError, IndexError):
            return None
    return obj


def community_of(subscription: Any, hint: int | None = None) -> int | None:
    """The community a Stripe subscription belongs to: the ``tenant_id`` we put in its
    metadata at checkout, else the row that knows its id or its customer, else ``hint``
    (a checkout session's ``client_reference_id``)."""
    with all_tenants():
        candidates = []
        raw = _get(subscription, "metadata", "tenant_id")
        from_metadata = parse_id(raw) if isinstance(raw, str) else None
        if from_metadata is not None:
            candidates.append(from_metadata)
        for column, value in (
            (Subscription.stripe_subscription_id, _get(subscription, "id")),
            (Subscription.stripe_customer_id, _get(subscription, "customer")),
        ):
            if value:
                found = db.session.execute(
                    db.select(Subscription.tenant_id).where(column == value).limit(1)
                ).scalar_one_or_none()
                if found is not None:
                    candidates.append(found)
        if hint is not None:
            candidates.append(hint)
        for tenant_id in candidates:
            if db.session.get(Tenant, tenant_id) is not None:
                return tenant_id
    return None


def sync_subscription(subscription: Any, tenant_id: int) -> Subscription | None:
    """Write what Stripe's subscription says into the community's row (not committed).

    A canceled subscription that is not the community's current one (an old one, after it
    subscribed again) changes nothing."""
    with community_scope(tenant_id):
        row = subscription_row(create=True)
        status = STATUS_FROM_STRIPE.get(str(_get(subscription, "status")), "incomplete")
        sub_id = _get(subscription, "id") or ""
        if (
            row.stripe_subscription_id
            and row.stripe_subscription_id != sub_id
            and row.status in ("active", "past_due")
            and status in ("canceled", "incomplete")
        ):
            log.info("billing: %s is not community %s's current subscription", sub_id, tenant_id)
            return row
        item = _get(subscription, "items", "data", 0)
        price = _get(item, "price") or {}
        found = plan_for_price(_get(price, "id"))
        before = (row.plan_key, row.status)
        row.stripe_subscription_id = sub_id
        row.stripe_customer_id = _get(subscription, "customer") or row.stripe_customer_id
        row.status = status
        if found is not None:
            row.plan_key, row.interval = found[0].key, found[1]
        elif status in ("active", "past_due"):
            log.warning("billing: price %s of %s is in no plan", _get(price, "id"), sub_id)
        row.amount_fen = int(_get(price, "unit_amount") or 0) * int(_get(item, "quantity") or 1)
        # Newer API versions keep the period on the item, older ones on the subscription.
        row.current_period_end = _when(
            _get(item, "current_period_end") or _get(subscription, "current_period_end")
        )
        row.cancel_at_period_end = bool(_get(subscription, "cancel_at_period_end"))
        if status == "past_due":
            row.past_due_since = row.past_due_since or utcnow()
        else:
            row.past_due_since = None
        if before != (row.plan_key, row.status):
            audit.record("billing.changed", row.plan_key or "-", status=status)
        if status == "past_due" and before[1] != "past_due":
            tell_admins(lazy_gettext("The payment for the community's plan is past due."))
        db.session.flush()
        gateway().forget()
        note_plan_fit(row)
        db.session.flush()  # in the community's scope: its audit lines are stamped with it
        return row


def note_plan_fit(row: Subscription, now: datetime | None = None) -> list[str]:
    """Start (or end) the grace period of modules above the plan; returns them."""
    above = gateway().modules_above_plan()
    if above and row.over_plan_since is None:
        row.over_plan_since = now or utcnow()
        audit.record("billing.over_plan", ",".join(above))
        tell_admins(
            lazy_gettext(
                "The community's plan no longer covers some modules: they are switched off "
                "when the grace period ends. Their data is kept."
            )
        )
    elif not above:
        row.over_plan_since = None
    return above


def enforce_plans(now: datetime | None = None) -> list[tuple[str, str]]:
    """``flask billing enforce`` (cron, daily): in every community, modules above its plan
    for longer than ``BILLING_GRACE_DAYS`` are switched off (their data kept), and a grace
    period starts where a plan no longer covers what is on (a past-due payment that ran
    out). Returns ``(community slug, module)`` for each module switched off."""
    if not billing_enabled():
        return []
    now = now or utcnow()
    grace = timedelta(days=current_app.config.get("BILLING_GRACE_DAYS", 14))
    with all_tenants():
        tenants = db.session.execute(db.select(Tenant.id, Tenant.slug).order_by(Tenant.id)).all()
    switched: list[tuple[str, str]] = []
    for tenant_id, slug in tenants:
        with community_scope(tenant_id):
            off = []
            row = subscription_row(create=bool(gateway().modules_above_plan()))
            above = note_plan_fit(row, now) if row is not None else []
            if above and row.over_plan_since + grace <= now:
                for activation in db.session.execute(
                    db.select(PluginActivation).where(PluginActivation.plugin_id.in_(above))
                ).scalars():
                    activation.enabled = False
                    audit.record("plugin.disabled", activation.plugin_id, reason="plan")
                    off.append(activation.plugin_id)
                row.over_plan_since = None
                tell_admins(
                    lazy_gettext(
                        "Modules above the community's plan were switched off. Their data is kept."
                    )
                )
            db.session.commit()
            flush_deliveries()
            gateway().forget()
        for plugin_id in off:  # after the commit, as the settings page does
            if host().get(plugin_id) is not None:
                run_lifecycle(plugin_id, "on_disable", tenant_id)
            switched.append((slug, plugin_id))
    return switched
