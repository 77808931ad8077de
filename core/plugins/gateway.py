"""The plugin gateway: one object per community scope for every plugin call.

It knows which plugins the community has on, their settings (one query per scope, not
per call), and owns the one rule for showing what plugins return (:meth:`Gateway.collect`):
call each enabled plugin in a savepoint, flatten, filter by permission, sort by ``order``
then plugin id, and one failure policy:

* the failure is logged with its traceback, the plugin id, the hook and the community;
* it is reported back to the caller (``Collected.failed``), which names it where the
  person can see it: "module unavailable" in a slot, a line in an export;
* strict mode (tests, CI) re-raises instead.

Dashboard, public home, menu, search and export all go through ``collect``; nothing else
loops over hooks for display.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from markupsafe import Markup
from pluggy import HookImpl
from sqlalchemy import select

from core.billing.plans import Plan, billing_enabled, effective_plan
from core.extensions import cache as shared_cache
from core.extensions import db
from core.models import Subscription
from core.plugins.host import PluginHost, call_impl
from core.plugins.settings import decode_settings
from core.services.time import utcnow
from core.services.transactions import has_written
from tenants.context import (
    CommunityScope,
    TenantScopeError,
    community_scope,
    current_scope,
)
from tenants.models import PluginActivation, Tenant

log = logging.getLogger("gongzhi.plugins")
ENABLED_TTL = 300  # seconds the shared (Redis) copy of a community's enabled set lives
_ACTIVATIONS = select(PluginActivation)  # built once; the scope filters it to the community


def host() -> PluginHost:
    return current_app.extensions["gongzhi.plugins"]


@dataclass
class Unavailable:
    """Stands in for a plugin's result when the plugin raised ("module unavailable")."""

    plugin_id: str

    def __html__(self) -> str:
        from flask_babel import gettext

        return str(
            Markup('<div class="unavailable" role="status">{}</div>').format(
                gettext("Module unavailable")
            )
        )


@dataclass(frozen=True)
class Entry:
    """One thing a plugin contributed to a page, or its ``Unavailable`` stand-in."""

    plugin_id: str
    item: Any
    order: int

    @property
    def failed(self) -> bool:
        return isinstance(self.item, Unavailable)


@dataclass
class Collected:
    """What ``collect`` gathered: entries in display order, and the plugins that failed."""

    entries: list[Entry] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def items(self) -> list[Any]:
        return [e.item for e in self.entries if not e.failed]


