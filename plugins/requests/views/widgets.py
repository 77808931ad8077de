"""The dashboard widget: open work for staff, one's own requests for a resident."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from core.plugin_api import db, has_permission
from plugins.requests import clock, counts
from plugins.requests.models import Request


def widget_html() -> str:
    if has_permission("requests.handle"):  # from the kept counts: flat in the data
        return render_template(
            "requests/_widget.html",
            open_by_kind=counts.open_by_kind(),
            overdue=counts.overdue(clock.now()),
            mine=None,
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
