"""Plan and billing: a community admin's page (plan, usage, Checkout, the customer
portal, changing and cancelling), Stripe's webhook, and the past-due banner.

Everything here answers 404 (the page: a note) while billing is off."""

from __future__ import annotations

import logging
from datetime import timedelta

import stripe
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from wtforms import SelectField

from core.billing import webhooks
from core.billing.plans import INTERVALS, billing_enabled, plan_by_key, plans
from core.billing.subscriptions import subscription_row, sync_subscription
from core.community import audit
from core.community.permissions import has_permission, requires
from core.extensions import csrf, db
from core.plugins.gateway import gateway
from core.services.forms import BaseForm
from core.services.i18n import localized
from core.services.stripe_support import stripe_client
from tenants.context import current_community

log = logging.getLogger("gongzhi.billing")
bp = Blueprint("billing", __name__, url_prefix="/c/<tenant>/billing")
webhook_bp = Blueprint("billing_webhook", __name__)
LIVE = ("active", "past_due")  # a subscription Stripe still bills


class PlanForm(BaseForm):
    plan = SelectField(choices=[], validate_choice=True)
    interval = SelectField(choices=[], validate_choice=True)


def _plan_form(formdata=None) -> PlanForm:
    form = PlanForm(formdata=formdata)
    form.plan.label.text = _("Plan")
    form.interval.label.text = _("Billed")
    form.plan.choices = [(p.key, localized(p.name)) for p in plans() if p.paid]
    form.interval.choices = [("month", _("Monthly")), ("year", _("Yearly"))]
    return form


def _client() -> stripe.StripeClient:
    return stripe_client(current_app.config["STRIPE_SECRET_KEY"])


def _page(form: PlanForm | None = None, status: int = 200):
    gw = gateway()
    counted = gw.counted_modules() if billing_enabled() else []
    above = gw.modules_above_plan()
    labels = [localized(gw.host.get(p).meta.label) for p in above]
    return render_template(
        "community/billing.html",
        billing_on=billing_enabled(),
        plans=plans() if billing_enabled() else [],
        plan=gw.plan,
        row=gw.subscription,
        modules_on=len(counted),
        above=above,
        above_names=_(", ").join(labels),
        grace_days=current_app.config.get("BILLING_GRACE_DAYS", 14),
        form=form or _plan_form(),
        intervals=INTERVALS,
    ), status


@bp.route("/")
@requires("core.settings")
def page():
    if request.args.get("checkout") == "done":
        flash(_("Thank you. Your plan changes as soon as Stripe confirms the payment."), "info")
    return _page()


def _stripe_failed(exc: Exception):
    log.warning("billing: Stripe refused or could not be reached: %r", exc)
    flash(_("Stripe could not be reached or refused the request. Try again later."), "error")
    return _page(status=502)


@bp.route("/plan", methods=["POST"])
@requires("core.settings")
def choose_plan():
    """A new subscription through Stripe Checkout; a change of an existing one in place
    (Stripe prorates)."""
    if not billing_enabled():
        abort(404)
    form = _plan_form(request.form)
    if not form.validate():
        return _page(form, 422)
    plan, interval = plan_by_key(form.plan.data), form.interval.data
    price = plan.price_id(interval)
    if not price:
        form.interval.errors.append(_("This plan cannot be bought that way yet."))
        return _page(form, 422)
    row = subscription_row(create=True)
    client = _client()
    try:
        if row.status in LIVE and row.stripe_subscription_id:
            current = client.v1.subscriptions.retrieve(row.stripe_subscription_id)
            item = current["items"]["data"][0]
            updated = client.v1.subscriptions.update(
                row.stripe_subscription_id,
                params={
                    "items": [{"id": item["id"], "price": price}],
                    "cancel_at_period_end": False,
                    "proration_behavior": "create_prorations",
                },
            )
            sync_subscription(updated, current_community().id)
            audit.record("billing.plan_chosen", plan.key, interval=interval)
            db.session.commit()
            flash(_("Your plan is now %(plan)s.", plan=localized(plan.name)), "success")
            return redirect(url_for("billing.page"), 303)
        tenant = current_community()
        if not row.stripe_customer_id:
            customer = client.v1.customers.create(
                params={"name": tenant.name_zh, "metadata": {"tenant_id": str(tenant.id)}}
            )
            row.stripe_customer_id = customer["id"]
            db.session.commit()
        session = client.v1.checkout.sessions.create(
            params={
                "mode": "subscription",
                "customer": row.stripe_customer_id,
                "client_reference_id": str(tenant.id),
                "line_items": [{"price": price, "quantity": 1}],
                "subscription_data": {"metadata": {"tenant_id": str(tenant.id)}},
                "metadata": {"tenant_id": str(tenant.id)},
                "success_url": url_for("billing.page", checkout="done", _external=True),
                "cancel_url": url_for("billing.page", _external=True),
            }
        )
    except stripe.StripeError as exc:
        db.session.rollback()
        return _stripe_failed(exc)
    audit.record("billing.checkout", plan.key, interval=interval)
    db.session.commit()
    return redirect(session["url"], 303)