class Gateway:
    """The plugin calls of one community. Get it with :func:`gateway`."""

    def __init__(self, plugin_host: PluginHost, tenant_id: int) -> None:
        self.host = plugin_host
        self.tenant_id = tenant_id
        self._activations: dict[str, PluginActivation] | None = None
        self._enabled: frozenset[str] | None = None
        self._settings: dict[str, dict[str, Any]] = {}
        self._subscription: tuple[Subscription | None] | None = None  # (row,) once read

    # ----- what is on, and how it is set ------------------------------------------------
    def _rows(self) -> dict[str, PluginActivation]:
        if self._activations is None:
            with community_scope(self.tenant_id):
                rows = db.session.execute(_ACTIVATIONS).scalars()
                self._activations = {row.plugin_id: row for row in rows}
        return self._activations

    @property
    def enabled(self) -> frozenset[str]:
        """Ids of the plugins this community has on (loaded, compatible, switched on)."""
        if self._enabled is None:
            switched_on = shared_cache.get(_cache_key(self.tenant_id))
            if switched_on is None:
                switched_on = sorted(pid for pid, row in self._rows().items() if row.enabled)
                shared_cache.set(_cache_key(self.tenant_id), switched_on, timeout=ENABLED_TTL)
            active = set(self.host.active_ids)
            self._enabled = frozenset((set(switched_on) | self.host.always_on()) & active)
        return self._enabled

    def switched_on_but_inactive(self) -> list[str]:
        """Ids of plugins the community has switched on that are not active now (failed
        to load, incompatible, no longer installed): their tables stay, nothing of them
        runs."""
        active = set(self.host.active_ids)
        return sorted(pid for pid, row in self._rows().items() if row.enabled and pid not in active)

    def settings(self, plugin_id: str) -> dict[str, Any]:
        """The community's settings for a plugin, with schema defaults filled in."""
        if plugin_id not in self._settings:
            schema = self.host.settings_schema(plugin_id)
            values = {f.key: f.default for f in schema}
            row = self._rows().get(plugin_id)
            if row is not None:
                values.update(decode_settings(schema, row.settings or {}))
            self._settings[plugin_id] = values
        return dict(self._settings[plugin_id])

    def forget(self) -> None:
        """After switching a plugin or saving settings: drop this and the shared copy."""
        self._activations, self._enabled, self._settings = None, None, {}
        self._subscription = None
        shared_cache.delete(_cache_key(self.tenant_id))

    # ----- the plan: one more input (docs/billing.md) -------------------------------------
    @property
    def subscription(self) -> Subscription | None:
        """The community's billing row (one query, only where billing is on)."""
        if self._subscription is None:
            row = None
            if billing_enabled():
                with community_scope(self.tenant_id):
                    row = db.session.execute(db.select(Subscription)).scalar_one_or_none()
            self._subscription = (row,)
        return self._subscription[0]

    @property
    def plan(self) -> Plan | None:
        """The plan the community is on now; ``None`` without billing: no limits."""
        return effective_plan(self.subscription, utcnow()) if billing_enabled() else None

    def counted_modules(self) -> list[str]:
        """Switched-on modules that count against a plan (not the always-on ones), the
        earliest switched on first."""
        rows = self._rows()
        always = self.host.always_on()
        return sorted(
            (pid for pid in self.enabled if pid not in always),
            key=lambda pid: (rows[pid].id if pid in rows else 0, pid),
        )

    def plan_refusal(self, plugin_id: str) -> str | None:
        """Why the community's plan does not let it switch ``plugin_id`` on (a message
        for its admin), or None. Always None without billing."""
        from flask_babel import gettext, ngettext

        from core.services.i18n import localized

        plan = self.plan
        record = self.host.get(plugin_id)
        if plan is None or record is None or record.meta is None:
            return None
        name = localized(plan.name)
        if not plan.allows(record.meta):
            if record.meta.needs_paid_plan and not plan.paid:
                return gettext(
                    "%(module)s needs a paid plan; your community is on %(plan)s. "
                    "Choose a plan under Plan and billing.",
                    module=localized(record.meta.label),
                    plan=name,
                )
            return gettext(
                "%(plan)s does not include %(module)s. Choose another plan under Plan and billing.",
                module=localized(record.meta.label),
                plan=name,
            )
        others = [p for p in self.counted_modules() if p != plugin_id]
        if plan.max_modules is not None and len(others) >= plan.max_modules:
            return ngettext(
                "%(plan)s allows one module at a time and it is on. Turn it off or choose "
                "another plan under Plan and billing.",
                "%(plan)s allows %(num)d modules at a time and all are on. Turn one off or "
                "choose another plan under Plan and billing.",
                plan.max_modules,
                plan=name,
            )
        return None

    def modules_above_plan(self) -> list[str]:
        """Switched-on modules the plan does not cover: those it does not allow, then
        beyond ``max_modules`` the most recently switched on. Empty without billing."""
        plan = self.plan
        if plan is None:
            return []
        counted = self.counted_modules()
        above = [p for p in counted if not plan.allows(self.host.get(p).meta)]
        kept = [p for p in counted if p not in above]
        if plan.max_modules is not None:
            above += kept[plan.max_modules :]
        return above

    # ----- calling plugins --------------------------------------------------------------
    @property
    def hooks(self):
        """A pluggy relay that only calls enabled plugins: ``gateway().hooks.search(...)``."""
        return self.host.hooks(self.enabled)

    def implementations(self, hook_name: str, only: str | None = None) -> list[HookImpl]:
        enabled = self.enabled if only is None else self.enabled & {only}
        return self.host.implementations(enabled, hook_name)

    def run_isolated(self, plugin_id: str, what: str, fn: Callable[[], Any]) -> Any:
        """Run one plugin's code so it cannot poison the caller's transaction; if it
        raises, log it with its traceback and answer ``Unavailable``.

        After the caller wrote, the plugin runs in a savepoint that a failure rolls back.
        Before any write (every page view) there is nothing of the caller's to lose: no
        savepoint, and a failure rolls the whole read transaction back (on PostgreSQL a
        failed statement would otherwise leave it unusable)."""
        session = db.session()
        isolate = has_written(session)
        try:
            if isolate:
                with session.begin_nested():
                    return fn()
            return fn()
        except Exception:
            if not isolate:
                session.rollback()
            if self.host.strict:
                raise
            log.exception(
                "plugin %s failed in %s for community %s", plugin_id, what, self.tenant_id
            )
            return Unavailable(plugin_id)

    def call_isolated(self, hook_name: str, **kwargs) -> list[tuple[str, Any]]:
        """Each enabled plugin's raw answer to a hook, in plugin id order; ``None``
        answers left out, a plugin that raised answers ``Unavailable``."""
        implementations = self.implementations(hook_name)
        if not implementations:  # most template slots on most pages
            return []
        kwargs = {**kwargs, "tenant": self.tenant}  # every per-community hook may ask for it
        out: list[tuple[str, Any]] = []
        for impl in implementations:
            result = self.run_isolated(
                impl.plugin_name, hook_name, lambda impl=impl: call_impl(impl, kwargs)
            )
            if result is not None:
                out.append((impl.plugin_name, result))
        return out

    def collect(
        self,
        hook_name: str,
        *,
        allowed: Callable[[str], bool] | None,
        access_by_default: bool = True,
        **kwargs,
    ) -> Collected:
        """The display rule, in one place.

        Each enabled plugin answers ``hook_name`` (a list, or one value); the answers are
        flattened; an item with a ``permission`` is kept only if ``allowed(permission)``,
        one without is checked against ``<plugin>.access`` unless ``access_by_default`` is
        off (``allowed=None``: public pages, nothing to check); entries are sorted by
        ``order`` (an item's own, else its plugin's) then plugin id. A plugin that raised
        is one ``Unavailable`` entry and is named in ``failed``.
        """
        out = Collected()
        for plugin_id, answer in self.call_isolated(hook_name, **kwargs):
            plugin_order = self._plugin_order(plugin_id)
            if isinstance(answer, Unavailable):
                out.failed.append(plugin_id)
                out.entries.append(Entry(plugin_id, answer, plugin_order))
                continue
            for item in answer if isinstance(answer, list | tuple) else [answer]:
                if item is None:
                    continue
                if allowed is not None:
                    needed = getattr(item, "permission", None)
                    if needed is None and access_by_default:
                        needed = f"{plugin_id}.access"
                    if needed is not None and not allowed(needed):
                        continue
                order = getattr(item, "order", None)
                out.entries.append(Entry(plugin_id, item, plugin_order if order is None else order))
        out.entries.sort(key=lambda e: (e.order, e.plugin_id))  # stable: keeps a plugin's own
        return out

    def _plugin_order(self, plugin_id: str) -> int:
        record = self.host.get(plugin_id)
        return record.meta.order if record and record.meta else 100

    @property
    def tenant(self) -> Tenant:
        scope = current_scope()
        if isinstance(scope, CommunityScope) and scope.tenant_id == self.tenant_id:
            return scope.tenant
        return db.session.get(Tenant, self.tenant_id)


