"""What staff do with a request: desk entry, classify, refer/assign, reply, close."""

from __future__ import annotations

from flask import flash, request, url_for
from flask_login import current_user

from core.plugin_api import (
    commit,
    db,
    find_member,
    form_success,
    get_member,
    requires,
    show_messages_in,
)
from plugins.requests import catalogue, workflow
from plugins.requests.forms import (
    AssignForm,
    ClassifyForm,
    DeliberationForm,
    DeskReportForm,
    ReferForm,
    ReplyForm,
    ServiceReferralForm,
    UnreachableForm,
)
from plugins.requests.i18n import _
from plugins.requests.models import Category
from plugins.requests.views import (
    bp,
    end_of_day,
    request_or_404,
    targets,
    today_local,
)
from plugins.requests.views.detail import (
    MEMBER_KEY,
    offered_assignees,
    referral_choices,
    render_show,
)
from plugins.requests.views.resident import file_report, render_report, report_filed, report_form


@bp.route("/desk", methods=["GET", "POST"])
@requires("requests.handle")
def desk():
    """A request taken at the desk or by phone, entered for the resident."""
    form = report_form(DeskReportForm)
    member = None
    if request.method == "POST" and form.requester_email.data:
        member = find_member(form.requester_email.data)
    valid = form.validate_on_submit()
    if valid and form.requester_email.data and member is None:
        form.requester_email.errors = [_("No member of this community has this e-mail.")]
        valid = False
    if valid:
        once, number = file_report(
            form,
            actor_id=current_user.id,
            requester_id=member.user_id if member else None,
            requester_name=(form.requester_name.data or (member.name if member else "")).strip(),
            channel=form.channel.data,
        )
        return report_filed(once, _("Request %(number)s entered.", number=number))
    return render_report(form, desk=True)


def _done(req, message: str):
    """Saved: the message goes where the person is, in the handling section (htmx), or at
    the top of the reloaded request page."""
    request_id = req.id  # before the commit: nothing is read back after it but the page
    commit()
    return form_success(
        message,
        redirect_to=url_for("requests.show", request_id=request_id),
        region="rq-handle",
        render=lambda: render_show(request_or_404(request_id)),
    )


def _run(req, form_name: str, form, step):
    """Apply a workflow step; its refusal is shown on the page (409), not a crash."""
    try:
        step()
    except workflow.WorkflowError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        flash(str(exc), "error")
        show_messages_in("rq-handle")
        return render_show(request_or_404(req.id), 409, **{form_name: form})
    return None


@bp.route("/<int:request_id>/classify", methods=["POST"])
@requires("requests.handle")
def classify(request_id: int):
    req = request_or_404(request_id)
    form = ClassifyForm(categories=catalogue.active_categories())
    if not form.validate_on_submit():
        return render_show(req, 422, classify=form)
    category = db.session.get(Category, form.category_id.data) if form.category_id.data else None
    refused = _run(
        req,
        "classify",
        form,
        lambda: workflow.classify(
            req, targets(), current_user.id, form.kind.data, category, form.note.data or ""
        ),
    )
    return refused or _done(req, _("Classified."))


@bp.route("/<int:request_id>/refer", methods=["POST"])
@requires("requests.handle")
def refer(request_id: int):
    req = request_or_404(request_id)
    form = ReferForm()
    form.today = today_local()
    if not form.validate_on_submit():
        return render_show(req, 422, refer=form)
    refused = _run(
        req,
        "refer",
        form,
        lambda: workflow.refer(
            req,
            targets(),
            current_user.id,
            department=form.department.data.strip(),
            office=(form.office.data or "").strip(),
            handler=form.handler.data.strip(),
            deadline=end_of_day(form.deadline.data),
        ),
    )
    return refused or _done(req, _("Referred. It stays on the open ledger until answered."))


@bp.route("/<int:request_id>/assign", methods=["POST"])
@requires("requests.handle")
def assign(request_id: int):
    req = request_or_404(request_id)
    form = AssignForm()
    form.today = today_local()
    committees = offered_assignees(req)
    form.offer(committees)
    if not form.validate_on_submit():
        return render_show(req, 422, assign=form)
    member = get_member(form.member.data) if form.member.data is not None else None
    if member is not None:
        key, label = f"{MEMBER_KEY}{member.user_id}", member.name
    else:
        key, label = form.assignee.data, dict(committees)[form.assignee.data]
    deadline = end_of_day(form.deadline.data) if form.deadline.data else None
    refused = _run(
        req,
        "assign",
        form,
        lambda: workflow.assign(
            req, targets(), current_user.id, key=key, label=label, deadline=deadline
        ),
    )
    return refused or _done(req, _("Assigned to %(label)s.", label=label))


@bp.route("/<int:request_id>/deliberation", methods=["POST"])
@requires("requests.handle")
def deliberation(request_id: int):
    req = request_or_404(request_id)
    form = DeliberationForm()
    if not form.validate_on_submit():
        return render_show(req, 422, deliberation=form)
    refused = _run(
        req,
        "deliberation",
        form,
        lambda: workflow.record_deliberation(
            req,
            current_user.id,
            held_on=form.held_on.data.isoformat(),
            participants=form.participants.data.strip(),
            decision=form.decision.data.strip(),
        ),
    )
    return refused or _done(req, _("Deliberation recorded."))


@bp.route("/<int:request_id>/referral", methods=["POST"])
@requires("requests.handle")
def referral(request_id: int):
    req = request_or_404(request_id)
    form = ServiceReferralForm()
    options = {key: (label, contact) for key, label, contact in referral_choices(req)}
    form.target.choices = [(k, f"{lb} {c}".strip()) for k, (lb, c) in options.items()]
    if not form.validate_on_submit():
        return render_show(req, 422, referral=form)
    label, contact = options[form.target.data]
    refused = _run(
        req,
        "referral",
        form,
        lambda: workflow.refer_to_service(
            req,
            targets(),
            current_user.id,
            key=form.target.data,
            label=label,
            contact=contact,
            message=(form.message.data or "").strip(),
        ),
    )
    return refused or _done(req, _("Referred. The resident is asked to check it."))


@bp.route("/<int:request_id>/reply", methods=["POST"])
@requires("requests.handle")
def reply(request_id: int):
    req = request_or_404(request_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return render_show(req, 422, reply=form)
    refused = _run(
        req,
        "reply",
        form,
        lambda: workflow.reply(
            req,
            targets(),
            current_user.id,
            text=form.reply.data.strip(),
            outcome=form.outcome.data.strip(),
        ),
    )
    return refused or _done(req, _("Reply sent. The resident is asked to check it."))


@bp.route("/<int:request_id>/close-without-check", methods=["POST"])
@requires("requests.handle")
def unreachable(request_id: int):
    req = request_or_404(request_id)
    form = UnreachableForm()
    if not form.validate_on_submit():
        return render_show(req, 422, unreachable=form)
    refused = _run(
        req,
        "unreachable",
        form,
        lambda: workflow.close_unreachable(
            req, targets(), current_user.id, form.reason.data.strip()
        ),
    )
    return refused or _done(req, _("Closed without the requester's check; the reason is shown."))