@bp.route("/portal", methods=["POST"])
@requires("core.settings")
def portal():
    """Stripe's customer portal: card, invoices, cancelling."""
    row = gateway().subscription
    if not billing_enabled() or row is None or not row.stripe_customer_id:
        abort(404)
    try:
        session = _client().v1.billing_portal.sessions.create(
            params={
                "customer": row.stripe_customer_id,
                "return_url": url_for("billing.page", _external=True),
            }
        )
    except stripe.StripeError as exc:
        return _stripe_failed(exc)
    return redirect(session["url"], 303)


@bp.route("/cancel", methods=["POST"])
@requires("core.settings")
def cancel():
    """Cancel at the end of the period paid for; then the default plan applies."""
    row = gateway().subscription
    if not billing_enabled() or row is None or row.status not in LIVE:
        abort(404)
    try:
        updated = _client().v1.subscriptions.update(
            row.stripe_subscription_id, params={"cancel_at_period_end": True}
        )
    except stripe.StripeError as exc:
        return _stripe_failed(exc)
    sync_subscription(updated, current_community().id)
    audit.record("billing.canceled", row.plan_key)
    db.session.commit()
    flash(_("Your subscription ends at the end of the period already paid for."), "success")
    return redirect(url_for("billing.page"), 303)


@webhook_bp.route("/billing/stripe/webhook", methods=["POST"])
@csrf.exempt  # Stripe posts it; the signature is the check
def stripe_webhook():
    if not billing_enabled():
        abort(404)
    status, text = webhooks.handle(request.get_data(), request.headers.get("Stripe-Signature"))
    return text, status, {"Content-Type": "text/plain; charset=utf-8"}


def billing_banner() -> Markup:
    """A line above every page of a community whose payment is past due, for those who
    can act on it (no query at all while billing is off)."""
    if not billing_enabled() or current_community() is None:
        return Markup("")
    row = gateway().subscription
    if row is None or row.status != "past_due" or not has_permission("core.settings"):
        return Markup("")
    days = current_app.config.get("BILLING_PAST_DUE_DAYS", 7)
    until = row.past_due_since + timedelta(days=days) if row.past_due_since else None
    return Markup(render_template("community/_billing_banner.html", until=until))


def subscription_status(status: str) -> str:
    """A subscription's state in the reader's language."""
    return {
        "active": _("Active"),
        "past_due": _("Past due"),
        "incomplete": _("Waiting for payment"),
        "canceled": _("Canceled"),
    }.get(status, "")


def install(app) -> None:
    if app.config.get("STRIPE_SECRET_KEY"):  # a plan that cannot be read stops the start
        with app.app_context():
            plans()
    app.register_blueprint(bp)
    app.register_blueprint(webhook_bp)
    app.jinja_env.globals.update(
        billing_banner=billing_banner,
        billing_enabled=billing_enabled,
        subscription_status=subscription_status,
    )
