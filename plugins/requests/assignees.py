"""What the requests plugin offers the plugins a community matter is assigned to (the
committees plugin): the list of their matters, and answering or handing one back.

They never import this plugin. They ask ``requests_assigned_to(assignee_key)`` (a hook the
committees plugin declares) and get light records; they emit ``request_answer_proposed``
or ``request_handed_back`` with ``request_id``, ``assignee_key``, ``by_user_id`` and
``text``, and :func:`follow` applies the rules here: only an open community matter (orange)
still assigned to that key is answered or handed back; anything else is ignored (the
event is kept, nothing changes).
"""

from __future__ import annotations

from datetime import datetime

from core.plugin_api import db
from plugins.requests import workflow
from plugins.requests.models import OPEN_STATUSES, Request, Step

MAX_RECORDS = 200  # the newest matters of one assignee; older ones are on the ledger
EVENTS = ("request_answer_proposed", "request_handed_back")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def assigned_to(assignee_key: str, limit: int = MAX_RECORDS) -> list[dict]:
    """The newest matters assigned to ``assignee_key`` (one statement), as plain dicts:
    id, number, title, details, status, open, created_at, assigned_at, deadline,
    replied_at, closed_at, closed_how, reply, rejections (times the requester was not
    satisfied). Times are ISO strings in UTC."""
    if not assignee_key or ":" not in assignee_key:
        return []
    assigned = (
        db.select(Step.request_id, db.func.max(Step.at).label("at"))
        .where(Step.action == "assigned")
        .group_by(Step.request_id)
        .subquery()
    )
    rejected = (
        db.select(Step.request_id, db.func.count().label("n"))
        .where(Step.action == "rejected")
        .group_by(Step.request_id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(Request, assigned.c.at, rejected.c.n)
        .outerjoin(assigned, assigned.c.request_id == Request.id)
        .outerjoin(rejected, rejected.c.request_id == Request.id)
        .where(Request.assignee_key == assignee_key)
        .order_by(Request.id.desc())
        .limit(max(1, min(limit, MAX_RECORDS)))
    ).all()
    return [
        {
            "id": req.id,
            "number": req.number,
            "title": req.title,
            "details": req.details[:500],
            "status": req.status,
            "open": req.status in OPEN_STATUSES,
            "created_at": _iso(req.created_at),
            "assigned_at": _iso(assigned_at),
            "deadline": _iso(req.deadline),
            "replied_at": _iso(req.replied_at),
            "closed_at": _iso(req.closed_at),
            "closed_how": req.closed_how,
            "reply": req.reply,
            "rejections": rejections or 0,
        }
        for req, assigned_at, rejections in rows
    ]


def follow(name: str, payload: dict) -> bool:
    """Apply an assignee's answer or hand-back; True when the request changed."""
    request_id, key = payload.get("request_id"), str(payload.get("assignee_key") or "")
    by, text = payload.get("by_user_id"), str(payload.get("text") or "").strip()
    if not isinstance(request_id, int) or not key or not text:
        return False
    req = db.session.execute(
        db.select(Request).where(Request.id == request_id).with_for_update(of=Request)
    ).scalar_one_or_none()
    if req is None or req.assignee_key != key or req.kind != "orange" or not req.is_open:
        return False
    actor = by if isinstance(by, int) and not isinstance(by, bool) else None
    if name == "request_answer_proposed":
        from plugins.requests.views import targets

        workflow.reply(req, targets(), actor, text=text[:4000], outcome="")
    else:
        workflow.hand_back(req, actor, text[:2000])
    return True


def figures_for(assignee_keys: list[str]) -> dict[str, dict]:
    """Per assignee key (one statement whatever the number of keys): how many matters it
    holds, answered and open; the total and count of hours from assignment to answer; and
    the requesters' verdicts (accepted answers, rejected answers)."""
    keys = [str(k) for k in assignee_keys if k and ":" in str(k)]
    out = {
        k: {
            "assigned": 0,
            "answered": 0,
            "open": 0,
            "answer_seconds": 0,
            "answer_count": 0,
            "accepted": 0,
            "rejections": 0,
        }
        for k in keys
    }
    if not keys:
        return out
    assigned = (
        db.select(Step.request_id, db.func.max(Step.at).label("at"))
        .where(Step.action == "assigned")
        .group_by(Step.request_id)
        .subquery()
    )
    rejected = (
        db.select(Step.request_id, db.func.count().label("n"))
        .where(Step.action == "rejected")
        .group_by(Step.request_id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(
            Request.assignee_key,
            Request.status,
            Request.created_at,
            assigned.c.at,
            Request.replied_at,
            Request.closed_how,
            rejected.c.n,
        )
        .outerjoin(assigned, assigned.c.request_id == Request.id)
        .outerjoin(rejected, rejected.c.request_id == Request.id)
        .where(Request.assignee_key.in_(keys))
    ).all()
    for key, status, created, assigned_at, replied_at, closed_how, rejections in rows:
        f = out[key]
        f["assigned"] += 1
        if status in OPEN_STATUSES:
            f["open"] += 1
        else:
            f["answered"] += 1
        if replied_at is not None:
            start = assigned_at or created
            f["answer_seconds"] += max(0, int((replied_at - start).total_seconds()))
            f["answer_count"] += 1
        f["accepted"] += 1 if closed_how == "accepted" else 0
        f["rejections"] += rejections or 0
    return out
