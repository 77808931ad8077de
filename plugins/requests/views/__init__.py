"""The plugin's blueprint; routes live in the modules imported at the bottom."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app
from flask_login import current_user

from core.plugin_api import (
    current_locale,
    current_tenant,
    db,
    has_permission,
    plugin_settings,
    to_local,
)
from plugins.requests import clock
from plugins.requests.models import Request
from plugins.requests.sla import Targets

# import_name is the plugin package, so "templates" is plugins/requests/templates.
bp = Blueprint("requests", "plugins.requests", template_folder="templates")


def settings() -> dict:
    return plugin_settings("requests")  # read once per request by the platform


def targets() -> Targets:
    return Targets.from_settings(settings(), current_tenant().timezone)


def can_handle() -> bool:
    return has_permission("requests.handle")


def today_local() -> date:
    return to_local(clock.now(), current_tenant().timezone).date()


def end_of_day(day: date) -> datetime:
    """A deadline date means the end of that day in the community's time zone."""
    return datetime.combine(day, time(23, 59, 59), ZoneInfo(current_tenant().timezone))


def request_or_404(request_id: int) -> Request:
    """The request if this user may see it: handlers see all, residents only their own.

    Another community's id, or a neighbour's, answers 404: not even its existence leaks.
    """
    req = db.session.execute(
        db.select(Request).where(Request.id == request_id)
    ).scalar_one_or_none()
    if req is None:
        abort(404)
    if not can_handle() and req.requester_id != current_user.id:
        abort(404)
    return req


from plugins.requests.views import (  # noqa: E402,F401  (routes register on bp)
    catalogue,
    handling,
    ledger,
    public,
    resident,
)


@bp.app_context_processor
def _labels():
    # Only for our own templates' use; names are prefixed to stay out of others' way.
    # Translated once per app and language: a ledger page shows a label in every row.
    from plugins.requests import labels

    memo = current_app.extensions.setdefault("requests.labels", {})
    locale = current_locale()
    if locale not in memo:
        memo[locale] = {
            name: {key: str(text) for key, text in table.items()}
            for name, table in (
                ("rq_kind", labels.KIND_SHORT),
                ("rq_kind_long", labels.KIND_LABELS),
                ("rq_kind_hint", labels.KIND_OWNER_HINT),
                ("rq_status", labels.STATUS_LABELS),
                ("rq_action", labels.ACTION_LABELS),
                ("rq_contact", labels.CONTACT_LABELS),
                ("rq_channel", labels.CHANNEL_LABELS),
                ("rq_closed_how", labels.CLOSED_HOW_LABELS),
            )
        }
    return memo[locale]
