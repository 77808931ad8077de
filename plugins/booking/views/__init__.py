"""The plugin's blueprint; routes live in the modules imported at the bottom."""

from __future__ import annotations

from flask import Blueprint, abort

from core.plugin_api import current_tenant, db, has_permission, render, to_local, utcnow
from plugins.booking.models import Booking, Space

bp = Blueprint("booking", "plugins.booking", template_folder="templates")


def tz() -> str:
    return current_tenant().timezone


def today():
    return to_local(utcnow(), tz()).date()


def can_manage() -> bool:
    return has_permission("booking.manage")


def space_or_404(space_id: int, *, active_only: bool = False) -> Space:
    space = db.session.execute(db.select(Space).where(Space.id == space_id)).scalar_one_or_none()
    if space is None or (active_only and not space.active and not can_manage()):
        abort(404)
    return space


def booking_or_404(booking_id: int, *, own: bool = False) -> Booking:
    """A booking of this community; with ``own``, only its person (or staff) finds it."""
    from flask_login import current_user

    booking = db.session.execute(
        db.select(Booking).where(Booking.id == booking_id)
    ).scalar_one_or_none()
    if booking is None:
        abort(404)
    if own and booking.person_id != current_user.id and not can_manage():
        abort(404)
    return booking


def helpers() -> dict:
    """What our templates use beside the platform's names (passed with each page, not
    added to every template of the site)."""
    from datetime import timedelta

    from plugins.booking import labels
    from plugins.booking.i18n import pgettext

    def bk_time(value) -> str:
        return to_local(value, tz()).strftime("%H:%M") if value else ""

    def bk_feed(kind: str, object_id: int) -> str:
        from flask import url_for

        from plugins.booking.views.feeds import feed_token

        endpoint = "booking.space_feed" if kind == "space" else "booking.person_feed"
        key = "space_id" if kind == "space" else "person_id"
        token = feed_token(kind, object_id)
        return url_for(endpoint, token=token, _external=True, **{key: object_id})

    return {
        "bk_feed": bk_feed,
        "bk_status": labels.STATUS_LABELS,
        "bk_channel": labels.CHANNEL_LABELS,
        "bk_attendance": labels.ATTENDANCE_LABELS,
        "bk_timedelta": timedelta,
        "bk_time": bk_time,
        "bk_weekdays": [
            pgettext("weekday", "Mon"),
            pgettext("weekday", "Tue"),
            pgettext("weekday", "Wed"),
            pgettext("weekday", "Thu"),
            pgettext("weekday", "Fri"),
            pgettext("weekday", "Sat"),
            pgettext("weekday", "Sun"),
        ],
    }


def page(template: str, **context) -> str:
    """Render one of our templates with our helpers."""
    return render(template, **helpers(), **context)


from plugins.booking.views import feeds, manage, photos, report, resident  # noqa: E402,F401  (routes)
