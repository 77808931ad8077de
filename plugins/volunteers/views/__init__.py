"""The plugin's blueprint; routes live in the modules imported at the bottom."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort

from core.plugin_api import current_tenant, db, has_permission, plugin_settings, to_local
from plugins.volunteers import clock
from plugins.volunteers.models import Activity, ServiceCategory, Team

bp = Blueprint("volunteers", "plugins.volunteers", template_folder="templates")


def settings() -> dict:
    return plugin_settings("volunteers")


def can_manage() -> bool:
    return has_permission("volunteers.manage")


def tz() -> ZoneInfo:
    return ZoneInfo(current_tenant().timezone)


def today_local() -> date:
    return to_local(clock.now(), current_tenant().timezone).date()


def aware(naive: datetime) -> datetime:
    """A wall-clock time typed in the community's time zone."""
    return naive.replace(tzinfo=tz())


def activity_or_404(activity_id: int) -> Activity:
    activity = db.session.execute(
        db.select(Activity).where(Activity.id == activity_id)
    ).scalar_one_or_none()
    if activity is None:
        abort(404)
    return activity


def categories(active_only: bool = True) -> list[ServiceCategory]:
    select = db.select(ServiceCategory).order_by(ServiceCategory.name)
    if active_only:
        select = select.where(ServiceCategory.active.is_(True))
    return list(db.session.execute(select).scalars())


def teams() -> list[Team]:
    return list(
        db.session.execute(
            db.select(Team).where(Team.active.is_(True)).order_by(Team.name)
        ).scalars()
    )


from plugins.volunteers.views import (  # noqa: E402,F401  (routes register on bp)
    activities,
    manage,
    record,
    review,
    scan,
    shop,
)
