"""On-line donations through Stripe Checkout, with the community's own keys.

Income is posted only when Stripe says the payment succeeded, and once: the checkout's
status moves ``open -> paid`` by a conditional UPDATE and the posting's reference
``stripe:<session id>`` is unique. So the webhook and the donor's return page may both
report the same payment, in any order, any number of times.
"""

from __future__ import annotations

import hashlib
import logging
import re

import sqlalchemy as sa

from core.plugin_api import (
    current_tenant,
    current_tenant_id,
    db,
    plugin_settings,
    run_once,
    stripe_client,
    to_local,
    utcnow,
)
from plugins.funds import ledger
from plugins.funds.models import Checkout

log = logging.getLogger(__name__)
SESSION_ID = re.compile(r"cs_[A-Za-z0-9_]{1,250}")
HANDLED = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}


def configured() -> bool:
    return bool(plugin_settings("funds")["stripe_secret_key"])


def client():
    return stripe_client(plugin_settings("funds")["stripe_secret_key"])


def start(
    fund, amount_fen: int, donor_name: str, anonymous: bool, success_url: str, cancel_url: str
):
    """Create the Checkout Session and remember it (not committed); the donor goes to
    ``session.url``."""
    settings = plugin_settings("funds")
    session = client().v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": settings["stripe_currency"],
                        "unit_amount": amount_fen,
                        "product_data": {"name": fund.name},
                    },
                }
            ],
            "success_url": success_url,
            "cancel_url": cancel_url,
            "metadata": {"tenant_id": str(current_tenant_id()), "fund_id": str(fund.id)},
        }
    )
    db.session.add(
        Checkout(
            fund_id=fund.id,
            session_id=session.id,
            amount_fen=amount_fen,
            donor_name=donor_name[:120],
            anonymous=anonymous,
            status="open",
        )
    )
    db.session.flush()
    return session


def _checkout(session_id: str) -> Checkout | None:
    return db.session.execute(
        sa.select(Checkout).where(Checkout.session_id == session_id)
    ).scalar_one_or_none()


def settle(session_id: str, amount_total: int | None = None) -> Checkout | None:
    """The payment of ``session_id`` succeeded: post its income unless already posted
    (not committed). Returns the checkout, or None for a session that is not ours."""
    checkout = _checkout(session_id)
    if checkout is None:
        log.warning("funds: Stripe session %s is not one of this community's", session_id)
        return None
    table = Checkout.__table__
    won = db.session.execute(
        sa.update(table)
        .where(
            table.c.tenant_id == current_tenant_id(),
            table.c.id == checkout.id,
            table.c.status != "paid",
        )
        .values(status="paid")
    ).rowcount
    if won != 1:
        db.session.refresh(checkout)
        return checkout  # posted before: a replay, or the other of webhook / return page
    if amount_total is not None and amount_total != checkout.amount_fen:
        log.warning(
            "funds: Stripe session %s paid %s, asked %s",
            session_id,
            amount_total,
            checkout.amount_fen,
        )
    amount = (
        amount_total if isinstance(amount_total, int) and amount_total > 0 else checkout.amount_fen
    )
    posting = ledger.post(
        checkout.fund_id,
        "donation",
        amount,
        to_local(utcnow(), current_tenant().timezone).date(),
        counterparty=checkout.donor_name,
        anonymous=checkout.anonymous or not checkout.donor_name,
        donor_name=checkout.donor_name,
        method="card",
        reference=f"stripe:{session_id}",
    )
    db.session.execute(
        sa.update(table)
        .where(table.c.tenant_id == current_tenant_id(), table.c.id == checkout.id)
        .values(transaction_id=posting.id)
    )
    db.session.refresh(checkout)
    return checkout


def _close(session_id: str, status: str) -> None:
    table = Checkout.__table__
    db.session.execute(
        sa.update(table)
        .where(
            table.c.tenant_id == current_tenant_id(),
            table.c.session_id == session_id,
            table.c.status == "open",  # a later "expired" never undoes a payment
        )
        .values(status=status)
    )


def handle_event(event) -> bool:
    """Process a verified event once per event id (a replay finds the first result).
    Commits. Returns False for an event type this plugin ignores."""
    if event.type not in HANDLED:
        return False
    session = event.data.object.to_dict()  # a StripeObject is not a dict in stripe 16

    def write() -> int:
        session_id = str(session.get("id") or "")
        if not SESSION_ID.fullmatch(session_id):
            return 0
        if event.type == "checkout.session.completed":
            if session.get("payment_status") == "paid":
                found = settle(session_id, session.get("amount_total"))
                return found.id if found else 0
        elif event.type == "checkout.session.async_payment_succeeded":
            found = settle(session_id, session.get("amount_total"))
            return found.id if found else 0
        elif event.type == "checkout.session.async_payment_failed":
            _close(session_id, "failed")
        elif event.type == "checkout.session.expired":
            _close(session_id, "expired")
        return 0

    # run_once wants a 32-hex key: the event id's digest (unique per community and action).
    key = hashlib.sha256(str(event.id).encode()).hexdigest()[:32]
    run_once(key, "funds.stripe_event", write)
    return True


def confirm_return(session_id: str) -> Checkout | None:
    """The donor's browser came back: ask Stripe, and settle if it is paid (idempotent)."""
    if _checkout(session_id) is None:
        return None
    session = client().v1.checkout.sessions.retrieve(session_id).to_dict()
    if session.get("payment_status") == "paid":
        return settle(session_id, session.get("amount_total"))
    return _checkout(session_id)
