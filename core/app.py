"""The application factory."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import flask_babel
from flask import Flask, session
from flask_babel import lazy_gettext
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from core import config as config_module
from core.extensions import (
    babel,
    cache,
    csrf,
    db,
    htmx,
    install_template_gettext,
    limiter,
    login_manager,
    migrate,
)
from core.plugins.host import PluginHost
from core.services.i18n import DEFAULT_LOCALE
from core.services.parsing import BIGINT_MAX, parse_id
from core.web.http_request import GongzhiRequest

ROOT = config_module.ROOT


def create_app(
    overrides: dict[str, Any] | None = None,
    plugins: list[str] | None = None,
    extra_plugins: dict[str, Any] | None = None,
) -> Flask:
    """Build an app.

    ``plugins`` limits which installed entry-point plugins load (None: all; also the
    ``GONGZHI_PLUGINS`` variable). ``extra_plugins`` registers plugin objects directly
    (``{"id": module}``), as tests and the vendor kit do.
    """
    app = Flask(
        "gongzhi",
        root_path=str(ROOT / "core"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "core" / "static"),
        instance_path=str(Path(os.environ.get("GONGZHI_INSTANCE", ROOT / "instance"))),
    )
    app.url_map.converters["int"] = DatabaseInt
    app.config.update(config_module.from_environment())
    app.config.update(overrides or {})
    _init_logging(app)

    from core import sqlite
    from tenants import scoping

    db.init_app(app)
    scoping.install(db)
    sqlite.install()
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # Flask-Login's own message is English only.
    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    csrf.init_app(app)
    htmx.init_app(app)
    app.request_class = GongzhiRequest  # htmx-aware too; see core/web/http_request.py
    cache.init_app(app)
    limiter.init_app(app)

    from core.community.events import install as install_events

    install_events()

    host = PluginHost(strict=app.config["PLUGINS_STRICT"])
    app.extensions["gongzhi.plugins"] = host
    only = plugins if plugins is not None else app.config.get("PLUGINS_ONLY")
    host.load_entry_points(only=only)
    for plugin_id, obj in (extra_plugins or {}).items():
        host.add(plugin_id, obj)

    _init_i18n(app, host)
    from tenants import resolution

    resolution.install(app, signed_in=_signed_in_id)
    _register_core(app)
    from core.web.plugin_routes import mount_plugins

    mount_plugins(app, host)
    from core.community.permissions import check_permission_names

    check_permission_names(app, [ROOT / "core", ROOT / "templates"])
    from core.plugins.migrations import configure_migrations

    configure_migrations(app, host)
    if app.config.get("TENANT_SUBDOMAINS") and app.config.get("SERVER_NAME"):
        app.wsgi_app = resolution.SubdomainToPath(app.wsgi_app, app.config["SERVER_NAME"])
        # One sign-in for every community's subdomain.
        if not app.config.get("SESSION_COOKIE_DOMAIN"):
            app.config["SESSION_COOKIE_DOMAIN"] = app.config["SERVER_NAME"].split(":")[0]
    if app.config.get("PROXY_HOPS"):
        # Outermost, so rate limits, logs and the scheme see the client's request. Only
        # when configured: otherwise anyone could set X-Forwarded-For and pick an address.
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    return app


class DatabaseInt(IntegerConverter):
    """``<int:…>`` in ASCII digits, limited to what a BIGINT holds: a longer number (or
    another script's digits, which ``\\d`` matches) is a 404, not an overflow inside the
    database driver."""

    regex = r"[0-9]+"

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", BIGINT_MAX)
        super().__init__(map, *args, **kwargs)


def _init_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )


def _init_i18n(app: Flask, host: PluginHost) -> None:
    from core.plugins import translations
    from core.web.locale_selection import select_locale, select_timezone

    # Core reads only its own catalogue; each plugin has its own domain, its catalogue
    # first and core's as the fallback (core/plugins/translations.py): nobody's words
    # change anybody else's.
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(translations.CORE_TRANSLATIONS)
    translations.install(app, host)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_template_gettext(app)

    @app.before_request
    def _choose_language_again():
        # An app context may outlive one request (pytest-flask pushes one per test, so a
        # vendor's test clients share it): the language Flask-Babel memoised on ``g`` for
        # the previous request must not carry over (tenants.resolution does the same for
        # the signed-in user).
        flask_babel.refresh()


def _signed_in_id() -> int | None:
    """The user id the request's session names (Flask-Login's key), for the community
    resolver to load the membership with the community; the login loader checks it."""
    return parse_id(session.get("_user_id"))


def _register_core(app: Flask) -> None:
    from core import cli
    from core.community.events import flush_deliveries
    from core.community.permissions import membership_of
    from core.models import User
    from core.web import (
        auth,
        billing,
        community_pages,
        errors,
        joining,
        notifications,
        office_templates,  # noqa: F401  (its pages are on the offices blueprint)
        offices,
        operator,
        operator_offices,
        page_cache,
        security,
        static_files,
        templating,
    )
    from tenants.context import current_community

    @login_manager.user_loader
    def _load_user(user_id: str):
        user_id = parse_id(user_id)
        if user_id is None:
            return None
        community = current_community()
        if community is not None:  # a community page asks for the membership anyway
            member = membership_of(community, user_id)
            if member is not None:
                return member.user
        return db.session.get(User, user_id)

    app.register_blueprint(auth.bp)
    app.register_blueprint(community_pages.bp)
    app.register_blueprint(operator.bp)
    app.register_blueprint(offices.bp)
    app.register_blueprint(operator_offices.bp)
    billing.install(app)
    joining.install(app)
    notifications.install(app)
    errors.install(app)
    security.install(app)
    templating.install(app)
    static_files.install(app)
    page_cache.install(app)  # after the others' before_request hooks
    cli.install(app)

    @app.after_request
    def _deliver_events(response):
        flush_deliveries()
        return response

    @app.teardown_request
    def _end_session(_exc):
        # Normally done when the app context ends; a reused app context must not keep
        # the request's transaction (and SQLite's write lock) open.
        try:
            db.session.remove()
        except SQLAlchemyError as exc:
            # A connection the database dropped cannot roll back; it is discarded anyway.
            # Raising here would turn the 503 already answered into the server's bare 500.
            db.session.registry.clear()
            if not errors.database_unreachable(exc):
                raise
