"""Where a form's outcome is shown: where the person is.

A whole page (no JavaScript) redirects after a successful POST and shows the message at the
top, where the new page opens. An htmx form keeps the page scrolled where it was, so its
message belongs in the form's region: the view names the region, the page is rendered
again with the message inside that region (``region_messages(id)`` in the template), htmx
swaps the region (``hx-select``), and the message, marked ``autofocus``, gets the focus
(htmx focuses it after the swap; a screen reader reads it, the browser scrolls to it).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, flash, g, get_flashed_messages, has_request_context, redirect, request
from flask.typing import ResponseReturnValue


def show_messages_in(region: str) -> None:
    """This response's flashed messages go into the element with id ``region`` (htmx
    requests only: a whole page shows them at the top)."""
    if getattr(request, "htmx", False):
        g.flash_region = region


def form_success(
    message: str,
    *,
    redirect_to: str,
    region: str | None = None,
    render: Callable[[], ResponseReturnValue] | None = None,
    category: str = "success",
) -> ResponseReturnValue:
    """Answer a successful form POST with ``message``.

    Without htmx: redirect to ``redirect_to`` (the message shows at the top there). With
    htmx and a ``region``: ``render()`` the page again with the message in that region.
    With htmx and no region: tell htmx to load ``redirect_to`` as a whole page
    (``HX-Redirect``), e.g. after creating something that has its own page. ``category``
    is the flash category (``"info"`` for "already done", e.g. a repeated form).
    """
    flash(message, category)
    if not getattr(request, "htmx", False):
        return redirect(redirect_to)
    if region is not None and render is not None:
        g.flash_region = region
        return render()
    response = Response(status=200)
    response.headers["HX-Redirect"] = redirect_to
    return response


def region_messages(region: str) -> list[tuple[str, str]]:
    """(category, message) flashed for ``region`` in this response; [] for any other."""
    if has_request_context() and g.get("flash_region") == region:
        return get_flashed_messages(with_categories=True)
    return []


def page_messages() -> list[tuple[str, str]]:
    """(category, message) for the top of the page, unless a region has claimed them."""
    if has_request_context() and g.get("flash_region"):
        return []
    return get_flashed_messages(with_categories=True)
