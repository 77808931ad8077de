"""The operator's plans and what each allows. Knows neither Stripe nor communities.

A plan allows a module when the module is in its ``modules`` list (an empty list: any
module) and, for a module whose ``PluginMeta.needs_paid_plan`` is set, when the plan has a
price. ``max_modules`` caps how many modules (besides the always-on ones) may be on at
once; ``None`` is no cap. The plan marked ``default`` is every community's plan without a
subscription (usually the free one).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask import current_app

from core.plugins.types import Labels, PluginMeta

INTERVALS = ("month", "year")


class PlanConfigError(ValueError):
    """A plan in ``BILLING_PLANS`` that cannot be read; the message names it."""


@dataclass(frozen=True)
class Plan:
    key: str
    name: Labels
    monthly_fen: int = 0
    yearly_fen: int = 0
    price_monthly: str = ""  # Stripe price ids
    price_yearly: str = ""
    max_modules: int | None = None
    modules: tuple[str, ...] = ()  # empty: any module
    default: bool = False

    @property
    def paid(self) -> bool:
        return self.monthly_fen > 0 or self.yearly_fen > 0

    def price_id(self, interval: str) -> str:
        return self.price_monthly if interval == "month" else self.price_yearly

    def fen(self, interval: str) -> int:
        return self.monthly_fen if interval == "month" else self.yearly_fen

    def allows(self, meta: PluginMeta) -> bool:
        """Whether a community on this plan may have the module on at all (the count
        aside)."""
        if meta.always_on:
            return True
        if self.modules and meta.id not in self.modules:
            return False
        return self.paid or not meta.needs_paid_plan


def _fen(value, where: str) -> int:
    try:
        amount = Decimal(str(value or 0))
    except InvalidOperation as exc:
        raise PlanConfigError(f"{where}: {value!r} is not an amount in yuan") from exc
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise PlanConfigError(f"{where}: {value!r} is not an amount in yuan")
    return int(amount * 100)


def read_plan(raw: dict) -> Plan:
    key = str(raw.get("key") or "").strip()
    if not key:
        raise PlanConfigError(f"a plan without a key: {raw!r}")
    max_modules = raw.get("max_modules")
    if max_modules is not None and (not isinstance(max_modules, int) or max_modules < 0):
        raise PlanConfigError(f"plan {key}: max_modules must be a whole number or absent")
    return Plan(
        key=key,
        name={"zh_Hans": raw.get("name_zh") or key, "en": raw.get("name_en") or key},
        monthly_fen=_fen(raw.get("monthly_yuan"), f"plan {key} monthly_yuan"),
        yearly_fen=_fen(raw.get("yearly_yuan"), f"plan {key} yearly_yuan"),
        price_monthly=raw.get("stripe_price_monthly") or "",
        price_yearly=raw.get("stripe_price_yearly") or "",
        max_modules=max_modules,
        modules=tuple(raw.get("modules") or ()),
        default=bool(raw.get("default")),
    )


def billing_enabled() -> bool:
    """Billing is on when the operator has given a Stripe secret key."""
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def plans() -> list[Plan]:
    """The operator's plans in their order (read once per app)."""
    cache = current_app.extensions.setdefault("gongzhi.billing", {})
    if "plans" not in cache:
        found = [read_plan(raw) for raw in current_app.config.get("BILLING_PLANS") or []]
        keys = [p.key for p in found]
        if len(set(keys)) != len(keys):
            raise PlanConfigError(f"plan keys repeat: {keys}")
        cache["plans"] = tuple(found)
    return list(cache["plans"])


def plan_by_key(key: str | None) -> Plan | None:
    return next((p for p in plans() if p.key == key), None)


def default_plan() -> Plan | None:
    return next((p for p in plans() if p.default), None)


def plan_for_price(price_id: str | None) -> tuple[Plan, str] | None:
    """The plan and interval a Stripe price id belongs to."""
    for plan in plans():
        for interval in INTERVALS:
            if price_id and plan.price_id(interval) == price_id:
                return plan, interval
    return None


def effective_plan(subscription, now) -> Plan | None:
    """The plan a community is on: its subscription's while active (or past due for at
    most ``BILLING_PAST_DUE_DAYS``), else the default plan. ``None`` when billing is off
    (or no plan is defined): no limits at all."""
    from datetime import timedelta

    if not billing_enabled():
        return None
    fallback = default_plan()
    if subscription is None:
        return fallback
    if subscription.status == "past_due":
        days = current_app.config.get("BILLING_PAST_DUE_DAYS", 7)
        since = subscription.past_due_since
        if since is not None and since + timedelta(days=days) <= now:
            return fallback
    elif subscription.status != "active":
        return fallback
    return plan_by_key(subscription.plan_key) or fallback
