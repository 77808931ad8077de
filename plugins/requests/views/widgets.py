"""The dashboard widget: open work for staff, one's own requests for a resident."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from core.plugin_api import db, has_permission
from plugins.requests import clock, ledger
from plugins.requests.models import OPEN_STATUSES, Request


def widget_html() -> str:
    if has_permission("requests.handle"):
        rows = db.session.execute(
            db.select(Request.kind, sa.func.count())
            .where(Request.status.in_(OPEN_STATUSES))
            .group_by(Request.kind)
        ).all()
        overdue = db.session.execute(
            db.select(sa.func.count(Request.id)).where(ledger.overdue_clause(clock.now()))
        ).scalar()
        return render_template(
            "requests/_widget.html", open_by_kind=dict(rows), overdue=overdue, mine=None
        )
    mine = list(
        db.session.execute(
            db.select(Request)
            .where(Request.requester_id == current_user.id)
            .order_by(Request.id.desc())
            .limit(3)
        ).scalars()
    )
    return render_template("requests/_widget.html", mine=mine, open_by_kind={}, overdue=0)
