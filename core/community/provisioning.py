"""Creating a community: the tenant row, its default plugins and (from the operator
console) its first admin's invitation, in one transaction; lifecycle hooks after commit."""

from __future__ import annotations

from flask import current_app

from core.community import audit
from core.community.invitations import add_invitation
from core.extensions import db
from core.plugins.gateway import run_lifecycle
from core.services.i18n import DEFAULT_LOCALE
from core.services.time import DEFAULT_TIMEZONE
from tenants.context import community_scope
from tenants.models import COMMUNITY_KINDS, PluginActivation, Tenant


def create_community(
    *,
    slug: str,
    name_zh: str,
    name_en: str,
    kind: str = COMMUNITY_KINDS[0],
    households: int = 0,
    timezone: str = DEFAULT_TIMEZONE,
    default_locale: str = DEFAULT_LOCALE,
    plugins: list[str] | None = None,
    street: str = "",
    city: str = "",
    join_approval: bool = True,
) -> Tenant:
    """Create and commit a community with ``plugins`` (default: DEFAULT_PLUGINS) enabled."""
    tenant, _token = _provision(
        dict(
            slug=slug,
            name_zh=name_zh,
            name_en=name_en,
            kind=kind,
            households=households,
            timezone=timezone,
            default_locale=default_locale,
            street=street,
            city=city,
            join_approval=join_approval,
        ),
        plugins,
        admin_email=None,
    )
    return tenant


def create_community_with_admin(
    admin_email: str, *, plugins: list[str] | None = None, **fields
) -> tuple[Tenant, str]:
    """A community and its first admin's invitation, committed together (nothing is left
    if any part fails); the invitation's token, for the caller to mail after the commit."""
    tenant, token = _provision(fields, plugins, admin_email=admin_email)
    return tenant, token or ""


def _provision(
    fields: dict, plugins: list[str] | None, admin_email: str | None
) -> tuple[Tenant, str | None]:
    host = current_app.extensions["gongzhi.plugins"]
    wanted = current_app.config["DEFAULT_PLUGINS"] if plugins is None else plugins
    switched_on = [p for p in wanted if (record := host.get(p)) is not None and record.active]
    token = None
    try:
        tenant = Tenant(**fields)
        db.session.add(tenant)
        db.session.flush()
        with community_scope(tenant):
            for plugin_id in switched_on:
                db.session.add(PluginActivation(plugin_id=plugin_id, enabled=True, settings={}))
            if admin_email is not None:
                token = add_invitation(admin_email, "admin")
                audit.record("community.created", tenant.slug, admin=admin_email)
            db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    for plugin_id in [*switched_on, *sorted(host.always_on() - set(switched_on))]:
        run_lifecycle(plugin_id, "on_enable", tenant)
    return tenant, token


def slug_taken(slug: str) -> bool:
    return db.session.execute(db.select(Tenant.id).where(Tenant.slug == slug)).first() is not None
