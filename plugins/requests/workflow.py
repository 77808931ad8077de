"""The life of a request: report → classify → refer/assign → reply → requester's check.

Each function changes one request, writes its timeline step, and leaves the commit to the
caller (a view, the demo data). Rules that must hold whatever the screen:

* a request is only closed by its requester's acceptance (首诉人验收), or by staff with a
  written reason when the requester cannot be reached, and that is shown as such;
* a rejection reopens it (不满意不收兵);
* the first handling step stamps the first-response time against the service-hours target.
"""

from __future__ import annotations

from datetime import datetime

from core.plugin_api import community_lock, db, emit, send_to_office, to_local
from plugins.requests import clock, notifying
from plugins.requests.i18n import _
from plugins.requests.models import OPEN_STATUSES, Category, Request, Step
from plugins.requests.sla import Targets, first_response_met


class WorkflowError(ValueError):
    """The step does not fit the request's state; the message is shown to the user."""


def _step(req: Request, action: str, actor_id: int | None, note: str = "") -> Step:
    step = Step(request_id=req.id, action=action, actor_id=actor_id, note=note, at=clock.now())
    db.session.add(step)
    return step


def _next_seq(year: int) -> int:
    community_lock("requests.number")  # two reports at once must not draw the same number
    current = db.session.execute(
        db.select(db.func.max(Request.seq)).where(Request.year == year)
    ).scalar()
    return (current or 0) + 1


def create(targets: Targets, *, title: str, actor_id: int | None, **fields) -> Request:
    """A new request, numbered per community and year (2026-0001), with its first step."""
    now = clock.now()
    local = to_local(now, targets.timezone)
    req = Request(
        title=title,
        created_at=now,
        year=local.year,
        seq=_next_seq(local.year),
        received_month=f"{local.year:04d}-{local.month:02d}",
        entered_by_id=actor_id,
        **fields,
    )
    db.session.add(req)
    db.session.flush()
    _step(req, "received", actor_id)
    notifying.received(req)
    return req


def _responded(req: Request, targets: Targets) -> None:
    if req.first_response_at is not None:
        return
    now = clock.now()
    req.first_response_at = now
    req.first_response_seconds = int((now - req.created_at).total_seconds())
    req.first_response_met = first_response_met(req.created_at, now, targets)


def _set_deadline(req: Request, deadline: datetime | None) -> None:
    if deadline != req.deadline:
        req.overdue_notified_at = None  # a new deadline may be missed again: tell again
    req.deadline = deadline


def _require_not_closed(req: Request) -> None:
    if req.status == "closed":
        raise WorkflowError(_("This request is closed."))


def _require_kind(req: Request, kind: str) -> None:
    _require_not_closed(req)
    if req.kind != kind:
        raise WorkflowError(_("Classify the request first."))


def classify(
    req: Request,
    targets: Targets,
    actor_id: int,
    kind: str,
    category: Category | None,
    note: str = "",
) -> None:
    _require_not_closed(req)
    req.kind = kind
    req.category_id = category.id if category else None
    if category and category.owner and not req.owner:
        req.owner = category.owner
    if req.status == "received":
        req.status = "in_progress"
        notifying.taken(req)
    _responded(req, targets)
    label = category.name if category else ""
    _step(req, "classified", actor_id, " · ".join(p for p in (label, note) if p)).kind = kind


def refer(
    req: Request,
    targets: Targets,
    actor_id: int,
    *,
    department: str,
    office: str,
    handler: str,
    deadline: datetime,
) -> None:
    """大事: a named unit, office and handler, and a deadline (限时办结)."""
    _require_kind(req, "red")
    req.owner, req.office, req.handler = department, office, handler
    _set_deadline(req, deadline)
    req.status = "in_progress"
    _responded(req, targets)
    due = to_local(deadline, targets.timezone).strftime("%Y-%m-%d")
    _step(req, "referred", actor_id, f"{department} · {office} · {handler} · {due}")
    notifying.referred(req)
    # 挂单: the street office above the community sees it until it answers (销号).
    send_to_office(
        f"requests:{req.id}",
        req.title,
        number=req.number,
        detail="\n".join(p for p in (f"{department} · {office} · {handler}", req.details) if p),
        deadline=deadline,
    )


def office_answered(req: Request, targets: Targets, office: str, answer: str) -> bool:
    """The street office answered a referred 大事: on the timeline, and as the reply the
    requester checks (unless one is already waiting for the check). False if the request
    was closed or is no longer a 大事 meanwhile."""
    if req.status == "closed" or req.kind != "red":
        return False
    _step(req, "office_answered", None, f"{office}\n{answer}")
    if req.status != "replied":
        reply(req, targets, None, text=answer, outcome="")
    return True


