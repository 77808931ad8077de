"""Grant applications: entered, reviewed, approved by a second person, paid out with
invoices attached."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user

from core.plugin_api import (
    audit,
    commit,
    db,
    get_members,
    has_permission,
    paginate,
    render,
    requires,
    run_once,
)
from plugins.funds import grants as workflow
from plugins.funds import ledger
from plugins.funds.forms import DisburseForm, GrantForm, NoteForm, ReasonForm
from plugins.funds.i18n import _
from plugins.funds.labels import GRANT_STATUS_LABELS
from plugins.funds.models import Attachment, Fund, Grant
from plugins.funds.views import bp, fund_choices, settings, today_local

MAX_ATTACHMENT = 5 * 1024 * 1024
ATTACHMENT_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}


def grant_or_404(grant_id: int) -> Grant:
    found = db.session.execute(sa.select(Grant).where(Grant.id == grant_id)).scalar_one_or_none()
    if found is None:
        abort(404)
    return found


@bp.route("/grants")
def grants():
    status = request.args.get("status", "")
    select = sa.select(Grant)
    if status in GRANT_STATUS_LABELS:
        select = select.where(Grant.status == status)
    else:
        status = ""
    page = paginate(select, Grant.id, per_page=settings()["per_page"])
    names = dict(db.session.execute(sa.select(Fund.id, Fund.name)).all())
    return render("funds/grants.html", page=page, status=status, fund_names=names)


@bp.route("/grants/new", methods=["GET", "POST"])
def grant_new():
    form = GrantForm()
    form.fund_id.choices = fund_choices()
    if form.validate_on_submit():

        def store() -> int:
            grant = workflow.create(
                form.fund_id.data,
                applicant_kind=form.applicant_kind.data,
                applicant_name=form.applicant_name.data,
                title=form.title.data,
                purpose=form.purpose.data,
                amount_fen=form.amount.data_fen,
                actor_id=current_user.id,
                applicant_id=current_user.id,
            )
            audit("funds.grant_submitted", grant.title)
            return grant.id

        once = run_once(form.idempotency_key.data, "funds.grant", store)
        flash(_("Application submitted."), "info" if once.repeated else "success")
        return redirect(url_for("funds.grant_show", grant_id=once.result_id))
    status = 422 if request.method == "POST" else 200
    return render("funds/grant_form.html", form=form), status


def _grant_page(grant: Grant, status: int = 200, **forms):
    fund = db.session.get(Fund, grant.fund_id)
    attachments = list(
        db.session.execute(
            sa.select(Attachment.id, Attachment.filename, Attachment.size)
            .where(Attachment.grant_id == grant.id)
            .order_by(Attachment.id)
        ).all()
    )
    people = get_members(
        [grant.created_by_id, grant.reviewed_by_id, grant.approved_by_id, grant.applicant_id]
    )
    form_defaults = {
        "note_form": NoteForm(formdata=None),
        "reject_form": ReasonForm(formdata=None),
        "disburse_form": DisburseForm(formdata=None, occurred_on=today_local()),
    }
    form_defaults.update(forms)
    return render(
        "funds/grant.html",
        grant=grant,
        fund=fund,
        attachments=attachments,
        people=people,
        may_approve=workflow.may_approve(grant, current_user.id),
        **form_defaults,
    ), status


def _visible(grant: Grant) -> None:
    mine = current_user.id in (grant.applicant_id, grant.created_by_id)
    if not (mine or has_permission("funds.record") or has_permission("funds.approve")):
        abort(404)


@bp.route("/grants/<int:grant_id>")
def grant_show(grant_id: int):
    grant = grant_or_404(grant_id)
    _visible(grant)
    return _grant_page(grant)


def _refused(grant: Grant, exc: Exception, **forms):
    db.session.rollback()
    flash(str(exc), "error")
    return _grant_page(grant_or_404(grant.id), 409, **forms)


@bp.route("/grants/<int:grant_id>/review", methods=["POST"])
@requires("funds.record")
def grant_review(grant_id: int):
    grant = grant_or_404(grant_id)
    form = NoteForm()
    if not form.validate():
        return _grant_page(grant, 422, note_form=form)
    try:
        workflow.review(grant, current_user.id, form.note.data or "")
    except workflow.GrantError as exc:
        return _refused(grant, exc)
    audit("funds.grant_reviewed", grant.title)
    commit()
    flash(_("Reviewed; an approver is told."), "success")
    return redirect(url_for("funds.grant_show", grant_id=grant.id))


@bp.route("/grants/<int:grant_id>/approve", methods=["POST"])
@requires("funds.approve")
def grant_approve(grant_id: int):
    grant = grant_or_404(grant_id)
    try:
        workflow.approve(grant, current_user.id)
    except workflow.GrantError as exc:
        return _refused(grant, exc)
    audit("funds.grant_approved", grant.title)
    commit()
    flash(_("Approved."), "success")
    return redirect(url_for("funds.grant_show", grant_id=grant.id))


@bp.route("/grants/<int:grant_id>/reject", methods=["POST"])
def grant_reject(grant_id: int):
    if not (has_permission("funds.record") or has_permission("funds.approve")):
        abort(403)
    grant = grant_or_404(grant_id)
    form = ReasonForm()
    if not form.validate():
        return _grant_page(grant, 422, reject_form=form)
    try:
        workflow.reject(grant, current_user.id, form.reason.data)
    except workflow.GrantError as exc:
        return _refused(grant, exc)
    audit("funds.grant_rejected", grant.title)
    commit()
    flash(_("The application is not approved; the applicant is told."), "success")
    return redirect(url_for("funds.grant_show", grant_id=grant.id))


def _refuse_invoice(form: DisburseForm) -> None:
    # errors is a tuple until the form is validated (the attach form is not).
    form.invoice.errors = [*form.invoice.errors, _("Attach a PDF or an image of at most 5 MB.")]


def _read_invoice(form: DisburseForm) -> tuple[str, str, bytes] | None:
    upload = form.invoice.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    data = upload.read(MAX_ATTACHMENT + 1)
    kind = (upload.mimetype or "").lower()
    if len(data) > MAX_ATTACHMENT or kind not in ATTACHMENT_TYPES or not data:
        _refuse_invoice(form)
        raise ValueError
    name = (upload.filename or "invoice").replace("\\", "/").rsplit("/", 1)[-1][:120]
    return name, kind, data


@bp.route("/grants/<int:grant_id>/disburse", methods=["POST"])
@requires("funds.record")
def grant_disburse(grant_id: int):
    grant = grant_or_404(grant_id)
    form = DisburseForm()
    if not form.validate():
        return _grant_page(grant, 422, disburse_form=form)
    try:
        invoice = _read_invoice(form)
    except ValueError:
        return _grant_page(grant, 422, disburse_form=form)
    try:
        workflow.disburse(grant, current_user.id, form.occurred_on.data)
    except (workflow.GrantError, ledger.LedgerError) as exc:
        return _refused(grant, exc, disburse_form=form)
    if invoice:
        _attach(grant, *invoice)
    audit("funds.grant_disbursed", grant.title)
    commit()
    flash(_("Paid out and entered in the ledger."), "success")
    return redirect(url_for("funds.grant_show", grant_id=grant.id))


def _attach(grant: Grant, name: str, kind: str, data: bytes) -> None:
    db.session.add(
        Attachment(
            grant_id=grant.id,
            filename=name,
            content_type=kind,
            size=len(data),
            data=data,
            uploaded_by_id=current_user.id,
        )
    )


@bp.route("/grants/<int:grant_id>/attachments", methods=["POST"])
@requires("funds.record")
def grant_attach(grant_id: int):
    grant = grant_or_404(grant_id)
    form = DisburseForm()
    form.occurred_on.data = today_local()
    try:
        invoice = _read_invoice(form)
    except ValueError:
        return _grant_page(grant, 422, disburse_form=form)
    if invoice is None:
        _refuse_invoice(form)
        return _grant_page(grant, 422, disburse_form=form)
    _attach(grant, *invoice)
    audit("funds.attachment_added", grant.title)
    commit()
    flash(_("Attached."), "success")
    return redirect(url_for("funds.grant_show", grant_id=grant.id))


@bp.route("/grants/<int:grant_id>/attachments/<int:attachment_id>")
def grant_attachment(grant_id: int, attachment_id: int):
    grant = grant_or_404(grant_id)
    _visible(grant)
    found = db.session.execute(
        sa.select(Attachment).where(Attachment.id == attachment_id, Attachment.grant_id == grant.id)
    ).scalar_one_or_none()
    if found is None:
        abort(404)
    response = Response(found.data, mimetype=found.content_type)
    response.headers["Content-Disposition"] = "attachment; filename*=UTF-8''" + _quote(
        found.filename
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
