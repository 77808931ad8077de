"""Kept pages: a community page rendered once is served again, in this worker, until the
community's data changes, the person or their language differs, or a minute passes.

Correct across workers without a shared store: the key holds the community's data
version (``tenants.data_version``), raised in the same transaction as every write to the
community's rows and loaded with the community on every request anyway, so a page kept
by one worker is never served after another worker's write. What is not a community's
row (a person's name in the header, "today", a deadline passing) is bounded by the
minute (``PAGE_CACHE_SECONDS``).

Only for pages that read and never write, answer the same to the same person, and whose
access follows from the community's rows (memberships, roles, modules, settings): a
change to those raises the version. A kept page skips the view and its permission check;
the key is per person (and one for every visitor not signed in). The CSRF token is the
one per-session value in a page: kept as a placeholder and filled in on every serve.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import current_app, g, make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from core.services.i18n import current_locale
from tenants.context import current_community

CSRF_PLACEHOLDER = b"\x00gongzhi-csrf\x00"
HTMX_HEADERS = ("HX-Request", "HX-Target", "HX-Trigger", "HX-Boosted", "HX-History-Restore-Request")
KEPT_HEADERS = ("Content-Type", "Vary", "HX-Trigger", "HX-Retarget", "HX-Reswap", "Cache-Control")


@dataclass
class _Kept:
    body: bytes
    headers: list[tuple[str, str]]
    at: float


class PageStore:
    """A bounded, least-recently-used store of rendered pages for one worker."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[tuple, _Kept] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple, max_age: float) -> _Kept | None:
        with self._lock:
            kept = self._pages.get(key)
            if kept is None or time.monotonic() - kept.at > max_age:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return kept

    def put(self, key: tuple, kept: _Kept) -> None:
        with self._lock:
            self._pages[key] = kept
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


def store() -> PageStore:
    app = current_app._get_current_object()
    found = app.extensions.get("gongzhi.page_cache")
    if found is None:
        found = app.extensions["gongzhi.page_cache"] = PageStore(
            app.config.get("PAGE_CACHE_ENTRIES", 500)
        )
    return found


def _key() -> tuple | None:
    """The page's key, or None when it must be rendered: off, not a GET, no community,
    or a message waiting to be shown (it would be shown once and then kept)."""
    if request.method != "GET" or not current_app.config.get("PAGE_CACHE_SECONDS"):
        return None
    community = current_community()
    if community is None or "_flashes" in session:
        return None
    person = (
        (current_user.id, current_user.name, current_user.is_operator)
        if current_user.is_authenticated
        else None
    )
    return (
        community.id,
        community.data_version,
        request.full_path,
        tuple(request.headers.get(h, "") for h in HTMX_HEADERS),
        current_locale(),
        person,
    )


def _serve(kept: _Kept):
    body = kept.body
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, generate_csrf().encode())
    response = current_app.response_class(body, status=200)
    for name, value in kept.headers:
        response.headers[name] = value
    response.headers["X-Page-Cache"] = "hit"
    return response


def _keep(response) -> _Kept | None:
    if response.status_code != 200 or response.direct_passthrough or "_flashes" in session:
        return None
    if not (response.mimetype or "").startswith("text/html"):
        return None
    body = response.get_data()
    token = g.get("csrf_token")
    if token:
        body = body.replace(token.encode(), CSRF_PLACEHOLDER)
    headers = [(h, response.headers[h]) for h in KEPT_HEADERS if h in response.headers]
    return _Kept(body, headers, time.monotonic())


def install(app) -> None:
    """Serve a kept page before the blueprints' guards run: access follows from the
    community's rows, which the version covers, so a kept page needs no guard query."""

    @app.before_request
    def _serve_kept():
        view = app.view_functions.get(request.endpoint or "")
        if not getattr(view, "kept_page", False):
            return None
        key = _key()
        if key is None:
            return None
        kept = store().get(key, current_app.config["PAGE_CACHE_SECONDS"])
        if kept is not None:
            return _serve(kept)
        g.page_cache_key = key  # not kept: the view renders it and keeps it
        return None


def cached_page(view: Callable) -> Callable:
    """Keep a read-only community page (see the module's rules). A kept page is served
    before the view, its guards and its ``@requires`` run (``install``)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = g.pop("page_cache_key", None)
        if key is None:
            return view(*args, **kwargs)
        response = make_response(view(*args, **kwargs))
        fresh = _keep(response)
        if fresh is not None:
            store().put(key, fresh)
        return response

    wrapper.kept_page = True
    return wrapper
