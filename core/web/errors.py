"""Error pages in the user's language; htmx requests get a fragment.

While the database is unreachable, every request answers a static bilingual 503 page with
``Retry-After``: rendering our normal error page would read the database (the signed-in
user, the community, its language) and fail again. The outage is logged as one line, then
one summary line per interval, not a traceback per request.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from flask import Flask, Response, current_app, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger("gongzhi.errors")
STATIC_PAGES = Path(__file__).resolve().parent.parent / "static" / "errors"
RETRY_AFTER_SECONDS = 30
# SQLSTATE classes of "the server is not there": connection exceptions, shutting down.
_UNREACHABLE_STATES = ("08", "57P01", "57P02", "57P03")


def _messages() -> dict[int, str]:
    return {
        400: gettext("The request could not be understood."),
        403: gettext("You do not have permission to open this page."),
        404: gettext("This page does not exist."),
        405: gettext("This action is not allowed here."),
        413: gettext(
            "What you sent is too large: at most %(mb)d MB at once. Go back and send less, "
            "e.g. fewer or smaller photos.",
            mb=(current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024),
        ),
        422: gettext("Please correct the marked fields."),
        429: gettext("Too many attempts. Please wait a minute and try again."),
        500: gettext("Something went wrong on our side. Please try again."),
    }


def database_unreachable(exc: BaseException | None) -> bool:
    """True for "the database is not there (or is full)": connection refused or lost,
    the server shutting down, no pooled connection free in time."""
    if isinstance(exc, sa_exc.DisconnectionError | sa_exc.TimeoutError):
        return True
    if not isinstance(exc, sa_exc.DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
        return False
    state = getattr(exc.orig, "sqlstate", None)  # psycopg; none when it never connected
    return state is None or state.startswith(_UNREACHABLE_STATES)


class OutageLog:
    """One line when an outage starts, then at most one summary line per ``interval``
    seconds; a failure after ``interval`` seconds of quiet starts a new outage."""

    def __init__(self, what: str, interval: float = 60.0) -> None:
        self.what, self.interval = what, interval
        self._lock = threading.Lock()
        self._logged_at = self._last = -interval * 2
        self._count = 0

    def note(self, exc: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            new_outage = now - self._last > self.interval
            self._last = now
            self._count += 1
            if not new_outage and now - self._logged_at < self.interval:
                return
            count, self._count, self._logged_at = self._count, 0, now
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        if new_outage:
            log.error("%s (%s); answering 503 while it lasts", self.what, reason)
        else:
            log.error("%s: %d more requests answered 503 (%s)", self.what, count, reason)


database_outage = OutageLog("database unreachable")


def static_page(code: int) -> Response:
    """A page that needs nothing: no database, no session, no template."""
    page = (STATIC_PAGES / f"{503 if code == 503 else 500}.html").read_bytes()
    response = Response(page, code, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    if code == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def render_error(code: int, message: str | None = None):
    try:
        message = message or _messages().get(code, gettext("Something went wrong."))
        template = (
            "errors/_fragment.html" if getattr(request, "htmx", False) else "errors/page.html"
        )
        return render_template(template, code=code, message=message), code
    except Exception as exc:  # the error page itself failed: answer one that needs nothing
        if database_unreachable(exc):
            database_outage.note(exc)
            return static_page(503)
        log.exception("the %s page failed on %s", code, request.path)
        return static_page(500)


def install(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return render_error(
            400, gettext("Your form expired. Please reload the page and try again.")
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        if isinstance(exc, InternalServerError) and database_unreachable(exc.original_exception):
            return _unavailable(exc.original_exception)
        return render_error(exc.code)

    @app.errorhandler(sa_exc.SQLAlchemyError)
    def _database(exc: sa_exc.SQLAlchemyError):
        if database_unreachable(exc):
            return _unavailable(exc)
        return _unexpected(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return _http(exc)
        if app.config.get("PROPAGATE_EXCEPTIONS") or app.testing:
            raise exc
        log.exception("unhandled error on %s from %s", request.path, request.remote_addr)
        return render_error(500)

    def _unavailable(exc: BaseException) -> Response:
        database_outage.note(exc)
        return static_page(503)
