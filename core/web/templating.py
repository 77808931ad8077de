"""Jinja globals and filters shared by core and plugin templates."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g, url_for
from flask_babel import format_date, format_datetime
from flask_login import current_user
from markupsafe import Markup

from core.community.permissions import has_permission, membership
from core.plugins.gateway import call_isolated, enabled_plugins, host
from core.services.i18n import LANGUAGES, current_locale, localized
from core.services.time import as_aware


def money(fen: int | None) -> str:
    """Integer fen -> ``¥1,234.50``."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


def date(value: datetime | None) -> str:
    if value is None:
        return ""
    if current_locale() == "en":
        return format_date(as_aware(value), "yyyy-MM-dd")
    return format_date(as_aware(value), "yyyy年M月d日")


def datetime_(value: datetime | None) -> str:
    if value is None:
        return ""
    if current_locale() == "en":
        return format_datetime(as_aware(value), "yyyy-MM-dd HH:mm")
    return format_datetime(as_aware(value), "yyyy年M月d日 HH:mm")


def nav_entries() -> list[dict]:
    """The community menu: enabled plugins' items the user may see, in explicit order."""
    tenant = g.get("tenant")
    if tenant is None:
        return []
    entries = []
    for plugin_id, items in call_isolated("nav_items", tenant=tenant, user=current_user):
        if not isinstance(items, list):
            continue
        for item in items:
            if item.permission and not has_permission(item.permission):
                continue
            if not item.permission and not has_permission(f"{plugin_id}.access"):
                continue
            entries.append(
                {
                    "plugin": plugin_id,
                    "label": localized(item.label),
                    "url": url_for(item.endpoint, **item.url_values),
                    "order": item.order,
                    "endpoint": item.endpoint,
                }
            )
    return sorted(entries, key=lambda e: (e["order"], e["plugin"]))


def plugin_stylesheets() -> list[str]:
    """URLs of the stylesheets of the plugins the current community has on."""
    from flask import current_app

    tenant = g.get("tenant")
    if tenant is None:
        return []
    sheets = current_app.extensions.get("gongzhi.plugin_stylesheets", {})
    enabled = enabled_plugins(tenant)
    return [
        url_for("plugin_static", plugin_id=pid, filename=name)
        for pid, name in sorted(sheets.items())
        if pid in enabled
    ]


def slot(name: str, **context) -> Markup:
    tenant = g.get("tenant")
    if tenant is None:
        return Markup("")
    parts = call_isolated(
        "template_slot", tenant=tenant, slot=name, user=current_user, context=context
    )
    return Markup("").join(Markup(part) if isinstance(part, str) else part for _, part in parts)


def dict_without(args, key: str) -> dict:
    """Query arguments minus one key (for pager links that keep the filters)."""
    return {k: v for k, v in args.items() if k != key}


def install(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=money, date=date, datetime=datetime_, localized=localized, dict_without=dict_without
    )
    app.jinja_env.globals.update(
        nav_entries=nav_entries,
        plugin_stylesheets=plugin_stylesheets,
        slot=slot,
        has_permission=has_permission,
        membership=membership,
        localized=localized,
        current_locale=current_locale,
        LANGUAGES=LANGUAGES,
        plugin_host=host,
    )
