"""Jinja globals and filters shared by core and plugin templates."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, url_for
from flask_babel import format_date, format_datetime
from flask_login import current_user
from jinja2 import nodes, pass_context
from jinja2.ext import InternationalizationExtension
from jinja2.lexer import Token
from markupsafe import Markup

from core.community.permissions import has_permission, membership
from core.plugins.gateway import gateway
from core.plugins.translations import domain_of
from core.services.i18n import LANGUAGES, current_locale, localized
from core.services.time import as_aware
from tenants.context import current_community


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


def dict_without(args, key: str) -> dict:
    """Query arguments minus one key (for pager links that keep the filters)."""
    return {k: v for k, v in args.items() if k != key}


# ----- each plugin's templates speak with its own catalogue --------------------------------
# ``_("Name")`` written in a template under ``survey/`` is compiled as
# ``plugin_gettext("survey", "Name")``: the binding is made where the text is written, so a
# core layout that a plugin page extends keeps core's words, and a plugin macro keeps the
# plugin's wherever it is called.
PLUGIN_CALLS = {
    "_": "plugin_gettext",
    "gettext": "plugin_gettext",
    "ngettext": "plugin_ngettext",
    "pgettext": "plugin_pgettext",
    "npgettext": "plugin_npgettext",
}


class PluginCatalogues(InternationalizationExtension):
    """Jinja's i18n extension, binding texts in plugin templates to the plugin's domain:
    ``_()``/``gettext()``/``ngettext()``/``pgettext()`` calls and ``{% trans %}`` blocks."""

    def _plugin_of(self, template_name: str | None) -> str | None:
        if not template_name or "/" not in template_name:
            return None
        first = template_name.split("/", 1)[0]
        return first if first in getattr(self.environment, "gongzhi_plugin_ids", ()) else None

    def filter_stream(self, stream):
        plugin_id = self._plugin_of(stream.name)
        return stream if plugin_id is None else self._bind(stream, plugin_id)

    @staticmethod
    def _bind(stream, plugin_id: str):
        previous = None
        for token in stream:
            if (
                token.type == "name"
                and token.value in PLUGIN_CALLS
                and stream.current.type == "lparen"
                and (previous is None or previous.type != "dot")
            ):
                yield Token(token.lineno, "name", PLUGIN_CALLS[token.value])
                previous = next(stream)
                yield previous
                yield Token(token.lineno, "string", plugin_id)
                yield Token(token.lineno, "comma", ",")
                continue
            previous = token
            yield token

    def parse(self, parser):
        node = super().parse(parser)
        plugin_id = self._plugin_of(parser.name)
        if plugin_id is not None:
            for call in node.find_all(nodes.Call):
                if isinstance(call.node, nodes.Name) and call.node.name in PLUGIN_CALLS:
                    call.node = nodes.Name(PLUGIN_CALLS[call.node.name], "load")
                    call.args.insert(0, nodes.Const(plugin_id))
        return node


def _finish(context, text: str, variables: dict) -> str:
    # As Jinja's new-style gettext: escaped where autoescaping is on, always %-formatted.
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


@pass_context
def plugin_gettext(context, plugin_id: str, string: str, **variables) -> str:
    return _finish(context, domain_of(plugin_id).get_translations().ugettext(string), variables)


@pass_context
def plugin_ngettext(context, plugin_id: str, singular: str, plural: str, num: int, **variables):
    variables.setdefault("num", num)
    translations = domain_of(plugin_id).get_translations()
    return _finish(context, translations.ungettext(singular, plural, num), variables)


@pass_context
def plugin_pgettext(context, plugin_id: str, msgctxt: str, string: str, **variables) -> str:
    translations = domain_of(plugin_id).get_translations()
    return _finish(context, translations.upgettext(msgctxt, string), variables)


@pass_context
def plugin_npgettext(context, plugin_id, msgctxt, singular, plural, num, **variables) -> str:
    variables.setdefault("num", num)
    translations = domain_of(plugin_id).get_translations()
    return _finish(context, translations.unpgettext(msgctxt, singular, plural, num), variables)


def install(app: Flask) -> None:
    catalogues = app.extensions["gongzhi.catalogues"]
    app.jinja_env.add_extension(PluginCatalogues)
    app.jinja_env.extend(gongzhi_plugin_ids=catalogues.plugin_ids)
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
        plugin_label=plugin_label,
        plugin_gettext=plugin_gettext,
        plugin_ngettext=plugin_ngettext,
        plugin_pgettext=plugin_pgettext,
        plugin_npgettext=plugin_npgettext,
    )
    app.context_processor(community_context)
