"""Hooks the volunteers plugin offers other plugins (added with ``pm.add_hookspecs``).

Another plugin pays or awards points by asking, without importing this plugin::

    answers = dict(ask_plugins("volunteers_spend_points", user_id=7, points=30,
                               reason="预约活动室 2026-12-01", reference="booking:12"))
    paid = answers.get("volunteers")          # None: the community has no points scheme
    if paid and paid["ok"]:
        booking.points_entry = paid["entry_id"]
    else:
        message = paid["message"] if paid else "…"

The answer runs in a savepoint of the caller's transaction: the points move, or not,
together with the caller's own change when it commits. Answers are plain dicts.
"""

from __future__ import annotations

from core.plugin_api import hookspec


@hookspec
def volunteers_spend_points(tenant, user_id, points, reason, reference):
    """Take ``points`` (a positive integer) from member ``user_id``'s balance.

    Per community. The volunteers plugin answers ``{"ok": True, "entry_id": int,
    "balance": int}``, or ``{"ok": False, "message": str, "balance": int}`` when the
    balance cannot cover it (nothing moves). ``reason`` is shown on the member's ledger;
    ``reference`` ("<plugin_id>:<id>", at most 80 characters) lets the caller find it.
    """


@hookspec
def volunteers_award_points(tenant, user_id, points, reason, reference):
    """Give member ``user_id`` ``points`` (a positive integer), e.g. for a closed request.

    Per community. Answers ``{"ok": True, "entry_id": int, "balance": int}`` or
    ``{"ok": False, "message": str}`` (not a member, a bad amount).
    """


@hookspec
def volunteers_refund_points(tenant, entry_id, reason):
    """Undo an earlier spend or award by its ``entry_id`` with a reversal entry.

    Per community. Answers ``{"ok": True, "entry_id": int, "balance": int}`` or
    ``{"ok": False, "message": str}`` (unknown entry, already reversed, or an award the
    member has already spent).
    """


@hookspec
def volunteers_points_balance(tenant, user_id):
    """Member ``user_id``'s points balance: ``{"balance": int}``."""
