"""Languages: 简体中文 (default) and English; picking a label in the page's language."""

from __future__ import annotations

from flask_babel import get_locale

LANGUAGES = {"zh_Hans": "简体中文", "en": "English"}
DEFAULT_LOCALE = "zh_Hans"


def current_locale() -> str:
    """The page's language, ``"zh_Hans"`` or ``"en"``; the default outside a request."""
    try:
        locale = get_locale()
    except Exception:  # outside a request: default
        return DEFAULT_LOCALE
    if locale is None:
        return DEFAULT_LOCALE
    return "en" if locale.language == "en" else DEFAULT_LOCALE


def localized(labels: dict[str, str] | str | None, locale: str | None = None) -> str:
    """Pick the current language from a ``{"zh_Hans": …, "en": …}`` label."""
    if labels is None:
        return ""
    if isinstance(labels, str):
        return labels
    locale = locale or current_locale()
    return labels.get(locale) or labels.get(DEFAULT_LOCALE) or next(iter(labels.values()), "")


def in_every_language(text) -> dict[str, str]:
    """``{"zh_Hans": …, "en": …}``: a translatable text (a lazy string) in each language,
    e.g. to accept a label typed in either language."""
    from flask_babel import force_locale

    words = {}
    for locale in LANGUAGES:
        with force_locale(locale):
            words[locale] = str(text)
    return words
