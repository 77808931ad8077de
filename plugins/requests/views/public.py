"""公示: closed matters and their outcome, with nothing that identifies a resident."""

from __future__ import annotations

from flask import abort, render_template

from core.plugin_api import cached_page, db, paginate, public
from plugins.requests import labels
from plugins.requests.models import Category, Request, number, with_category
from plugins.requests.views import bp, settings


@bp.route("/board")
@cached_page
@public
def board():
    if not settings()["public_board"]:
        abort(404)
    # Only what is safe to publish leaves this view: never the requester, their phone, the
    # place, the resident's own words (title, details) or the reply to them. Only these
    # columns are read, too: a public page should not load whole requests.
    select = (
        db.select(
            Request.id,
            Request.year,
            Request.seq,
            Request.kind,
            Category.name,
            Request.owner,
            Request.outcome,
            Request.assignee_key,
            Request.closed_how,
            Request.closed_at,
            Request.grid,
            Request.anonymous,
        )
        .outerjoin(Category, with_category(Request))
        .where(Request.status == "closed")
    )
    page = paginate(select, Request.id, per_page=settings()["per_page"])
    items = [
        {
            "number": number(r.year, r.seq),
            "kind": r.kind,
            "category": r.name or "",
            "owner": r.owner if r.kind == "red" else "",
            "outcome": labels.outcome_html(r.outcome, r.kind, r.assignee_key, r.owner),
            "closed_how": r.closed_how,
            "closed_at": r.closed_at,
            "grid": "" if r.anonymous else r.grid,
        }
        for r in page.items
    ]
    return render_template("requests/board.html", page=page, items=items)
