"""iCalendar feeds behind secret addresses: a space's busy times (no names) and a
person's own bookings, for a phone's calendar app to subscribe to."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from flask import Response, abort, current_app

from core.plugin_api import current_tenant, db, public, utcnow
from plugins.booking.i18n import _
from plugins.booking.models import HOLDING, Booking, Space
from plugins.booking.views import bp, space_or_404

PAST_DAYS, AHEAD_DAYS, MAX_EVENTS = 30, 180, 2000


def feed_token(kind: str, object_id: int) -> str:
    """The secret part of a feed's address (changes with the site's secret key)."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"booking:{kind}:{current_tenant().id}:{object_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def _check(kind: str, object_id: int, token: str) -> None:
    if not hmac.compare_digest(feed_token(kind, object_id), token):
        abort(404)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _stamp(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%SZ")


def _ics(name: str, events: list[tuple[Booking, str]]) -> Response:
    host = current_app.config.get("SERVER_NAME") or "gongzhi"
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Gongzhi//booking//ZH",
        "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_escape(name)}",
    ]  # fmt: skip
    now = _stamp(utcnow())
    for booking, summary in events:
        lines += [
            "BEGIN:VEVENT", f"UID:booking-{booking.id}@{host}", f"DTSTAMP:{now}",
            f"DTSTART:{_stamp(booking.starts_at)}", f"DTEND:{_stamp(booking.ends_at)}",
            f"SUMMARY:{_escape(summary)}", "END:VEVENT",
        ]  # fmt: skip
    lines.append("END:VCALENDAR")
    return Response("\r\n".join(lines) + "\r\n", mimetype="text/calendar")


def _window():
    now = utcnow()
    return Booking.starts_at >= now - timedelta(
        days=PAST_DAYS
    ), Booking.starts_at < now + timedelta(days=AHEAD_DAYS)


@bp.route("/ical/space/<int:space_id>/<token>.ics")
@public
def space_feed(space_id: int, token: str):
    _check("space", space_id, token)
    space = space_or_404(space_id)
    rows = db.session.execute(
        db.select(Booking)
        .where(Booking.space_id == space.id, Booking.status.in_(HOLDING), *_window())
        .order_by(Booking.starts_at)
        .limit(MAX_EVENTS)
    ).scalars()
    booked = _("Booked")
    return _ics(space.name, [(b, f"{booked} {b.use}".strip()) for b in rows])


@bp.route("/ical/person/<int:person_id>/<token>.ics")
@public
def person_feed(person_id: int, token: str):
    _check("person", person_id, token)
    rows = db.session.execute(
        db.select(Booking, Space.name)
        .join(Space, Space.id == Booking.space_id)
        .where(Booking.person_id == person_id, Booking.status.in_(HOLDING), *_window())
        .order_by(Booking.starts_at)
        .limit(MAX_EVENTS)
    ).all()
    return _ics(_("My bookings"), [(b, f"{name} {b.purpose}") for b, name in rows])
