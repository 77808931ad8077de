"""Who is told what, at each step of a request (through ``notify``, after the commit).

The resident hears when their request is taken, referred or assigned, and when a reply
waits for their check; the community's handlers hear of new and reopened requests and,
once each, of requests past their deadline (:func:`notify_overdue`, run on a schedule by
``flask requests notify-overdue``). Texts never carry a worker's internal note.
"""

from __future__ import annotations

from datetime import datetime

from flask import url_for

from core.plugin_api import NotificationKind, db, members_with_permission, notify
from plugins.requests import clock
from plugins.requests.i18n import _l
from plugins.requests.models import OPEN_STATUSES, Request

HANDLE = "requests.handle"
KINDS = [
    NotificationKind(
        "requests.progress",
        {"zh_Hans": "我的诉求有进展（受理、转办、交办）", "en": "Progress on my requests"},
        email=False,
    ),
    NotificationKind(
        "requests.reply",
        {"zh_Hans": "我的诉求已答复，待我验收", "en": "A reply waits for my check"},
    ),
    NotificationKind(
        "requests.new",
        {"zh_Hans": "新诉求与被退回的诉求（工作人员）", "en": "New and reopened requests (staff)"},
    ),
    NotificationKind(
        "requests.overdue", {"zh_Hans": "超期诉求（工作人员）", "en": "Overdue requests (staff)"}
    ),
]


def _link(req: Request) -> str:
    return url_for("requests.show", request_id=req.id)


def _handlers() -> list[int]:
    return [m.user_id for m in members_with_permission(HANDLE)]


def _to_requester(req: Request, kind: str, title) -> None:
    if req.requester_id is not None:
        notify([req.requester_id], kind, title, _link(req))


def received(req: Request) -> None:
    notify(
        _handlers(),
        "requests.new",
        _l("New request %(number)s: %(title)s", number=req.number, title=req.title),
        _link(req),
        body=req.building,
    )


def taken(req: Request) -> None:
    title = _l("Your request %(number)s is being handled.", number=req.number)
    _to_requester(req, "requests.progress", title)


def referred(req: Request) -> None:
    title = _l(
        "Your request %(number)s is referred to %(department)s.",
        number=req.number,
        department=req.owner,
    )
    _to_requester(req, "requests.progress", title)


def assigned(req: Request) -> None:
    title = _l("Your request %(number)s is taken up for consultation.", number=req.number)
    _to_requester(req, "requests.progress", title)


def replied(req: Request) -> None:
    title = _l(
        "Your request %(number)s has a reply: please check whether it is solved.",
        number=req.number,
    )
    _to_requester(req, "requests.reply", title)


def reopened(req: Request) -> None:
    notify(
        _handlers(),
        "requests.new",
        _l("Request %(number)s is reopened: the resident is not satisfied.", number=req.number),
        _link(req),
    )


def handed_back(req: Request) -> None:
    notify(
        _handlers(),
        "requests.new",
        _l("Request %(number)s was handed back: assign it again.", number=req.number),
        _link(req),
    )


def notify_overdue(now: datetime | None = None) -> int:
    """In the community in scope: tell the handlers of each open request past its deadline,
    once per request (``overdue_notified_at``; a new deadline clears it). The caller
    commits. Returns how many requests were announced."""
    now = now or clock.now()
    due = list(
        db.session.execute(
            db.select(Request)
            .where(
                Request.deadline < now,
                Request.status.in_(OPEN_STATUSES),
                Request.overdue_notified_at.is_(None),
            )
            .order_by(Request.id)
            .with_for_update(skip_locked=True, of=Request)  # two schedulers: each row once
        ).scalars()
    )
    handlers = _handlers() if due else []
    for req in due:
        notify(
            handlers,
            "requests.overdue",
            _l("Request %(number)s is overdue: %(title)s", number=req.number, title=req.title),
            _link(req),
        )
        req.overdue_notified_at = now
    return len(due)
