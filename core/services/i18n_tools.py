"""Translation catalogues: one per package (core, each plugin), each with zh_Hans and en.

    python -m core.services.i18n_tools update [DIR]   # extract, merge, fill English, compile
    python -m core.services.i18n_tools check  [DIR]   # exit 1 if a message lacks a translation

DIR limits the work to one catalogue: ``core`` or a plugin folder such as ``plugins/notices``.
Plugins (vendors' too) use the public command built on these helpers:
``flask plugins i18n <id> [extract|update|compile|check]`` (``core/cli.py``).

The source strings are English, so the ``en`` catalogue is filled from them; the
``zh_Hans`` catalogue is written by people. Both .po and .mo are committed;
``tests/core/test_i18n.py`` fails when they drift apart or a message is untranslated.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from core.services.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]  # the repository (this file: core/services/)
LOCALES = tuple(LANGUAGES)
METHOD_MAP = [("**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n", "silent": "false"}}
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
    "npgettext": ((1, "c"), 2, 3),
    "lazy_gettext": None,
    "_l": None,
    "pgettext": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
}


def catalogue_roots(only: str | None = None) -> list[tuple[Path, list[Path], Path]]:
    """(name root, source dirs, translations dir) for core and each built-in plugin."""
    roots = [
        (
            ROOT,
            [ROOT / "core", ROOT / "tenants", ROOT / "templates"],
            ROOT / "core" / "translations",
        )
    ]
    for plugin in sorted((ROOT / "plugins").iterdir()):
        if (plugin / "__init__.py").exists():
            roots.append((plugin, [plugin], plugin / "translations"))
    if only:
        wanted = (ROOT / only).resolve()
        roots = [r for r in roots if r[0] == wanted or (only == "core" and r[0] == ROOT)]
    return roots


def extract(sources: list[Path]) -> Catalog:
    template = Catalog(project="gongzhi", fuzzy=False)
    for source in sources:
        for filename, lineno, message, comments, context in extract_from_dir(
            source, METHOD_MAP, OPTIONS, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
        ):
            template.add(
                message,
                None,
                # Relative: catalogues must not depend on where the checkout lies.
                [(f"{source.name}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return template


def po_path(translations: Path, locale: str) -> Path:
    return translations / locale / "LC_MESSAGES" / "messages.po"


def load(path: Path, locale: str) -> Catalog:
    if path.exists():
        with path.open("rb") as fh:
            return read_po(fh, locale=locale)
    return Catalog(locale=locale, project="gongzhi")


def update_catalogue(sources: list[Path], translations: Path, locations: bool = True) -> None:
    """Extract ``sources``, merge into both locales' catalogues in ``translations``, fill
    English from the source texts, write .po and compile .mo. Any plugin package can call
    this on its own folders (the example plugin does)."""
    template = extract(sources)
    for locale in LOCALES:
        path = po_path(translations, locale)
        catalog = load(path, locale)
        catalog.update(template, no_fuzzy_matching=True)
        for message in catalog:
            if not message.id:
                continue
            if locale == "en" and not _translated(message):
                message.string = message.id
            message.flags.discard("fuzzy")
        catalog.obsolete.clear()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, sort_output=True, no_location=not locations)
        with path.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)


def write_template(sources: list[Path], translations: Path) -> tuple[Path, int]:
    """Extract ``sources`` into ``translations/messages.pot``; (its path, message count)."""
    template = extract(sources)
    path = translations / "messages.pot"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, template, width=100, sort_output=True)
    return path, sum(1 for message in template if message.id)


def compile_catalogue(translations: Path) -> list[Path]:
    """Compile each locale's .po in ``translations`` to its .mo; the .mo files written."""
    written = []
    for locale in LOCALES:
        path = po_path(translations, locale)
        if path.exists():
            with path.with_suffix(".mo").open("wb") as fh:
                write_mo(fh, load(path, locale), use_fuzzy=False)
            written.append(path.with_suffix(".mo"))
    return written


def problems(sources: list[Path], translations: Path) -> list[str]:
    """Everything a catalogue check reports: untranslated texts, and .mo files that are
    missing or do not match their .po."""
    found = untranslated(sources, translations)
    for locale in LOCALES:
        if po_path(translations, locale).exists() and not compiled_matches(translations, locale):
            found.append(f"{locale}: the .mo is missing or stale (compile it)")
    return found


def update(only: str | None = None) -> None:
    for _root, sources, translations in catalogue_roots(only):
        update_catalogue(sources, translations)


def _translated(message) -> bool:
    if isinstance(message.string, tuple | list):
        return all(message.string)
    return bool(message.string)


def untranslated(sources: list[Path], translations: Path) -> list[str]:
    """Texts in ``sources`` lacking a translation in ``translations``: ``locale: text``."""
    template = extract(sources)
    problems = []
    for locale in LOCALES:
        catalog = load(po_path(translations, locale), locale)
        for message in template:
            if not message.id:
                continue
            found = catalog.get(message.id, message.context)
            if found is None or not _translated(found):
                key = message.id if isinstance(message.id, str) else message.id[0]
                problems.append(f"{locale}: {key}")
    return problems


def missing(only: str | None = None) -> list[str]:
    """Messages in the code without a translation, as ``name/locale: msgid`` lines."""
    return [
        f"{translations.parent.name}/{problem}"
        for _root, sources, translations in catalogue_roots(only)
        for problem in untranslated(sources, translations)
    ]


def compiled_messages(catalog: Catalog) -> dict:
    """What gettext reads from a compiled catalogue: each message's (context, id or plural
    ids) with its translation(s), and the plural rule. Headers that only describe the file
    (``Generated-By``, dates, translator) are left out: they differ between Babel versions
    and machines without changing a single translation."""
    messages = {
        (message.context, _as_key(message.id)): _as_key(message.string)
        for message in catalog
        if message.id
    }
    plural_rule = (catalog.num_plurals, "".join(catalog.plural_expr.split()))
    return {"plural rule": plural_rule, "messages": messages}


def _as_key(value):
    return tuple(value) if isinstance(value, tuple | list) else value


def compiled_matches(translations: Path, locale: str) -> bool:
    """True if the committed .mo holds the messages the committed .po compiles to.

    The .po is compiled in memory and read back, so fuzzy, obsolete and untranslated
    entries are dropped (and empty plural forms filled) exactly as the compiler does;
    then its messages are compared with the committed .mo's, not the bytes."""
    path = po_path(translations, locale)
    mo = path.with_suffix(".mo")
    if not mo.exists():
        return False
    buffer = io.BytesIO()
    write_mo(buffer, load(path, locale), use_fuzzy=False)
    buffer.seek(0)
    with mo.open("rb") as fh:
        committed = read_mo(fh)
    return compiled_messages(committed) == compiled_messages(read_mo(buffer))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    only = sys.argv[2] if len(sys.argv) > 2 else None
    if command == "update":
        update(only)
        todo = missing(only)
        print(f"catalogues updated; {len(todo)} messages still need a translation")
        for line in todo[:50]:
            print("  ", line)
    elif command == "check":
        todo = missing(only)
        for line in todo:
            print(line)
        sys.exit(1 if todo else 0)
