"""Donations recorded at the desk, receipts, and corrections (reversing postings)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from core.plugin_api import (
    audit,
    commit,
    db,
    parse_id,
    render,
    requires,
    run_once,
    show_messages_in,
)
from plugins.funds import ledger
from plugins.funds.forms import DonationForm, ReasonForm
from plugins.funds.i18n import _
from plugins.funds.models import Fund, Posting
from plugins.funds.views import bp, fund_choices, today_local


def posting_or_404(posting_id: int) -> Posting:
    found = db.session.execute(
        sa.select(Posting).where(Posting.id == posting_id)
    ).scalar_one_or_none()
    if found is None:
        abort(404)
    return found


class ReceiptTaken(Exception):
    pass


def _receipt_taken(receipt_no: str) -> bool:
    return (
        db.session.execute(
            sa.select(Posting.id).where(Posting.receipt_no == receipt_no)
        ).scalar_one_or_none()
        is not None
    )


@bp.route("/donations/new", methods=["GET", "POST"])
@requires("funds.record")
def donation_new():
    form = DonationForm()
    form.fund_id.choices = fund_choices()
    if request.method == "GET":
        form.occurred_on.data = today_local()
        form.fund_id.data = parse_id(request.args.get("fund"))
    if form.validate_on_submit():

        def store() -> int:
            if _receipt_taken(form.receipt_no.data):
                raise ReceiptTaken
            posting = ledger.post(
                form.fund_id.data,
                "donation",
                form.amount.data_fen,
                form.occurred_on.data,
                purpose=form.purpose.data or "",
                counterparty=form.donor_name.data,
                anonymous=form.anonymous.data,
                donor_name=form.donor_name.data,
                method=form.method.data,
                receipt_no=form.receipt_no.data,
                actor_id=current_user.id,
            )
            audit("funds.donation_recorded", form.receipt_no.data)
            return posting.id

        try:
            once = run_once(form.idempotency_key.data, "funds.donation", store)
        except (ReceiptTaken, IntegrityError):  # also the same number at the same moment
            db.session.rollback()
            form.receipt_no.errors.append(_("This receipt number is already used."))
        else:
            flash(
                _("Already recorded.") if once.repeated else _("Donation recorded."),
                "info" if once.repeated else "success",
            )
            return redirect(url_for("funds.receipt", posting_id=once.result_id))
    status = 422 if request.method == "POST" else 200
    return render("funds/donation_form.html", form=form), status


@bp.route("/postings/<int:posting_id>/receipt")
@requires("funds.record")
def receipt(posting_id: int):
    posting = posting_or_404(posting_id)
    if posting.kind != "donation":
        abort(404)
    fund = db.session.get(Fund, posting.fund_id)
    return render("funds/receipt.html", posting=posting, fund=fund, public_view=False)


@bp.route("/postings/<int:posting_id>/reverse", methods=["GET", "POST"])
@requires("funds.record")
def reverse(posting_id: int):
    posting = posting_or_404(posting_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            ledger.reverse(posting, form.reason.data, today_local(), actor_id=current_user.id)
        except ledger.LedgerError as exc:
            db.session.rollback()
            show_messages_in("funds-reverse")
            flash(str(exc), "error")
            return render("funds/reverse.html", form=form, posting=posting), 409
        audit("funds.reversed", str(posting.id))
        commit()
        flash(_("The entry is reversed by a correcting entry."), "success")
        return redirect(url_for("funds.fund_show", fund_id=posting.fund_id))
    status = 422 if request.method == "POST" else 200
    return render("funds/reverse.html", form=form, posting=posting), status
