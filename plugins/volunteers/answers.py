"""This plugin's answers to hooks: its own offers to other plugins (``hookspecs``) and the
requests plugin's questions and events. Plain data in, plain data out."""

from __future__ import annotations

import contextlib

import sqlalchemy as sa

from core.plugin_api import db, get_member, notify, parse_id, plugin_settings
from plugins.volunteers import ledger
from plugins.volunteers.i18n import _
from plugins.volunteers.models import Entry, Need, Team

MAX_POINTS = 1_000_000


def _amount_ok(points) -> bool:
    return isinstance(points, int) and not isinstance(points, bool) and 0 < points <= MAX_POINTS


def _fail(message: str, user_id=None) -> dict:
    out = {"ok": False, "message": message}
    if isinstance(user_id, int):
        out["balance"] = ledger.balance_of(user_id)
    return out


def move(user_id, points, reason, reference, *, sign: int, kind: str) -> dict:
    if not _amount_ok(points):
        return _fail(_("The number of points must be a positive whole number."))
    if not isinstance(user_id, int) or get_member(user_id) is None:
        return _fail(_("Only members of this community have points."))
    try:
        with db.session.begin_nested():
            entry = ledger.post(
                user_id, sign * points, kind, str(reason or kind), reference=str(reference or "")
            )
    except ledger.NotEnoughPoints:
        return _fail(_("Not enough points for this."), user_id)
    return {"ok": True, "entry_id": entry.id, "balance": ledger.balance_of(user_id)}


def refund(entry_id, reason) -> dict:
    entry = None
    if isinstance(entry_id, int) and not isinstance(entry_id, bool):
        entry = db.session.execute(
            sa.select(Entry).where(Entry.id == entry_id, Entry.kind.in_(("spend", "grant")))
        ).scalar_one_or_none()
    if entry is None:
        return _fail(_("No such points entry."))
    try:
        back = ledger.reverse(entry, str(reason or "refund"))
    except ledger.LedgerError as exc:
        return _fail(str(exc), entry.user_id)
    return {"ok": True, "entry_id": back.id, "balance": ledger.balance_of(entry.user_id)}


def referral_teams() -> list[dict]:
    teams = db.session.execute(
        sa.select(Team).where(Team.active.is_(True)).order_by(Team.name)
    ).scalars()
    return [
        {"key": f"volunteers:{t.id}", "label": t.name, "contact": t.contact, "order": n}
        for n, t in enumerate(teams)
    ]


def record_referral(payload: dict) -> None:
    key = str(payload.get("referral_key", ""))
    request_id = payload.get("request_id")
    if not key.startswith("volunteers:") or not isinstance(request_id, int):
        return
    team_id = parse_id(key.partition(":")[2])
    team = None
    if team_id is not None:
        team = db.session.execute(sa.select(Team).where(Team.id == team_id)).scalar_one_or_none()
    exists = db.session.execute(
        sa.select(Need.id).where(Need.request_id == request_id)
    ).scalar_one_or_none()
    if exists is None:
        db.session.add(
            Need(
                request_id=request_id,
                number=str(payload.get("number", ""))[:20],
                team_id=team.id if team else None,
            )
        )


def close_need(payload: dict) -> None:
    request_id = payload.get("request_id")
    if isinstance(request_id, int):
        need = db.session.execute(
            sa.select(Need).where(Need.request_id == request_id)
        ).scalar_one_or_none()
        if need is not None:
            need.status = "met"


def reward_resolved_request(payload: dict) -> None:
    """The community's rule: points to the resident whose request was resolved and who
    accepted the result (``points_per_closed_request``; 0, the default, awards nothing).
    Once per request: a retried event finds the entry."""
    points = plugin_settings("volunteers")["points_per_closed_request"]
    requester, request_id = payload.get("requester_id"), payload.get("request_id")
    if points <= 0 or payload.get("closed_how") != "accepted":
        return
    if not isinstance(requester, int) or get_member(requester) is None:
        return
    reference = f"request:{request_id}"
    if _entry("award", reference) is None:
        number = str(payload.get("number", ""))
        ledger.post(
            requester,
            points,
            "award",
            _("Request %(number)s resolved", number=number),
            reference=reference,
        )


# ----- the booking plugin: a room's fee paid in points ---------------------------------------
BOOKING_POINTS = "volunteers:points"


def booking_points(fee_fen: int) -> int:
    """Points for a fee: ``points_per_yuan`` per yuan, rounded up (a fee is never free)."""
    rate = plugin_settings("volunteers")["points_per_yuan"]
    return -(-fee_fen * rate // 100)


def booking_payment_options(person_id, fee_fen) -> list[dict]:
    """Offer points when the community accepts them and the person can pay an hour."""
    if plugin_settings("volunteers")["points_per_yuan"] <= 0:
        return []
    if not isinstance(fee_fen, int) or fee_fen <= 0 or not isinstance(person_id, int):
        return []
    per_hour, balance = booking_points(fee_fen), ledger.balance_of(person_id)
    if balance < per_hour:
        return []
    return [
        {
            "key": BOOKING_POINTS,
            "label": {
                "zh_Hans": f"志愿积分（每小时 {per_hour} 积分，现有 {balance} 积分）",
                "en": f"Volunteer points ({per_hour} an hour; you have {balance})",
            },
            "order": 10,
        }
    ]


def _booking_reference(booking_id) -> str:
    return f"booking:{booking_id}"


def pay_booking(payload: dict) -> None:
    """Debit the booking's fee in points (once: a retried event finds the entry)."""
    if payload.get("payment") != BOOKING_POINTS:
        return
    person, fee = payload.get("person_id"), payload.get("fee_fen")
    if not isinstance(person, int) or not isinstance(fee, int) or fee <= 0:
        return
    reference = _booking_reference(payload.get("booking_id"))
    if _entry("spend", reference) is not None:
        return
    points = booking_points(fee)
    try:
        with db.session.begin_nested():
            ledger.post(person, -points, "spend", _("Room booking"), reference=reference)
    except ledger.NotEnoughPoints:
        # Spent elsewhere between choosing and booking: the desk collects the fee.
        notify(
            [person],
            "volunteers.redemption",
            _("Not enough points for your booking: please pay the fee at the desk."),
        )


def refund_booking(payload: dict) -> None:
    """A cancelled or declined booking paid in points gets them back (once)."""
    if payload.get("payment") != BOOKING_POINTS:
        return
    entry = _entry("spend", _booking_reference(payload.get("booking_id")))
    if entry is None:
        return
    with contextlib.suppress(ledger.AlreadyReversed):  # a retried event: done already
        ledger.reverse(entry, _("Room booking cancelled"))


def _entry(kind: str, reference: str) -> Entry | None:
    """The entry an event already settled (a retried event must not post it twice)."""
    return db.session.execute(
        sa.select(Entry).where(Entry.kind == kind, Entry.reference == reference)
    ).scalar_one_or_none()
