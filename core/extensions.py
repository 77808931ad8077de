"""Flask extensions, created once and bound to each app in the factory."""

from __future__ import annotations

from flask import current_app
from flask_babel import Babel, Domain, _get_current_context, get_locale
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from core import sqlite  # noqa: F401  (SQLite pragmas and BEGIN; registered on import)

# Stable constraint names so Alembic can drop/alter them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class _PerAppDomain(Domain):
    """Flask-Babel caches catalogues on its one ``Babel`` object by locale only; each app
    has its own plugin set (and so its own catalogues), so the cache lives on the app."""

    def get_translations_cache(self, ctx):
        return current_app.extensions.setdefault("gongzhi.translations", {})

    def get_translations(self):
        """Every ``_()`` of a page asks for the catalogue: remember it on the request
        context, per locale (so ``force_locale`` still switches it)."""
        ctx = _get_current_context()
        if ctx is None:
            return super().get_translations()
        locale = get_locale()
        memo = getattr(ctx, "gongzhi_translations", None)
        if memo is not None and memo[0] is locale:
            return memo[1]
        translations = super().get_translations()
        ctx.gongzhi_translations = (locale, translations)
        return translations


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
babel.domain_instance = _PerAppDomain(domain="messages")
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = Htmx()
cache = Cache()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
