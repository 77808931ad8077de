"""Translations of the survey plugin: extract, merge, fill English, compile; or check.

    python i18n.py update    # after changing texts; then translate zh_Hans in the .po
    python i18n.py check     # exit 1 if a text lacks a translation (the tests run this)

Reuses the platform's catalogue helpers (``core.i18n_tools``) on our own folder. Source
texts are English, so the ``en`` catalogue fills itself; ``zh_Hans`` is written by people.
Both the .po and the compiled .mo files ship in the package.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from core.i18n_tools import LOCALES, extract, load, po_path

PACKAGE = Path(__file__).resolve().parent / "gongzhi_survey"
TRANSLATIONS = PACKAGE / "translations"


def update() -> None:
    template = extract([PACKAGE])
    for locale in LOCALES:
        path = po_path(TRANSLATIONS, locale)
        catalog = load(path, locale)
        catalog.update(template, no_fuzzy_matching=True)
        for message in catalog:
            if message.id and locale == "en" and not all(message.string or ("",)):
                message.string = message.id  # a plural's id is (singular, plural) already
            message.flags.discard("fuzzy")
        catalog.obsolete.clear()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, sort_output=True, no_location=True)
        with path.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)


def missing() -> list[str]:
    template = extract([PACKAGE])
    problems = []
    for locale in LOCALES:
        catalog = load(po_path(TRANSLATIONS, locale), locale)
        for message in template:
            found = catalog.get(message.id, message.context) if message.id else None
            strings = found.string if found else None
            if message.id and not (all(strings) if isinstance(strings, tuple) else strings):
                key = message.id if isinstance(message.id, str) else message.id[0]
                problems.append(f"{locale}: {key}")
    return problems


if __name__ == "__main__":
    if sys.argv[1:] == ["update"]:
        update()
    todo = missing()
    print("\n".join(todo) or "every text is translated")
    sys.exit(1 if todo else 0)
