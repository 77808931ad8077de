"""Community matters (orange requests) assigned to a committee.

The requests plugin owns them; this module only asks and tells: it lists a committee's
matters with the ``requests_assigned_to`` hook, and its members answer or hand one back by
emitting ``request_answer_proposed`` / ``request_handed_back``, which the requests plugin
follows (its rules decide; it records the step on the request's timeline). Without the
requests plugin on, nobody answers the hook and a committee has no queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import has_request_context, url_for

from core.plugin_api import Unavailable, ask_plugins, db, emit, notify, parse_id
from plugins.committees.models import Committee, Seat

ANSWER = "request_answer_proposed"
HAND_BACK = "request_handed_back"


def key_of(committee_id: int) -> str:
    return f"committees:{committee_id}"


@dataclass(frozen=True)
class Matter:
    """A light copy of a request, as the requests plugin answered it."""

    id: int
    number: str
    title: str
    details: str
    status: str
    open: bool
    created_at: datetime | None
    assigned_at: datetime | None
    deadline: datetime | None
    replied_at: datetime | None
    closed_at: datetime | None
    closed_how: str | None
    reply: str
    rejections: int

    @property
    def answered_at(self) -> datetime | None:
        return self.replied_at or (self.closed_at if self.closed_how == "accepted" else None)


def _when(value) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _matter(record: dict) -> Matter | None:
    request_id = record.get("id")
    if not isinstance(request_id, int):
        return None
    return Matter(
        id=request_id,
        number=str(record.get("number", "")),
        title=str(record.get("title", "")),
        details=str(record.get("details", "")),
        status=str(record.get("status", "")),
        open=bool(record.get("open")),
        created_at=_when(record.get("created_at")),
        assigned_at=_when(record.get("assigned_at")),
        deadline=_when(record.get("deadline")),
        replied_at=_when(record.get("replied_at")),
        closed_at=_when(record.get("closed_at")),
        closed_how=record.get("closed_how"),
        reply=str(record.get("reply", "")),
        rejections=int(record.get("rejections") or 0),
    )


def queue(committee_id: int) -> tuple[bool, list[Matter]]:
    """(whether a plugin answered, the committee's matters newest first)."""
    answered = False
    matters: list[Matter] = []
    key = key_of(committee_id)
    for _plugin_id, answer in ask_plugins("requests_assigned_to", assignee_key=key):
        if isinstance(answer, Unavailable):
            continue
        answered = True
        matters += [m for m in map(_matter, answer or []) if m is not None]
    return answered, matters


def propose(name: str, committee_id: int, request_id: int, by_user_id: int, text: str) -> None:
    """Answer (``ANSWER``) or hand back (``HAND_BACK``) a matter, through the event (named
    literally, so the event catalogue test finds each)."""
    key = key_of(committee_id)
    if name == ANSWER:
        emit(
            "request_answer_proposed",
            request_id=request_id,
            assignee_key=key,
            by_user_id=by_user_id,
            text=text,
        )
    else:
        emit(
            "request_handed_back",
            request_id=request_id,
            assignee_key=key,
            by_user_id=by_user_id,
            text=text,
        )


def tell_members(committee_key: str, number: str) -> None:
    committee_id = parse_id(committee_key)
    if committee_id is None:
        return
    committee = db.session.execute(
        db.select(Committee).where(Committee.id == committee_id)
    ).scalar_one_or_none()
    if committee is None:
        return
    members = db.session.execute(
        db.select(Seat.user_id).where(Seat.committee_id == committee.id, Seat.active_key == 1)
    ).scalars()
    link = ""
    if has_request_context():  # delivered after a page's commit: link to the queue
        link = url_for("committees.matter_queue", committee_id=committee.id)
    notify(
        list(members),
        "committees.matter",
        {
            "zh_Hans": f"社区事务 {number} 已交办给{committee.name}",
            "en": f"Community matter {number} was assigned to {committee.name}",
        },
        link=link,
    )
