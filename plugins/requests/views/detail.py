"""The request page: timeline, and the forms that fit the request's state and the viewer."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from flask_login import current_user

from core.plugin_api import (
    Unavailable,
    ask_plugins,
    current_tenant,
    db,
    localized,
    to_local,
)
from plugins.requests import catalogue, workflow
from plugins.requests.forms import (
    AssignForm,
    CheckForm,
    ClassifyForm,
    DeliberationForm,
    ReferForm,
    RejectForm,
    ReplyForm,
    ServiceReferralForm,
    UnreachableForm,
)
from plugins.requests.models import INTERNAL_NOTE_ACTIONS, Photo, Request, Step
from plugins.requests.views import can_handle, settings, today_local

MEMBER_KEY = "member:"  # assignee_key of a request assigned to a person: "member:<user id>"


def _answers(hook_name: str, req: Request):
    """(plugin_id, answers) of the plugins that answered; one that failed is skipped."""
    for plugin_id, answers in ask_plugins(hook_name, request=req):
        if not isinstance(answers, Unavailable):
            yield plugin_id, answers or []


def offered_assignees(req: Request) -> list[tuple[str, str]]:
    """(key, label) of the committees (or whoever answers ``request_assignees``); any
    member can also be picked, with the member picker."""
    offered = []
    for plugin_id, answers in _answers("request_assignees", req):
        for a in answers:
            if str(a.get("key", "")).startswith(plugin_id + ":"):
                offered.append((a.get("order", 100), plugin_id, a["key"], localized(a["label"])))
    return [(key, label) for _o, _p, key, label in sorted(offered)]


def referral_choices(req: Request) -> list[tuple[str, str, str]]:
    """(key, label, contact): the service directory, then volunteer teams from the hook."""
    out = [(f"service:{s.id}", f"{s.field} · {s.name}", s.phone) for s in catalogue.services()]
    offered = []
    for plugin_id, answers in _answers("request_volunteer_referral", req):
        for a in answers:
            if str(a.get("key", "")).startswith(plugin_id + ":"):
                offered.append(
                    (a.get("order", 100), a["key"], localized(a["label"]), a.get("contact", ""))
                )
    out += [(key, label, contact) for _o, key, label, contact in sorted(offered)]
    return out


def _suggested(req: Request, categories):
    if req.category_id:
        return next((c for c in categories if c.id == req.category_id), None)
    return catalogue.suggest(f"{req.title} {req.details}", categories)


def render_show(req: Request, status: int = 200, **forms):
    """Render the request page; ``forms`` carries a failed form back with its errors."""
    steps = list(
        db.session.execute(
            db.select(Step).where(Step.request_id == req.id).order_by(Step.at, Step.id)
        ).scalars()
    )
    photos = list(db.session.execute(db.select(Photo).where(Photo.request_id == req.id)).scalars())
    handler_view = can_handle()
    context = {
        "req": req,
        "timeline": [
            (step, step.note if handler_view or step.action not in INTERNAL_NOTE_ACTIONS else "")
            for step in steps
        ],
        "photos": photos,
        "handler_view": handler_view,
        "is_requester": req.requester_id == current_user.id,
        "overdue": workflow.is_overdue(req),
        "forms": {},
    }
    if context["is_requester"] and req.status == "replied":
        context["forms"]["accept"] = forms.get("accept") or CheckForm(formdata=None)
        context["forms"]["reject"] = forms.get("reject") or RejectForm(formdata=None)
    if context["handler_view"] and req.status != "closed":
        context["forms"].update(_handler_forms(req, forms))
    return render_template("requests/show.html", **context), status


def _handler_forms(req: Request, forms: dict) -> dict:
    categories = catalogue.active_categories()
    suggestion = _suggested(req, categories)
    out: dict = {"suggestion": suggestion}
    classify = forms.get("classify")
    if classify is None:
        classify = ClassifyForm(formdata=None, categories=categories)
        chosen = req.category if req.category_id else suggestion
        classify.category_id.data = chosen.id if chosen else None
        classify.kind.data = req.kind or (chosen.kind if chosen else "")
    out["classify"] = classify
    if req.kind == "red" and req.status in ("received", "in_progress"):
        refer = forms.get("refer") or ReferForm(formdata=None)
        if not refer.department.data:
            refer.department.data = req.owner or (suggestion.owner if suggestion else "")
            refer.office.data, refer.handler.data = req.office, req.handler
        if refer.deadline.data is None:
            refer.deadline.data = (
                to_local(req.deadline, current_tenant().timezone).date()
                if req.deadline
                else today_local() + timedelta(days=settings()["red_deadline_days"])
            )
        out["refer"] = refer
    if req.kind == "orange" and req.status in ("received", "in_progress"):
        assign = forms.get("assign")
        if assign is None:  # a fresh form shows the current assignee
            assign = AssignForm(formdata=None)
            assign.offer(offered_assignees(req))
            if req.assignee_key.startswith(MEMBER_KEY):
                assign.member.data = int(req.assignee_key.removeprefix(MEMBER_KEY))
            elif "assignee" in assign:
                assign.assignee.data = req.assignee_key
        out["assign"] = assign
        out["deliberation"] = forms.get("deliberation") or DeliberationForm(formdata=None)
    if req.kind == "yellow" and req.status in ("received", "in_progress"):
        referral = forms.get("referral") or ServiceReferralForm(formdata=None)
        referral.target.choices = [
            (key, f"{label} {contact}".strip()) for key, label, contact in referral_choices(req)
        ]
        out["referral"] = referral
    if req.kind and req.status in ("received", "in_progress"):
        out["reply"] = forms.get("reply") or ReplyForm(formdata=None)
    if req.kind:
        out["unreachable"] = forms.get("unreachable") or UnreachableForm(formdata=None)
    return out
