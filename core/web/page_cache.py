"""Kept pages: a community page rendered once is served again, in this worker, until the
data it read changes, the person or their language differs, or a minute passes.

Correct across workers without a shared store: while a page renders, every statement's
tables are noted (the parts of the data it read: a plugin's tables, or a core table;
``tenants.data_version.part_of``), and the page is kept with those parts' version numbers.
The numbers live on the community's row (``tenants.data_versions``), are raised in the
same transaction as every write to a part, and are loaded with the community on every
request anyway: a page kept by one worker is never served after another worker's write
to what it shows, and a write to another part (a request filed) leaves it kept (a room's
week). A statement whose tables are unknown (text SQL) makes the page depend on every
write (``tenants.data_version``). What is not a community's row (a person's name in the
header, "today", a deadline passing) is bounded by the minute (``PAGE_CACHE_SECONDS``).

Only for pages that read and never write, answer the same to the same person, and whose
access follows from the community's rows (memberships, roles, modules, settings): the
request's own reads of those are noted too. A kept page skips the view and its
permission check; the key is per person (and one for every visitor not signed in). Two
per-session parts are kept as placeholders and filled in on every serve: the CSRF token,
and the notification bell (its count changes with every notice to the person, which
would otherwise make every write that notifies someone stale every page).

A page outside any community (the login page) has no numbers to check: it is kept only
if it read no data at all (a visitor's login form), and then for the minute.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from weakref import WeakKeyDictionary

from flask import (
    current_app,
    g,
    has_app_context,
    make_response,
    render_template,
    request,
    request_started,
    session,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.sql import TextClause
from sqlalchemy.sql.util import find_tables

from core.community.permissions import membership
from core.services.i18n import current_locale
from tenants.context import current_community
from tenants.data_version import part_of

CSRF_PLACEHOLDER = b"\x00gongzhi-csrf\x00"
BELL_PLACEHOLDER = "\x00gongzhi-bell\x00"
EVERYTHING = "*"  # a statement whose tables are unknown: the page depends on every write
# Statements sent as text that read no community data (transactions, PostgreSQL's scope).
_QUIET_TEXT = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET ", "PRAGMA")
_READS = "gongzhi_page_reads"  # on g: the parts read so far by a page being kept
# What every request reads before a piece renders (the community, who is who and with
# which roles, the modules and their settings, the plan): a piece depends on them too.
BASE_PARTS = frozenset({"tenants", "tenant_memberships", "tenant_plugins", "core_subscriptions"})
HTMX_HEADERS = ("HX-Request", "HX-Target", "HX-Trigger", "HX-Boosted", "HX-History-Restore-Request")
# Read from the WSGI environ: a missing header costs no KeyError there (Werkzeug's headers
# raise and catch one for each), and most requests send none of these.
_HTMX_ENVIRON = tuple("HTTP_" + h.upper().replace("-", "_") for h in HTMX_HEADERS)
KEPT_HEADERS = ("Content-Type", "Vary", "HX-Trigger", "HX-Retarget", "HX-Reswap", "Cache-Control")


@dataclass
class _Kept:
    body: bytes
    headers: list[tuple[str, str]]
    at: float
    versions: dict[str, int]  # each part the page read: its number when it was rendered

    def current(self, community) -> bool:
        """Whether no part the page read was written since (all numbers unchanged). A
        page with no community (the login page) has no numbers to check: it is current
        only if it read no data at all."""
        if community is None:
            return not self.versions
        parts = community.data_versions or {}
        for part, number in self.versions.items():
            now = community.data_version if part == EVERYTHING else parts.get(part, 0)
            if now != number:
                return False
        return True


class PageStore:
    """A bounded, least-recently-used store of rendered pages for one worker."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[tuple, _Kept] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple, max_age: float, community) -> _Kept | None:
        with self._lock:
            kept = self._pages.get(key)
            if kept is None or time.monotonic() - kept.at > max_age or not kept.current(community):
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
    if "_flashes" in session:
        return None
    return (
        community.id if community is not None else None,
        request.full_path,
        tuple(request.environ.get(name, "") for name in _HTMX_ENVIRON),
        current_locale(),
        _person(),
    )


def _person() -> tuple | None:
    if not current_user.is_authenticated:
        return None
    return (current_user.id, current_user.name, current_user.is_operator)


def _versions(community) -> dict[str, int]:
    """The community's numbers as loaded with it: per part, and ``EVERYTHING``'s."""
    if community is None:
        return {}
    versions = dict(community.data_versions or {})
    versions[EVERYTHING] = community.data_version
    return versions


def _numbers(versions: dict[str, int], reads: set[str]) -> dict[str, int]:
    """What a kept page or piece records: each part it read with its number."""
    return {part: versions.get(part, 0) for part in reads}


def bell() -> Markup:
    """The header's notification bell (templates/notifications/_bell.html); a placeholder
    in a page being kept, filled in on every serve (``_fill``). A member's bell is itself
    kept like a piece, until the community's notifications change (someone is notified or
    reads theirs): then a kept page costs no count. Anyone else's counts every community's
    notifications, which no one community's numbers cover: counted each time."""
    if g.get(_READS) is not None:
        return Markup(BELL_PLACEHOLDER)
    if current_user.is_authenticated and membership() is not None:
        return kept_fragment("bell", _render_bell)
    return _render_bell()


def _render_bell() -> Markup:
    return Markup(render_template("notifications/_bell.html"))


