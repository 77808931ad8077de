"""Payroll runs: start, calculate, review, approve (a second person), adjust; the
payslips of a run, exported or printed."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user

from core.plugin_api import (
    ExportColumn,
    commit,
    db,
    export_response,
    requires,
)
from plugins.salaries import runs
from plugins.salaries.forms import AdjustForm, RunForm
from plugins.salaries.i18n import _
from plugins.salaries.labels import POST_LABELS, line_label
from plugins.salaries.models import Payslip, Run
from plugins.salaries.money import yuan
from plugins.salaries.payroll import Refused
from plugins.salaries.views import bp, page, run_or_404

MANAGE = "salaries.manage"
APPROVE = "salaries.approve"


@bp.route("/manage/runs", methods=["POST"])
@requires(MANAGE)
def start_run():
    form = RunForm()
    if not form.validate_on_submit():
        return page("salaries/run_new.html", form=form), 422
    try:
        run = runs.start(form.month.month, current_user.id, (form.note.data or "").strip())
        runs.calculate(run)
    except Refused as refusal:
        db.session.rollback()
        form.month.errors.append(refusal.message)
        return page("salaries/run_new.html", form=form), 409
    commit()
    return redirect(url_for("salaries.run", run_id=run.id), 303)


def _run_page(run: Run, error: str | None = None, status: int = 200, adjust=None):
    slips = db.session.execute(
        db.select(Payslip).where(Payslip.run_id == run.id).order_by(Payslip.worker_id)
    ).scalars()
    return page(
        "salaries/run.html", run=run, slips=list(slips), error=error,
        adjust=adjust or AdjustForm(formdata=None),
    ), status  # fmt: skip


@bp.route("/manage/runs/<int:run_id>")
@requires(MANAGE)
def run(run_id: int):
    return _run_page(run_or_404(run_id))


def _step(run_id: int, action, message: str):
    run = run_or_404(run_id)
    try:
        action(run)
    except Refused as refusal:
        db.session.rollback()
        return _run_page(run_or_404(run_id), refusal.message, 409)
    commit()
    flash(message, "success")
    return redirect(url_for("salaries.run", run_id=run_id), 303)


@bp.route("/manage/runs/<int:run_id>/calculate", methods=["POST"])
@requires(MANAGE)
def calculate(run_id: int):
    return _step(run_id, runs.calculate, _("Payslips calculated again."))


@bp.route("/manage/runs/<int:run_id>/review", methods=["POST"])
@requires(MANAGE)
def review(run_id: int):
    return _step(run_id, lambda r: runs.review(r, current_user.id),
                 _("Sent for approval."))  # fmt: skip


@bp.route("/manage/runs/<int:run_id>/send-back", methods=["POST"])
@requires(APPROVE)
def send_back(run_id: int):
    return _step(run_id, runs.send_back, _("Sent back to draft."))


@bp.route("/manage/runs/<int:run_id>/approve", methods=["POST"])
@requires(APPROVE)
def approve(run_id: int):
    return _step(run_id, lambda r: runs.approve(r, current_user.id),
                 _("Approved and locked; the workers are told."))  # fmt: skip


@bp.route("/manage/runs/<int:run_id>/adjust", methods=["POST"])
@requires(MANAGE)
def adjust(run_id: int):
    original = run_or_404(run_id)
    form = AdjustForm()
    if not form.validate_on_submit():
        return _run_page(original, status=422, adjust=form)
    try:
        new = runs.start_adjusting(original, current_user.id, form.note.data.strip())
        runs.calculate(new)
    except Refused as refusal:
        db.session.rollback()
        return _run_page(run_or_404(run_id), refusal.message, 409, adjust=form)
    commit()
    return redirect(url_for("salaries.run", run_id=new.id), 303)


@bp.route("/manage/runs/<int:run_id>/export")
@requires(MANAGE)
def export_run(run_id: int):
    run = run_or_404(run_id)
    fmt = "csv" if request.args.get("format") == "csv" else "xlsx"
    slips = db.session.execute(
        db.select(Payslip).where(Payslip.run_id == run.id).order_by(Payslip.worker_id)
    ).scalars()
    columns = [
        ExportColumn(_("Name")), ExportColumn(_("Post")), ExportColumn(_("Level"), "int"),
        ExportColumn(_("Gross pay"), "money"), ExportColumn(_("Deductions"), "money"),
        ExportColumn(_("Net pay"), "money"), ExportColumn(_("Lines"), width=60),
    ]  # fmt: skip
    rows = (
        (s.name, str(POST_LABELS[s.post]), s.level, s.gross_fen, s.deductions_fen, s.net_fen,
         "; ".join(f"{line_label(line)} {yuan(line['fen'])}" for line in s.lines))
        for s in slips
    )  # fmt: skip
    name = _("Payroll %(month)s", month=run.month.strftime("%Y-%m"))
    return export_response(name, columns, rows, fmt=fmt, key=f"payroll-{run.month:%Y-%m}")