def assign(
    req: Request,
    targets: Targets,
    actor_id: int,
    *,
    key: str,
    label: str,
    deadline: datetime | None,
) -> None:
    """小事: to a committee (or staff) for consultation."""
    _require_kind(req, "orange")
    req.owner, req.assignee_key = label, key
    _set_deadline(req, deadline)
    req.status = "in_progress"
    _responded(req, targets)
    _step(req, "assigned", actor_id, label)
    notifying.assigned(req)
    emit("request_assigned", request_id=req.id, number=req.number, assignee_key=key)


def hand_back(req: Request, actor_id: int | None, reason: str) -> None:
    """The committee (or whoever it was assigned to) gives a community matter back: it
    stays open, unassigned, and the handlers are told to find another way."""
    _require_kind(req, "orange")
    if not req.is_open:
        raise WorkflowError(_("There is no open matter to hand back."))
    _step(req, "handed_back", actor_id, f"{req.owner}: {reason}" if req.owner else reason)
    req.owner, req.assignee_key = "", ""
    notifying.handed_back(req)


def record_deliberation(
    req: Request, actor_id: int, *, held_on: str, participants: str, decision: str
) -> None:
    """一事一议: the meeting's date, who took part and what was agreed."""
    _require_kind(req, "orange")
    _step(req, "deliberated", actor_id, f"{held_on} · {participants}\n{decision}")


def refer_to_service(
    req: Request,
    targets: Targets,
    actor_id: int,
    *,
    key: str,
    label: str,
    contact: str,
    message: str,
) -> None:
    """私事: the referral is the answer; the requester then checks it like any reply."""
    _require_kind(req, "yellow")
    req.owner, req.assignee_key = label, key
    _step(req, "service", actor_id, f"{label} {contact}".strip())
    answer = "\n".join(p for p in (f"{label} {contact}".strip(), message) if p)
    # No outcome text is stored: labels.outcome_text words it in each reader's language.
    reply(req, targets, actor_id, text=answer, outcome="")
    if key.count(":") and not key.startswith("service:"):
        emit("request_referred", request_id=req.id, number=req.number, referral_key=key)


def reply(req: Request, targets: Targets, actor_id: int, *, text: str, outcome: str) -> None:
    """The answer (逐一回复); it waits for the requester's check."""
    _require_not_closed(req)
    if req.kind is None:
        raise WorkflowError(_("Classify the request first."))
    req.reply, req.outcome = text, outcome
    req.replied_at = clock.now()
    req.status = "replied"
    _responded(req, targets)
    _step(req, "replied", actor_id, text)
    notifying.replied(req)


def accept(req: Request, actor_id: int, note: str = "") -> None:
    if req.status != "replied":
        raise WorkflowError(_("There is no reply to check yet."))
    _close(req, actor_id, "accepted", "accepted", note)


def reject(req: Request, actor_id: int, reason: str) -> None:
    """不满意不收兵: back on the open ledger with the reason."""
    if req.status != "replied":
        raise WorkflowError(_("There is no reply to check yet."))
    req.status = "in_progress"
    _step(req, "rejected", actor_id, reason)
    notifying.reopened(req)


def close_unreachable(req: Request, targets: Targets, actor_id: int, reason: str) -> None:
    _require_not_closed(req)
    if req.kind is None:
        raise WorkflowError(_("Classify the request first."))
    _responded(req, targets)
    _close(req, actor_id, "unreachable", "unreachable", reason)
    req.close_reason = reason


def _close(req: Request, actor_id: int, how: str, action: str, note: str) -> None:
    now = clock.now()
    req.status, req.closed_how, req.closed_at = "closed", how, now
    req.close_seconds = int((now - req.created_at).total_seconds())
    _step(req, action, actor_id, note)
    category = db.session.get(Category, req.category_id) if req.category_id else None
    emit(
        "request_closed",
        request_id=req.id,
        number=req.number,
        kind=req.kind,
        category=category.name if category else "",
        owner=req.owner,
        assignee_key=req.assignee_key,
        requester_id=req.requester_id,
        closed_how=how,
    )


def is_overdue(req: Request, now: datetime | None = None) -> bool:
    """Past its deadline and still unanswered (挂单 items that stand out on the ledger)."""
    if req.deadline is None or req.status not in OPEN_STATUSES:
        return False
    return req.deadline < (now or clock.now())