def _fill(body: bytes) -> bytes:
    """The per-session parts of a kept page: the CSRF token and the bell."""
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, generate_csrf().encode())
    placeholder = BELL_PLACEHOLDER.encode()
    if placeholder in body:
        body = body.replace(placeholder, bell().encode())
    return body


def _with_placeholders(body: bytes) -> bytes:
    """What is kept of a rendered page or piece: its session's CSRF token as a placeholder
    (``_fill`` puts the serving session's back)."""
    token = g.get("csrf_token")
    return body.replace(token.encode(), CSRF_PLACEHOLDER) if token else body


def _serve(kept: _Kept):
    body = _fill(kept.body)
    response = current_app.response_class(body, status=200)
    for name, value in kept.headers:
        response.headers[name] = value
    response.headers["X-Page-Cache"] = "hit"
    return response


def _keep(response, versions: dict[str, int], reads: set[str]) -> _Kept | None:
    if response.status_code != 200 or response.direct_passthrough or "_flashes" in session:
        return None
    if not (response.mimetype or "").startswith("text/html"):
        return None
    body = _with_placeholders(response.get_data())
    headers = [(h, response.headers[h]) for h in KEPT_HEADERS if h in response.headers]
    return _Kept(body, headers, time.monotonic(), _numbers(versions, reads))


def kept_fragment(name: str, render: Callable[[], str]) -> Markup:
    """A piece of a page (a dashboard widget, the menu) kept like a page: for this
    community, person and language, rendered again only when a part it read changed.

    So a page that renders again after a write renders only the pieces that write
    touched. A page being kept depends on the parts its pieces read, kept or not."""
    community = current_community()
    max_age = current_app.config.get("PAGE_CACHE_SECONDS")
    if not max_age or community is None:
        return Markup(render())
    key = ("piece", community.id, name, current_locale(), _person())
    outer = g.get(_READS)
    kept = store().get(key, max_age, community)
    if kept is not None:
        if outer is not None:
            outer |= set(kept.versions)
        return Markup(_fill(kept.body).decode())
    setattr(g, _READS, set(BASE_PARTS))
    try:
        html = str(render())
        reads = g.get(_READS)
    finally:
        if outer is None:
            g.pop(_READS, None)
        else:
            setattr(g, _READS, outer)
    if outer is not None:
        outer |= reads
    body = _with_placeholders(html.encode())
    store().put(key, _Kept(body, [], time.monotonic(), _numbers(_versions(community), reads)))
    return Markup(html)


# ----- what a page being kept reads -----------------------------------------------------
_PARTS: WeakKeyDictionary = WeakKeyDictionary()  # compiled statement -> parts it reads


def _parts_read(context, statement: str) -> frozenset[str]:
    compiled = getattr(context, "compiled", None)
    if compiled is None:  # text sent as is (exec_driver_sql)
        quiet = statement.lstrip().upper().startswith(_QUIET_TEXT)
        return frozenset() if quiet else frozenset({EVERYTHING})
    found = _PARTS.get(compiled)
    if found is None:
        if isinstance(compiled.statement, TextClause):
            found = frozenset({EVERYTHING})
        else:
            tables = find_tables(
                compiled.statement, include_crud=True, include_aliases=True, include_joins=True
            )
            found = frozenset(part_of(t.name) for t in tables if hasattr(t, "name"))
        _PARTS[compiled] = found
    return found


@event.listens_for(Engine, "before_cursor_execute")
def _note_read(_conn, _cursor, statement, _parameters, context, _executemany) -> None:
    if not has_app_context():
        return
    reads = g.get(_READS)
    if reads is not None:
        reads |= _parts_read(context, statement)


def _start_noting(_sender, **_extra) -> None:
    """From the request's first statement (the community, the person), for a kept page."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "kept_page", False) and current_app.config.get("PAGE_CACHE_SECONDS"):
        setattr(g, _READS, set())


def install(app) -> None:
    """Serve a kept page before the blueprints' guards run: access follows from the
    community's rows, which the version covers, so a kept page needs no guard query."""

    if not getattr(install, "connected", False):  # signals are global: connect once
        install.connected = True
        request_started.connect(_start_noting)
    app.jinja_env.globals["header_bell"] = bell
    app.jinja_env.globals["kept_fragment"] = kept_fragment

    @app.before_request
    def _serve_kept():
        if g.get(_READS) is None:  # not a kept page, or keeping is off
            return None
        key = _key()
        if key is None:
            g.pop(_READS)
            return None
        community = current_community()
        kept = store().get(key, current_app.config["PAGE_CACHE_SECONDS"], community)
        if kept is not None:
            g.pop(_READS)
            return _serve(kept)
        # Not kept: the view renders it and keeps it, with the numbers read with the
        # community (what the page reads is at least as new).
        g.page_cache_key = (key, _versions(community))
        return None


def cached_page(view: Callable) -> Callable:
    """Keep a read-only community page (see the module's rules). A kept page is served
    before the view, its guards and its ``@requires`` run (``install``)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        keeping = g.pop("page_cache_key", None)
        if keeping is None:
            return view(*args, **kwargs)
        key, versions = keeping
        try:
            response = make_response(view(*args, **kwargs))
            reads = g.get(_READS) or set()
            fresh = _keep(response, versions, reads)
            if fresh is not None and fresh.current(current_community()):
                store().put(key, fresh)
        finally:
            g.pop(_READS, None)  # an error page renders its own bell
        body = response.get_data() if not response.direct_passthrough else b""
        if BELL_PLACEHOLDER.encode() in body:
            response.set_data(_fill(body))
        return response

    wrapper.kept_page = True
    return wrapper