def _cache_key(tenant_id: int) -> str:
    return f"enabled-plugins:{tenant_id}"


def gateway(tenant: Tenant | int | None = None) -> Gateway:
    """The gateway of the community in scope (kept on the scope), or of ``tenant``."""
    scope = current_scope()
    tenant_id = tenant if isinstance(tenant, int) or tenant is None else tenant.id
    if isinstance(scope, CommunityScope) and tenant_id in (None, scope.tenant_id):
        gw = scope.cache.get("gateway")
        if gw is None:
            gw = scope.cache["gateway"] = Gateway(host(), scope.tenant_id)
        return gw
    if tenant_id is None:
        raise TenantScopeError("no community in scope: enter one with community_scope(tenant)")
    return Gateway(host(), tenant_id)


def enabled_plugins(tenant: Tenant | int | None = None) -> frozenset[str]:
    """Ids of the plugins the community (default: the one in scope) has on."""
    if tenant is None and not isinstance(current_scope(), CommunityScope):
        return frozenset()
    return gateway(tenant).enabled


def plugin_settings(plugin_id: str, tenant: Tenant | int | None = None) -> dict[str, Any]:
    """A plugin's settings for the community in scope (or ``tenant``), defaults filled in.

    Raises ``TenantScopeError`` with no community in scope: a default silently read for
    the wrong community is worse than an error."""
    return gateway(tenant).settings(plugin_id)


def run_lifecycle(plugin_id: str, hook_name: str, tenant: Tenant | int) -> None:
    """Call ``on_enable``/``on_disable`` of one plugin in the community's scope, after the
    switching commit; the hook's own writes are committed, a failure rolled back."""
    with community_scope(tenant):
        gw = gateway()
        for impl in gw.host.implementations(frozenset({plugin_id}), hook_name):
            try:
                call_impl(impl, {"tenant": gw.tenant})
                db.session.commit()
            except Exception:
                db.session.rollback()
                if gw.host.strict:
                    raise
                log.exception("plugin %s failed in %s for %s", plugin_id, hook_name, tenant)
