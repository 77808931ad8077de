"""The per-activity QR code: a signed token in a link, valid only in the activity's time
window (from ``early`` minutes before the start to ``late`` minutes after the end).

The token names the community, the activity and its ``qr_version``: printing a new code
(``Activity.qr_version`` + 1) voids every earlier one. A scan that repeats a finished
check-in/out is refused in ``hours``.
"""

from __future__ import annotations

from datetime import timedelta

import segno
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from core.plugin_api import current_tenant_id, db, plugin_settings
from plugins.volunteers import clock
from plugins.volunteers.i18n import _
from plugins.volunteers.models import Activity

SALT = "volunteers.qr"


class ScanError(Exception):
    """A scan that is refused; ``str()`` is the message for people."""


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(activity: Activity) -> str:
    return _serializer().dumps([current_tenant_id(), activity.id, activity.qr_version])


def activity_for(token: str) -> Activity:
    """The activity a scanned token opens now, or ``ScanError`` saying why not."""
    try:
        tenant_id, activity_id, version = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError) as exc:
        raise ScanError(_("This is not a valid check-in code.")) from exc
    if tenant_id != current_tenant_id() or not isinstance(activity_id, int):
        raise ScanError(_("This is not a valid check-in code."))
    activity = db.session.execute(
        db.select(Activity).where(Activity.id == activity_id)
    ).scalar_one_or_none()
    if activity is None:
        raise ScanError(_("This is not a valid check-in code."))
    if version != activity.qr_version:
        raise ScanError(_("This code has been replaced by a newer one. Scan the current code."))
    if activity.status != "published":
        raise ScanError(_("This activity was cancelled."))
    return activity


def window_check(activity: Activity) -> None:
    settings = plugin_settings("volunteers")
    now = clock.now()
    if now < activity.starts_at - timedelta(minutes=settings["qr_early_minutes"]):
        raise ScanError(_("Check-in for this activity has not opened yet."))
    if now > activity.ends_at + timedelta(minutes=settings["qr_late_minutes"]):
        raise ScanError(_("This code has expired: the activity is over."))


def svg(url: str) -> str:
    """The QR code of ``url`` as an inline SVG element (no XML declaration)."""
    return segno.make(url, error="m").svg_inline(scale=6, border=2)
