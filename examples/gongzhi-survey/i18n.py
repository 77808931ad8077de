"""Translations of the survey plugin: extract, merge, fill English, compile; or check.

    python i18n.py update    # after changing texts; then translate zh_Hans in the .po
    python i18n.py check     # exit 1 if a text lacks a translation (the tests run this)

Reuses the platform's catalogue helpers (``core.services.i18n_tools``) on our own folder. Source
texts are English, so the ``en`` catalogue fills itself; ``zh_Hans`` is written by people.
Both the .po and the compiled .mo files ship in the package.
"""

from __future__ import annotations

import sys
from pathlib import Path

from core.services.i18n_tools import untranslated, update_catalogue

PACKAGE = Path(__file__).resolve().parent / "gongzhi_survey"
TRANSLATIONS = PACKAGE / "translations"


def update() -> None:
    update_catalogue([PACKAGE], TRANSLATIONS, locations=False)


def missing() -> list[str]:
    return untranslated([PACKAGE], TRANSLATIONS)


if __name__ == "__main__":
    if sys.argv[1:] == ["update"]:
        update()
    todo = missing()
    print("\n".join(todo) or "every text is translated")
    sys.exit(1 if todo else 0)
