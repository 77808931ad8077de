"""Find the community of a request: ``/c/<slug>/…`` (default) or a subdomain (config).

Enters the request's community scope (``tenants.context``); an unknown slug is a 404.
For a signed-in person the same statement loads their membership (with its user), so a
community page knows who is who with one query, not two.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask, abort, g
from sqlalchemy import bindparam, select

from core.extensions import db
from tenants.context import (
    ALL_TENANTS,
    CommunityScope,
    current_scope,
    membership_key,
    reset_scope,
    set_scope,
)
from tenants.models import SLUG_PATTERN, Membership, Tenant

SLUG = re.compile(SLUG_PATTERN)
_SLUG_KEY = "slug"  # in the community scope's cache
_BY_SLUG = select(Tenant).where(Tenant.slug == bindparam("slug"))  # built once, run per request
# The community and the signed-in person's membership in it (None: not a member); the
# membership's user comes with it (``Membership.user`` is joined).
_BY_SLUG_WITH_MEMBER = (
    select(Tenant, Membership)
    .outerjoin(
        Membership,
        (Membership.tenant_id == Tenant.id) & (Membership.user_id == bindparam("user_id")),
    )
    .where(Tenant.slug == bindparam("slug"))
)


def install(app: Flask, signed_in: Callable[[], int | None] = lambda: None) -> None:
    """``signed_in`` gives the id the request's session names, if any (the login layer's
    business, not this floor's): its membership is loaded with the community."""

    @app.url_value_preprocessor
    def _resolve(_endpoint, values):
        # An app context may outlive one request (pytest-flask pushes one per test; so may
        # embedding code): Flask-Login's user memo on ``g`` must not carry over. Our own
        # per-request state lives on the community scope and ends with it.
        g.pop("_login_user", None)
        slug = values.pop("tenant", None) if values else None
        if slug is None:
            return
        if not SLUG.fullmatch(slug):  # not a slug any community could have: no query at all
            abort(404)
        user_id = signed_in()
        if user_id is None:
            tenant = db.session.execute(_BY_SLUG, {"slug": slug}).scalar_one_or_none()
            if tenant is None:
                abort(404)
            g._scope_token = set_scope(CommunityScope(tenant.id, tenant))
            return
        # Across communities for this one statement: no community is in scope yet (on
        # PostgreSQL, row-level security hides every membership until one is); the join
        # itself names the community and the person. The community's scope then replaces
        # it directly (one change of PostgreSQL's settings, not two) and the request's end
        # resets both.
        token = set_scope(ALL_TENANTS)
        try:
            row = db.session.execute(
                _BY_SLUG_WITH_MEMBER, {"slug": slug, "user_id": user_id}
            ).one_or_none()
        except BaseException:
            reset_scope(token)  # the error page must not run across communities
            raise
        if row is None:
            reset_scope(token)
            abort(404)
        tenant, member = row
        scope = CommunityScope(tenant.id, tenant)
        scope.cache[membership_key(tenant.id, user_id)] = member
        set_scope(scope)
        g._scope_token = token

    @app.url_defaults
    def _add_tenant(endpoint, values):
        if "tenant" in values or not app.url_map.is_endpoint_expecting(endpoint, "tenant"):
            return
        scope = current_scope()
        if not isinstance(scope, CommunityScope):
            return
        # A slug never changes once a community exists: remembered for the scope, a URL
        # built after a commit (the redirect after a form) does not reload the expired
        # community row, in a transaction of its own (SQLite's write lock, on a POST).
        slug = scope.cache.get(_SLUG_KEY)
        if slug is None:
            slug = scope.cache[_SLUG_KEY] = scope.tenant.slug
        values["tenant"] = slug

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
