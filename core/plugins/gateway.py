"""One facade for plugin calls in a community: which are on, their settings, gated hooks.

Every per-community hook call goes through here, so a plugin the community has not
enabled is never called. Display hooks are called one plugin at a time so that one
failing plugin shows "module unavailable" in its slot and the page still renders.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, g
from markupsafe import Markup

from core.extensions import cache as shared_cache
from core.extensions import db
from core.plugins.host import PluginHost, call_impl
from core.plugins.settings import decode_settings
from tenants.context import tenant_scope
from tenants.models import PluginActivation, Tenant

log = logging.getLogger("gongzhi.plugins")


def host() -> PluginHost:
    return current_app.extensions["gongzhi.plugins"]


def enabled_plugins(tenant: Tenant | None = None) -> frozenset[str]:
    """Ids of the plugins ``tenant`` (default: the current community) has on."""
    tenant = tenant or g.get("tenant")
    if tenant is None:
        return frozenset()
    per_request = g.setdefault("_enabled_plugins", {})
    if tenant.id not in per_request:
        switched_on = shared_cache.get(_cache_key(tenant.id))
        if switched_on is None:
            with tenant_scope(tenant.id):
                switched_on = sorted(
                    db.session.execute(
                        db.select(PluginActivation.plugin_id).where(
                            PluginActivation.enabled.is_(True)
                        )
                    ).scalars()
                )
            shared_cache.set(_cache_key(tenant.id), switched_on, timeout=300)
        h = host()
        per_request[tenant.id] = frozenset((set(switched_on) | h.always_on()) & set(h.active_ids))
    return per_request[tenant.id]


def _cache_key(tenant_id: int) -> str:
    return f"enabled-plugins:{tenant_id}"


def forget_enabled_cache(tenant: Tenant | None = None) -> None:
    """After switching a plugin: drop the request's and the shared (Redis) copy."""
    g.pop("_enabled_plugins", None)
    tenant = tenant or g.get("tenant")
    if tenant is not None:
        shared_cache.delete(_cache_key(tenant.id))


def tenant_hooks(tenant: Tenant | None = None):
    """The hook relay for a community: ``tenant_hooks().search(...)``."""
    return host().hooks(enabled_plugins(tenant))


@dataclass
class Unavailable:
    """Stands in for a display hook's result when the plugin raised."""

    plugin_id: str

    def __html__(self) -> str:
        from flask_babel import gettext

        return str(
            Markup('<div class="unavailable" role="status">{}</div>').format(
                gettext("Module unavailable")
            )
        )


def run_isolated(plugin_id: str, what: str, fn: Callable[[], Any], tenant=None) -> Any:
    """Run one plugin's display code in a savepoint, so it cannot poison the request's
    transaction; if it raises, log it and answer ``Unavailable`` (strict mode re-raises)."""
    try:
        with db.session.begin_nested():
            return fn()
    except Exception:
        if host().strict:
            raise
        slug = getattr(tenant or g.get("tenant"), "slug", "?")
        log.exception("plugin %s failed in %s for community %s", plugin_id, what, slug)
        return Unavailable(plugin_id)


def call_isolated(hook_name: str, tenant: Tenant | None = None, **kwargs) -> list[tuple[str, Any]]:
    """Call a display hook one enabled plugin at a time; failures become ``Unavailable``."""
    tenant = tenant or g.get("tenant")
    kwargs = {**kwargs, "tenant": tenant}  # every per-community hook may ask for it
    out: list[tuple[str, Any]] = []
    for impl in host().implementations(enabled_plugins(tenant), hook_name):
        result = run_isolated(
            impl.plugin_name, hook_name, lambda impl=impl: call_impl(impl, kwargs), tenant
        )
        if result is not None:
            out.append((impl.plugin_name, result))
    return out


def plugin_settings(plugin_id: str, tenant: Tenant | None = None) -> dict[str, Any]:
    """The community's settings for a plugin, with schema defaults filled in."""
    tenant = tenant or g.get("tenant")
    schema = host().settings_schema(plugin_id)
    values = {f.key: f.default for f in schema}
    if tenant is None:
        return values
    with tenant_scope(tenant.id):
        row = db.session.execute(
            db.select(PluginActivation).where(PluginActivation.plugin_id == plugin_id)
        ).scalar_one_or_none()
    if row is not None:
        values.update(decode_settings(schema, row.settings or {}))
    return values


def run_lifecycle(plugin_id: str, hook_name: str, tenant: Tenant) -> None:
    """Call ``on_enable``/``on_disable`` of one plugin, after the switching commit."""
    h = host()
    for impl in h.implementations(frozenset({plugin_id}), hook_name):
        pid = impl.plugin_name
        try:
            with tenant_scope(tenant.id):
                call_impl(impl, {"tenant": tenant})
                db.session.commit()
        except Exception:
            db.session.rollback()
            if h.strict:
                raise
            log.exception("plugin %s failed in %s for %s", pid, hook_name, tenant.slug)
