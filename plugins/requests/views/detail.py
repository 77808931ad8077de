"""The request page: timeline, and the forms that fit the request's state and the viewer."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from flask_login import current_user

from core.plugin_api import (
    Unavailable,
    ask_plugins,
    community_members,
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
from plugins.requests.models import Photo, Request, Step
from plugins.requests.views import can_handle, settings, today_local


def _answers(hook_name: str, req: Request):
    """(plugin_id, answers) of the plugins that answered; one that failed is skipped."""
    for plugin_id, answers in ask_plugins(hook_name, request=req):
        if not isinstance(answers, Unavailable):
            yield plugin_id, answers or []


def assignee_choices(req: Request) -> list[tuple[str, str]]:
    """Committees (or whoever answers ``request_assignees``), else the community's staff."""
    offered = []
    for plugin_id, answers in _answers("request_assignees", req):
        for a in answers:
            if str(a.get("key", "")).startswith(plugin_id + ":"):
                offered.append((a.get("order", 100), plugin_id, a["key"], localized(a["label"])))
    if offered:
        return [(key, label) for _o, _p, key, label in sorted(offered)]
    return [
        # Their names only: the label is stored as the owner, and must read in any language.
        (f"staff:{m.user_id}", m.name)
        for m in community_members(roles=("staff", "admin"))
    ]


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
    context = {
        "req": req,
        "steps": steps,
        "photos": photos,
        "handler_view": can_handle(),
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
        assign = forms.get("assign") or AssignForm(formdata=None)
        assign.assignee.choices = assignee_choices(req)
        if assign.assignee.data is None:
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
