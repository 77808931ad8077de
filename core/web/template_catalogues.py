"""Each plugin's templates speak with its own catalogue (its words first, core's next).

``_("Name")`` written in a template under ``survey/`` is compiled as
``plugin_gettext("survey", "Name")``: the binding is made where the text is written, so a
core layout that a plugin page extends keeps core's words, and a plugin macro keeps the
plugin's wherever it is called. Installed by ``core.web.templating.install``.
"""

from __future__ import annotations

from jinja2 import nodes, pass_context
from jinja2.ext import InternationalizationExtension
from jinja2.lexer import Token
from markupsafe import Markup

from core.plugins.translations import domain_of

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
