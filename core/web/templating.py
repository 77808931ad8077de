"""Jinja globals and filters shared by core and plugin templates."""

from __future__ import annotations

from datetime import date as date_type
from datetime import datetime

from flask import Flask, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import to_user_timezone
from flask_login import current_user
from markupsafe import Markup

from core.community.permissions import has_permission, membership
from core.plugins.gateway import gateway
from core.services.i18n import LANGUAGES, current_locale, localized
from core.services.time import as_aware
from core.web.form_feedback import page_messages, region_messages
from core.web.joining import pending_join_requests
from core.web.page_cache import kept_fragment
from core.web.template_catalogues import (
    PluginCatalogues,
    plugin_gettext,
    plugin_ngettext,
    plugin_npgettext,
    plugin_pgettext,
)
from tenants.context import current_community


def money(fen: int | None) -> str:
    """Integer fen -> ``¥1,234.50``."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


# The two fixed patterns Babel would format ("yyyy年M月d日" and "yyyy-MM-dd", then "HH:mm"),
# written out: a long list formats dozens of dates, and Babel's general formatter costs
# more than the rest of a row. The time zone is Flask-Babel's (the community's).
def _day(local: date_type) -> str:
    if current_locale() == "en":
        return f"{local.year:04d}-{local.month:02d}-{local.day:02d}"
    return f"{local.year:04d}年{local.month}月{local.day}日"


def date(value: datetime | date_type | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, datetime):  # a calendar day already: no time zone to apply
        return _day(value)
    return _day(to_user_timezone(as_aware(value)))


def datetime_(value: datetime | None) -> str:
    if value is None:
        return ""
    local = to_user_timezone(as_aware(value))
    return f"{_day(local)} {local.hour:02d}:{local.minute:02d}"


def nav_entries() -> list[dict]:
    """The community menu: enabled plugins' items the user may see, in explicit order.

    A plugin whose ``nav_items`` raised has no entry (its failure is logged)."""
    if current_community() is None:
        return []
    collected = gateway().collect("nav_items", allowed=has_permission, user=current_user)
    return [
        {
            "plugin": entry.plugin_id,
            "label": localized(entry.item.label),
            "url": url_for(entry.item.endpoint, **entry.item.url_values),
            "order": entry.order,
            "endpoint": entry.item.endpoint,
        }
        for entry in collected
        if not entry.failed
    ]


def _core_menu_items() -> tuple[list[dict], list[dict]]:
    """Core's entries before and after the plugins' (label, endpoint), for this user."""
    first = [{"plugin": "", "label": _("Dashboard"), "url": url_for("community.dashboard")}]
    last = [{"plugin": "", "label": _("Search"), "url": url_for("community.search")}]
    if has_permission("core.members"):
        last.append({"plugin": "", "label": _("Members"), "url": url_for("community.members")})
    # Join requests show only while some wait, with their count (core/web/joining.py).
    waiting = pending_join_requests()
    if waiting:
        last.append(
            {
                "plugin": "",
                "label": _("Join requests"),
                "url": url_for("joining.requests"),
                "badge": waiting,
                "badge_id": "join-requests-count",
            }
        )
    for permission, label, endpoint in (
        ("core.settings", _("Settings"), "community.settings"),
        ("core.audit", _("Audit log"), "community.audit_log"),
    ):
        if has_permission(permission):
            last.append({"plugin": "", "label": label, "url": url_for(endpoint)})
    return first, last


def _menu_match(entry: dict, path: str, blueprint: str | None) -> int:
    """How well an entry names the current page: 3 its own URL, 2 a page under it (the
    longer URL wins), 1 a page of its plugin; 0 not at all."""
    url = entry["url"].split("?", 1)[0]
    if path == url:
        return 3 * 10_000
    # The dashboard's URL is the prefix of every community page: only itself matches it.
    if entry["url"] != url_for("community.dashboard") and path.startswith(url.rstrip("/") + "/"):
        return 2 * 10_000 + len(url)
    return 1 if entry["plugin"] and entry["plugin"] == blueprint else 0


def community_menu() -> list[dict]:
    """The community menu with exactly one entry marked ``current`` (the one that best
    names the page), or none on pages outside the menu (the account page)."""
    if current_community() is None:
        return []
    first, last = _core_menu_items()
    entries = first + nav_entries() + last
    path = request.path
    blueprint = request.blueprints[0] if request.blueprints else None
    scores = [_menu_match(entry, path, blueprint) for entry in entries]
    best = max(scores, default=0)
    chosen = scores.index(best) if best else -1
    return [dict(entry, current=index == chosen) for index, entry in enumerate(entries)]


def community_menu_html() -> Markup:
    """The rendered menu, kept per page path (the current entry) like a page's piece: a
    write elsewhere leaves it as it is."""
    return kept_fragment(f"menu:{request.path}", lambda: render_template("_community_menu.html"))


def plugin_stylesheets() -> list[str]:
    """URLs of the stylesheets of the plugins the current community has on."""
    if current_community() is None:
        return []
    sheets = current_app.extensions.get("gongzhi.plugin_stylesheets", {})
    enabled = gateway().enabled
    return [
        url_for("plugin_static", plugin_id=pid, filename=name)
        for pid, name in sorted(sheets.items())
        if pid in enabled
    ]


def slot(name: str, **context) -> Markup:
    """What enabled plugins put into a named place of a page (a failure: "unavailable")."""
    if current_community() is None:
        return Markup("")
    parts = gateway().call_isolated("template_slot", slot=name, user=current_user, context=context)
    return Markup("").join(Markup(part) if isinstance(part, str) else part for _, part in parts)


def plugin_label(plugin_id: str) -> str:
    """A plugin's name in the page's language ("" for one that is not installed)."""
    record = current_app.extensions["gongzhi.plugins"].get(plugin_id)
    return localized(record.meta.label) if record and record.meta else ""


def community_context() -> dict:
    """``community``: the community in scope (or None) in every template."""
    return {"community": current_community()}


def typed(value) -> Markup:
    """Text people typed (a name, a title), marked as data in the page: ``<bdi data-user>``
    keeps its direction apart from the words around it, and the page-language test knows
    that it is not UI text. Empty values give nothing."""
    if value is None or value == "":
        return Markup("")
    return Markup("<bdi data-user>%s</bdi>") % value


def dict_without(args, key: str) -> dict:
    """Query arguments minus one key (for pager links that keep the filters)."""
    return {k: v for k, v in args.items() if k != key}


def install(app: Flask) -> None:
    catalogues = app.extensions["gongzhi.catalogues"]
    app.jinja_env.add_extension(PluginCatalogues)
    app.jinja_env.extend(gongzhi_plugin_ids=catalogues.plugin_ids)
    app.jinja_env.filters.update(
        money=money,
        date=date,
        datetime=datetime_,
        localized=localized,
        dict_without=dict_without,
        typed=typed,
    )
    app.jinja_env.globals.update(
        nav_entries=nav_entries,
        community_menu=community_menu,
        community_menu_html=community_menu_html,
        page_messages=page_messages,
        region_messages=region_messages,
        plugin_stylesheets=plugin_stylesheets,
        slot=slot,
        has_permission=has_permission,
        membership=membership,
        localized=localized,
        current_locale=current_locale,
        LANGUAGES=LANGUAGES,
        plugin_label=plugin_label,
        plugin_gettext=plugin_gettext,
        plugin_ngettext=plugin_ngettext,
        plugin_pgettext=plugin_pgettext,
        plugin_npgettext=plugin_npgettext,
    )
    app.context_processor(community_context)
