"""Words for stored values, in the page's language."""

from __future__ import annotations

from plugins.booking.i18n import _l

STATUS_LABELS = {
    "pending": _l("waiting for approval"),
    "confirmed": _l("confirmed"),
    "cancelled": _l("cancelled"),
    "rejected": _l("declined"),
}
CHANNEL_LABELS = {"online": _l("on-line"), "desk": _l("at the desk")}
ATTENDANCE_LABELS = {"checked_in": _l("came"), "no_show": _l("did not come")}
