"""The public API for Gongzhi plugins: the only module a plugin should import from ``core``.

It follows semantic versioning as ``PLUGIN_API_VERSION``: within a major version nothing
here is removed or changes meaning; deprecated names keep working for one minor release
with a ``DeprecationWarning`` and are removed at the next major version. Everything else
in ``core`` and ``tenants`` may change without notice.
"""

from __future__ import annotations

import pluggy
from flask import render_template
from flask_babel import gettext, lazy_gettext, lazy_pgettext, ngettext, pgettext

from core.community.audit import record as audit
from core.community.events import emit, flush_deliveries
from core.community.idempotency import IdempotencyKeyField, Once, run_once
from core.community.members import (
    MemberInfo,
    community_members,
    find_member,
    get_member,
    get_members,
    member_column,
    members_with_permission,
)
from core.community.notifications import notify
from core.community.permissions import has_permission, membership, public, requires
from core.community.shared_templates import (
    Adoption,
    NotOperator,
    TemplateVersion,
    publish_shared_template,
    record_adoption,
    shared_template,
    shared_template_in_force,
    shared_template_versions,
    shared_templates,
    template_adoption,
)
from core.extensions import csrf, db
from core.offices.matters import send_to_office
from core.plugins.gateway import Unavailable, enabled_plugins, gateway, plugin_settings
from core.plugins.hookspecs import PROJECT
from core.plugins.host import PLUGIN_API_VERSION
from core.plugins.translations import Translator, translator
from core.plugins.types import (
    BadTemplate,
    ExportTable,
    FigureKind,
    NavItem,
    NotificationKind,
    Permission,
    PluginMeta,
    Role,
    SearchResult,
    SettingField,
    TemplateKind,
    Widget,
)
from core.services.exports import Column as ExportColumn
from core.services.exports import csv_response, export_response, xlsx_response
from core.services.forms import BaseForm, optional_id
from core.services.i18n import current_locale, in_every_language, localized
from core.services.locks import community_lock
from core.services.pagination import paginate
from core.services.parsing import (
    DATE_MAX,
    DATE_MIN,
    local_path,
    parse_date,
    parse_datetime,
    parse_id,
    parse_int,
    parse_month,
    parse_time,
)
from core.services.photos import KINDS as PHOTO_KINDS
from core.services.photos import MAX_EDGE as PHOTO_MAX_EDGE
from core.services.photos import Photo, PhotoError, PhotoStore
from core.services.stripe_support import (
    StripeWebhookError,
    stripe_client,
    verify_stripe_webhook,
)
from core.services.time import DEFAULT_TIMEZONE, UTCDateTime, to_local, utcnow
from core.sqlite import writes_on_get
from core.web.form_feedback import form_success, show_messages_in
from core.web.member_picker import MemberField
from core.web.page_cache import cached_page
from tenants.context import (
    TenantScopeError,
    all_tenants,
    community_scope,
    current_community,
    current_tenant_id,
    tenant_scope,
)
from tenants.models import COMMUNITY_KINDS, ID_TYPE, Tenant, TenantScoped, tenant_foreign_key

hookimpl = pluggy.HookimplMarker(PROJECT)
# For hooks a plugin declares for others to answer (expose them as ``hookspecs``).
hookspec = pluggy.HookspecMarker(PROJECT)


def ask_plugins(hook_name: str, **kwargs) -> list[tuple[str, object]]:
    """Ask the current community's enabled plugins a question (any hook, also one a
    plugin declared): ``[(plugin_id, answer), ...]`` sorted by plugin id, ``None``
    answers left out. Each answer is isolated (in a savepoint once the transaction has
    written); one that raises is logged and answers "module unavailable"
    (``Unavailable``) instead of failing the caller."""
    return gateway().call_isolated(hook_name, **kwargs)


def current_tenant() -> Tenant:
    """The community in scope: a request's, or the one a CLI command, an event delivery,
    a lifecycle hook or ``demo_data`` runs for. Raises ``TenantScopeError`` outside one."""
    tenant = current_community()
    if tenant is None:
        raise TenantScopeError("no community in scope: enter one with community_scope(tenant)")
    return tenant


def commit() -> None:
    """Commit the session, then deliver the domain events it emitted."""
    db.session.commit()
    flush_deliveries()


def csrf_exempt(view):
    """Mark a view another server POSTs to (a payment webhook) as needing no CSRF token;
    such a view must check the request itself (``verify_stripe_webhook``)."""
    return csrf.exempt(view)


def render(template: str, **context) -> str:
    """Render a plugin template; use ``request.htmx`` to pick a fragment yourself."""
    return render_template(template, **context)


__all__ = [
    "COMMUNITY_KINDS",
    "DATE_MAX",
    "DATE_MIN",
    "DEFAULT_TIMEZONE",
    "PHOTO_KINDS",
    "PHOTO_MAX_EDGE",
    "PLUGIN_API_VERSION",
    "Photo",
    "PhotoError",
    "PhotoStore",
    "BaseForm",
    "ExportColumn",
    "ExportTable",
    "FigureKind",
    "MemberField",
    "ID_TYPE",
    "IdempotencyKeyField",
    "MemberInfo",
    "NavItem",
    "NotOperator",
    "Once",
    "NotificationKind",
    "Permission",
    "PluginMeta",
    "Role",
    "SearchResult",
    "SettingField",
    "StripeWebhookError",
    "Tenant",
    "TenantScopeError",
    "TenantScoped",
    "TemplateKind",
    "TemplateVersion",
    "Translator",
    "Unavailable",
    "UTCDateTime",
    "Widget",
    "Adoption",
    "BadTemplate",
    "all_tenants",
    "ask_plugins",
    "audit",
    "cached_page",
    "commit",
    "community_lock",
    "community_scope",
    "community_members",
    "current_locale",
    "current_tenant",
    "current_tenant_id",
    "csrf_exempt",
    "csv_response",
    "db",
    "emit",
    "enabled_plugins",
    "export_response",
    "find_member",
    "form_success",
    "get_member",
    "get_members",
    "gettext",
    "has_permission",
    "hookimpl",
    "hookspec",
    "in_every_language",
    "lazy_gettext",
    "lazy_pgettext",
    "local_path",
    "localized",
    "member_column",
    "members_with_permission",
    "membership",
    "ngettext",
    "record_adoption",
    "shared_template",
    "template_adoption",
    "notify",
    "optional_id",
    "paginate",
    "parse_date",
    "parse_datetime",
    "parse_id",
    "parse_month",
    "parse_int",
    "parse_time",
    "pgettext",
    "plugin_settings",
    "public",
    "publish_shared_template",
    "render",
    "run_once",
    "send_to_office",
    "show_messages_in",
    "shared_template_in_force",
    "shared_template_versions",
    "shared_templates",
    "stripe_client",
    "requires",
    "tenant_foreign_key",
    "tenant_scope",
    "to_local",
    "translator",
    "utcnow",
    "verify_stripe_webhook",
    "writes_on_get",
    "xlsx_response",
]
