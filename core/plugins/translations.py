"""Each plugin's own translation domain: its catalogue first, core's as the fallback.

A plugin's words never change core's (core's catalogue is the only one core reads), and
core's never change a plugin's: "Name" may be 名称 in a plugin and 姓名 in core. Python code
gets the plugin's gettext family from :func:`translator`; templates under ``<id>/`` are
bound to the plugin's catalogue when they are compiled (``core/web/template_catalogues.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import Domain, LazyString, get_domain

from core.plugins.host import LoadedPlugin, PluginHost

CORE_TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"
# One Domain (and so one load of each .mo file) per set of folders, for the whole process:
# tests build many apps with the same plugins.
_domains: dict[tuple[str, ...], Domain] = {}


def catalogue_folder(record: LoadedPlugin) -> Path | None:
    """Where a plugin keeps (or will keep) its catalogues: ``meta.translations``, else
    ``translations/`` beside its module."""
    if record.meta is not None and record.meta.translations:
        return Path(record.meta.translations)
    return record.package_dir / "translations" if record.package_dir is not None else None


def translations_folder(record: LoadedPlugin) -> Path | None:
    """The plugin's catalogue folder if it exists."""
    folder = catalogue_folder(record)
    return folder if folder is not None and folder.is_dir() else None


def source_folders(record: LoadedPlugin) -> list[Path]:
    """The folders whose texts go into a plugin's catalogue: its package."""
    return [record.package_dir] if record.package_dir is not None else []


def _domain_for(folders: tuple[str, ...]) -> Domain:
    domain = _domains.get(folders)
    if domain is None:
        # Flask-Babel merges the folders in order, later ones winning: the plugin's last.
        domain = _domains[folders] = Domain(translation_directories=list(folders))
    return domain


class Catalogues:
    """The app's translation domains: one per active plugin, each plugin-first."""

    def __init__(self, host: PluginHost) -> None:
        self._domains: dict[str, Domain] = {}
        for record in host.active():
            folder = translations_folder(record)
            folders = (str(CORE_TRANSLATIONS),) + ((str(folder),) if folder else ())
            self._domains[record.id] = _domain_for(folders)

    @property
    def plugin_ids(self) -> frozenset[str]:
        return frozenset(self._domains)

    def domain(self, plugin_id: str) -> Domain:
        """The plugin's domain; core's (the request's default) for an unknown id."""
        return self._domains.get(plugin_id) or get_domain()


def install(app, host: PluginHost) -> Catalogues:
    catalogues = Catalogues(host)
    app.extensions["gongzhi.catalogues"] = catalogues
    return catalogues


def domain_of(plugin_id: str) -> Domain:
    """The plugin's domain in the current app (core's outside an app or for an unknown id)."""
    catalogues = current_app.extensions.get("gongzhi.catalogues") if has_app_context() else None
    return catalogues.domain(plugin_id) if catalogues else get_domain()


@dataclass(frozen=True)
class Translator:
    """A plugin's gettext family: its own catalogue first, core's as the fallback.

    ``_, _l, ngettext, pgettext = translator("survey")`` unpacks the four everyday
    functions (always these four, in this order); the others are attributes. Texts are
    translated when called (``lazy_*``: when shown), in the language of the request;
    outside a request they come back untranslated.
    """

    plugin_id: str

    def gettext(self, string: str, **variables) -> str:
        return domain_of(self.plugin_id).gettext(string, **variables)

    def ngettext(self, singular: str, plural: str, num: int, **variables) -> str:
        return domain_of(self.plugin_id).ngettext(singular, plural, num, **variables)

    def pgettext(self, context: str, string: str, **variables) -> str:
        return domain_of(self.plugin_id).pgettext(context, string, **variables)

    def npgettext(self, context: str, singular: str, plural: str, num: int, **variables) -> str:
        return domain_of(self.plugin_id).npgettext(context, singular, plural, num, **variables)

    def lazy_gettext(self, string: str, **variables) -> LazyString:
        return LazyString(self.gettext, string, **variables)

    def lazy_ngettext(self, singular: str, plural: str, num: int, **variables) -> LazyString:
        return LazyString(self.ngettext, singular, plural, num, **variables)

    def lazy_pgettext(self, context: str, string: str, **variables) -> LazyString:
        return LazyString(self.pgettext, context, string, **variables)

    def __iter__(self) -> Iterator:
        return iter((self.gettext, self.lazy_gettext, self.ngettext, self.pgettext))


def translator(plugin_id: str) -> Translator:
    """The gettext family of plugin ``plugin_id``: ``_, _l, ngettext, pgettext =
    translator("survey")`` in one module of the plugin, imported by the others."""
    return Translator(plugin_id)
