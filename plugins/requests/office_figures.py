"""The figures street and district offices compare (``figure_kinds``, ``community_figures``):
the same counts the ledger shows, for one community and one month."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from core.plugin_api import FigureKind, db, to_local, utcnow
from plugins.requests import counts
from plugins.requests.models import Request

KINDS = [
    FigureKind("requests.received", {"zh_Hans": "受理诉求", "en": "Requests received"},
               public=True, order=10),
    FigureKind("requests.closed", {"zh_Hans": "办结诉求", "en": "Requests closed"},
               public=True, order=11),
    FigureKind("requests.first_response",
               {"zh_Hans": "按时首次响应率", "en": "First response on time"},
               unit="permille", public=True, order=12),
    FigureKind("requests.overdue", {"zh_Hans": "当前超期", "en": "Overdue now"}, order=13),
]  # fmt: skip


def month_figures(start: datetime, end: datetime, zone: str) -> dict[str, int]:
    month = to_local(start, zone).strftime("%Y-%m")
    received = sum(counts.monthly([month])[month].values())
    responded, met = db.session.execute(
        sa.select(
            sa.func.count(Request.first_response_at),
            sa.func.coalesce(sa.func.sum(sa.case((Request.first_response_met, 1), else_=0)), 0),
        ).where(Request.received_month == month)
    ).one()
    closed = db.session.scalar(
        sa.select(sa.func.count(Request.id)).where(
            Request.closed_at >= start, Request.closed_at < end
        )
    )
    out = {
        "requests.received": received,
        "requests.closed": int(closed),
        # No share without a response yet: left out rather than shown as 0 %.
        **({"requests.first_response": round(1000 * int(met) / responded)} if responded else {}),
    }
    now = utcnow()
    if start <= now < end:  # a figure of the present: this month only
        out["requests.overdue"] = counts.overdue(now)
    return out
