"""On-line donations: the donation form, Stripe's webhook and the donor's return page."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, request, url_for

from core.plugin_api import (
    StripeWebhookError,
    commit,
    csrf_exempt,
    db,
    plugin_settings,
    public,
    render,
    verify_stripe_webhook,
    writes_on_get,
)
from plugins.funds import stripe_donations
from plugins.funds.forms import OnlineDonationForm
from plugins.funds.i18n import _
from plugins.funds.models import Fund, Posting
from plugins.funds.views import bp, fund_or_404

log = logging.getLogger(__name__)


@bp.route("/public/<int:fund_id>/donate", methods=["GET", "POST"])
@public
def donate(fund_id: int):
    if not stripe_donations.configured():
        abort(404)
    fund = fund_or_404(fund_id)
    if not fund.active:
        abort(404)
    form = OnlineDonationForm()
    if form.validate_on_submit():
        back = url_for("funds.donation_return", _external=True)
        try:
            session = stripe_donations.start(
                fund,
                form.amount.data_fen,
                form.donor_name.data or "",
                form.anonymous.data or not form.donor_name.data,
                success_url=back + "?session_id={CHECKOUT_SESSION_ID}",
                cancel_url=url_for("funds.public_fund", fund_id=fund.id, _external=True),
            )
        except Exception:  # Stripe unreachable or refusing the keys: say so, keep the form
            db.session.rollback()
            log.exception("funds: Stripe Checkout could not start")
            flash(_("On-line payment is not available at the moment; please try later."), "error")
            return render("funds/donate.html", form=form, fund=fund), 503
        commit()
        return redirect(session.url, code=303)
    status = 422 if request.method == "POST" else 200
    return render("funds/donate.html", form=form, fund=fund), status


@bp.route("/public/donate/return")
@public
@writes_on_get
def donation_return():
    session_id = request.args.get("session_id", "")
    if not stripe_donations.configured() or not stripe_donations.SESSION_ID.fullmatch(session_id):
        abort(404)
    checkout = stripe_donations.confirm_return(session_id)
    if checkout is None:
        abort(404)
    commit()
    posting = db.session.get(Posting, checkout.transaction_id) if checkout.transaction_id else None
    fund = db.session.get(Fund, checkout.fund_id)
    return render("funds/donation_return.html", checkout=checkout, posting=posting, fund=fund)


@bp.route("/stripe/webhook", methods=["POST"])
@public
@csrf_exempt
def stripe_webhook():
    """Stripe's POSTs: a bad signature is a 400 and changes nothing; an event type we do
    not handle is a 200 (Stripe stops resending it)."""
    secret = plugin_settings("funds")["stripe_webhook_secret"]
    try:
        event = verify_stripe_webhook(
            request.get_data(), request.headers.get("Stripe-Signature"), secret
        )
    except StripeWebhookError as exc:
        log.info("funds: refused a Stripe webhook: %s", exc)
        return {"error": "invalid signature"}, 400
    handled = stripe_donations.handle_event(event)
    return {"received": True, "handled": handled}, 200
