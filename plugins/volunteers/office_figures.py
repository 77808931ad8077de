"""The figures street and district offices compare: approved volunteer hours of the month
(by the work day in the community's calendar, as the figures page counts them) and how
many people served."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from core.plugin_api import FigureKind, db, to_local
from plugins.volunteers.models import HourLog

KINDS = [
    FigureKind("volunteers.hours", {"zh_Hans": "志愿服务时长", "en": "Volunteer hours"},
               unit="minutes", public=True, order=20),
    FigureKind("volunteers.people", {"zh_Hans": "参与服务的志愿者", "en": "Volunteers who served"},
               public=True, order=21),
]  # fmt: skip


def month_figures(start: datetime, end: datetime, zone: str) -> dict[str, int]:
    first = to_local(start, zone).date()
    last = to_local(end, zone).date() - timedelta(days=1)
    minutes, people = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(HourLog.minutes), 0),
            sa.func.count(sa.distinct(HourLog.user_id)),
        ).where(HourLog.status == "approved", HourLog.work_date >= first, HourLog.work_date <= last)
    ).one()
    return {"volunteers.hours": int(minutes), "volunteers.people": int(people)}
