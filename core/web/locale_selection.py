"""Which language and time zone a page is in (Flask-Babel's selectors)."""

from __future__ import annotations

from flask import has_request_context, request, session

from core.services.i18n import DEFAULT_LOCALE, LANGUAGES
from core.services.time import DEFAULT_TIMEZONE
from tenants.context import current_community


def select_locale() -> str:
    """Session choice, then the user's saved choice, then the community's default."""
    if has_request_context():
        chosen = session.get("locale")
        if chosen in LANGUAGES:
            return chosen
        from flask_login import current_user

        if getattr(current_user, "is_authenticated", False) and current_user.locale in LANGUAGES:
            return current_user.locale
        tenant = current_community()
        if tenant is not None and tenant.default_locale in LANGUAGES:
            return tenant.default_locale
        best = request.accept_languages.best_match(["zh", "en"]) if request else None
        if best == "en":
            return "en"
    return DEFAULT_LOCALE


def select_timezone() -> str:
    tenant = current_community()
    return tenant.timezone if tenant is not None else DEFAULT_TIMEZONE
