"""Flask extensions, created once and bound to each app in the factory."""

from __future__ import annotations

from flask import current_app, g
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


def current_translations():
    """The page's catalogue: what every ``_()`` in a template asks for, found with one
    lookup once ``_PerAppDomain`` remembered it for this request and locale."""
    try:
        babel_ctx = g._flask_babel
    except (AttributeError, RuntimeError):  # Flask-Babel has not started on this request
        return babel.domain_instance.get_translations()
    memo = getattr(babel_ctx, "gongzhi_translations", None)
    if memo is not None and memo[0] is getattr(babel_ctx, "babel_locale", None):
        return memo[1]
    return babel.domain_instance.get_translations()


def install_template_gettext(app) -> None:
    """Flask-Babel's template callables, minus its per-call domain and locale lookups."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current_translations().ugettext(s),
        ngettext=lambda s, p, n: current_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_translations().unpgettext(c, s, p, n),
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
babel.domain_instance = _PerAppDomain(domain="messages")
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = Htmx()
cache = Cache()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
