"""Languages: 简体中文 (default) and English. Locale and time zone selection."""

from __future__ import annotations

from flask import g, has_request_context, request, session
from flask_babel import get_locale

LANGUAGES = {"zh_Hans": "简体中文", "en": "English"}
DEFAULT_LOCALE = "zh_Hans"


def select_locale() -> str:
    """Session choice, then the user's saved choice, then the community's default."""
    if has_request_context():
        chosen = session.get("locale")
        if chosen in LANGUAGES:
            return chosen
        from flask_login import current_user

        if getattr(current_user, "is_authenticated", False) and current_user.locale in LANGUAGES:
            return current_user.locale
        tenant = g.get("tenant")
        if tenant is not None and tenant.default_locale in LANGUAGES:
            return tenant.default_locale
        best = request.accept_languages.best_match(["zh", "en"]) if request else None
        if best == "en":
            return "en"
    return DEFAULT_LOCALE


def select_timezone() -> str:
    tenant = g.get("tenant") if has_request_context() else None
    return tenant.timezone if tenant is not None else "Asia/Shanghai"


def current_locale() -> str:
    try:
        locale = get_locale()
    except Exception:  # outside a request: default
        return DEFAULT_LOCALE
    if locale is None:
        return DEFAULT_LOCALE
    return "en" if locale.language == "en" else "zh_Hans"


def localized(labels: dict[str, str] | str | None, locale: str | None = None) -> str:
    """Pick the current language from a ``{"zh_Hans": …, "en": …}`` label."""
    if labels is None:
        return ""
    if isinstance(labels, str):
        return labels
    locale = locale or current_locale()
    return labels.get(locale) or labels.get(DEFAULT_LOCALE) or next(iter(labels.values()), "")
