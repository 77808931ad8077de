"""Find the community of a request: ``/c/<slug>/…`` (default) or a subdomain (config).

Sets ``g.tenant`` and the query scope; an unknown slug is a 404.
"""

from __future__ import annotations

import re

from flask import Flask, abort, g

from core.extensions import db
from tenants.context import reset_scope, set_scope
from tenants.models import SLUG_PATTERN, Tenant

# Per-request state on ``g``. Cleared at the start of every request because an app context
# may outlive one request (pytest-flask pushes one per test; so may embedding code).
SLUG = re.compile(SLUG_PATTERN)
REQUEST_STATE = ("tenant", "_enabled_plugins", "_memberships", "_scope_token", "_login_user")


def install(app: Flask) -> None:
    @app.url_value_preprocessor
    def _resolve(_endpoint, values):
        for key in REQUEST_STATE:  # a fresh start even when an app context is reused
            g.pop(key, None)
        slug = values.pop("tenant", None) if values else None
        if slug is None:
            return
        if not SLUG.fullmatch(slug):  # not a slug any community could have: no query at all
            abort(404)
        tenant = db.session.execute(
            db.select(Tenant).where(Tenant.slug == slug)
        ).scalar_one_or_none()
        if tenant is None:
            abort(404)
        g.tenant = tenant
        g._scope_token = set_scope(tenant.id)

    @app.url_defaults
    def _add_tenant(endpoint, values):
        if "tenant" in values or g.get("tenant") is None:
            return
        if app.url_map.is_endpoint_expecting(endpoint, "tenant"):
            values["tenant"] = g.tenant.slug

    @app.teardown_request
    def _unscope(_exc):
        token = g.pop("_scope_token", None)
        if token is not None:
            try:
                reset_scope(token)
            except ValueError:  # reset from another context: set explicitly
                set_scope(None)


class SubdomainToPath:
    """WSGI middleware for ``TENANT_SUBDOMAINS``: ``slug.example.org/x`` -> ``/c/slug/x``.

    The app itself only knows path prefixes, so both forms reach the same routes.
    """

    def __init__(self, wsgi_app, base_domain: str) -> None:
        self.wsgi_app, self.base = wsgi_app, "." + base_domain.split(":")[0].lower()

    def __call__(self, environ, start_response):
        host = environ.get("HTTP_HOST", "").split(":")[0].lower()
        path = environ.get("PATH_INFO", "")
        if host.endswith(self.base) and not path.startswith(("/c/", "/static/")):
            slug = host[: -len(self.base)]
            if slug and "." not in slug and slug != "www":
                environ["PATH_INFO"] = f"/c/{slug}{path}"
        return self.wsgi_app(environ, start_response)
