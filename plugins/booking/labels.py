"""Words for stored values, in the page's language."""

from __future__ import annotations

from markupsafe import Markup, escape

from plugins.booking.i18n import _l

STATUS_LABELS = {
    "pending": _l("waiting for approval"),
    "confirmed": _l("confirmed"),
    "cancelled": _l("cancelled"),
    "rejected": _l("declined"),
}
CHANNEL_LABELS = {"online": _l("on-line"), "desk": _l("at the desk")}
ATTENDANCE_LABELS = {"checked_in": _l("came"), "no_show": _l("did not come")}


def typed(value: object) -> Markup:
    """What people typed (a space's name, a closure's reason), marked as data in a page
    (``<bdi data-user>``, as the ``typed`` template filter does)."""
    return Markup("<bdi data-user>%s</bdi>") % value


def with_data(message: str, **data: object) -> Markup:
    """A translated ``message`` (given without its values) with ``data`` filled in as
    ``typed`` values: ``with_data(_("Booked: %(space)s."), space=space.name)``."""
    return Markup(escape(message)) % {key: typed(value) for key, value in data.items()}
