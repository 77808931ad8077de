"""Error pages in the user's language; htmx requests get a fragment."""

from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("gongzhi.errors")


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


def render_error(code: int, message: str | None = None):
    message = message or _messages().get(code, gettext("Something went wrong."))
    template = "errors/_fragment.html" if getattr(request, "htmx", False) else "errors/page.html"
    return render_template(template, code=code, message=message), code


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
        return render_error(exc.code)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return _http(exc)
        if app.config.get("PROPAGATE_EXCEPTIONS") or app.testing:
            raise exc
        log.exception("unhandled error on %s from %s", request.path, request.remote_addr)
        return render_error(500)
