"""Joining a community: a person asks (with building and room), staff approve or decline.

One rule, here: a person becomes a member only through :func:`approve` (or an invitation);
until then they are an applicant and see nothing meant for members. A community that does
not ask for approval (``Tenant.join_approval`` off) approves at once. Both sides are told
through notifications; the caller commits.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from core.community import audit
from core.community.members import members_with_permission
from core.community.membership import add_member
from core.community.notifications import notify, notify_applicant
from core.extensions import db
from core.models import User
from core.services.time import utcnow
from tenants.context import all_tenants, current_community
from tenants.models import JoinRequest, Membership, Tenant

APPROVER = "core.join_requests"  # the permission of those who answer


class JoinError(ValueError):
    """The step does not fit the request's state; the message is shown to the person."""


def request_of(user_id: int) -> JoinRequest | None:
    """The person's request to join the community in scope, if any."""
    return db.session.execute(
        db.select(JoinRequest).where(JoinRequest.user_id == user_id)
    ).scalar_one_or_none()


def ask(user: User, *, building: str, room: str, note: str = "") -> JoinRequest:
    """Ask to join the community in scope (again, after a decline). Staff are told; an open
    community approves at once."""
    req = request_of(user.id)
    if req is None:
        req = JoinRequest(user_id=user.id, building=building, room=room)
        db.session.add(req)
    req.building, req.room, req.note = building, room, note
    req.status, req.decided_at, req.decided_by_id, req.reason = "pending", None, None, ""
    req.created_at = utcnow()
    db.session.flush()
    if not current_community().join_approval:
        approve(req, actor_id=None)
        return req
    notify(
        [m.user_id for m in members_with_permission(APPROVER)],
        "core.join_request",
        _l(
            "%(name)s asks to join (building %(building)s, room %(room)s)",
            name=user.name,
            building=building,
            room=room,
        ),
        url_for("joining.requests"),
        body=note or None,
    )
    return req


def _require_pending(req: JoinRequest) -> None:
    if req.status != "pending":
        raise JoinError(_l("This request is already answered."))


def approve(req: JoinRequest, actor_id: int | None) -> Membership:
    """Make the applicant a member (role ``member``) and tell them."""
    _require_pending(req)
    req.status, req.decided_at, req.decided_by_id = "approved", utcnow(), actor_id
    member = db.session.execute(
        db.select(Membership).where(Membership.user_id == req.user_id)
    ).scalar_one_or_none()
    if member is None:  # the one place memberships begin: audited, announced (member_joined)
        member = add_member(req.user, "member", via="request" if actor_id else "open")
    notify_applicant(
        req.user_id,
        "core.join_answer",
        _l("Your request to join is approved. Welcome!"),
        url_for("community.dashboard"),
    )
    return member


def decline(req: JoinRequest, actor_id: int, reason: str) -> None:
    """Decline with a reason the applicant reads; they may ask again."""
    _require_pending(req)
    if not reason.strip():
        raise JoinError(_l("Give the reason: the applicant reads it."))
    req.status, req.decided_at, req.decided_by_id = "declined", utcnow(), actor_id
    req.reason = reason.strip()
    audit.record("member.declined", req.user.email, reason=req.reason)
    notify_applicant(
        req.user_id,
        "core.join_answer",
        _l("Your request to join was declined."),
        url_for("joining.apply"),
        body=_l("Reason: %(reason)s", reason=req.reason),
    )


def pending():
    """The select of pending requests in the community in scope (for keyset pages)."""
    return db.select(JoinRequest).where(JoinRequest.status == "pending")


def pending_count() -> int:
    return db.session.execute(
        db.select(db.func.count(JoinRequest.id)).where(JoinRequest.status == "pending")
    ).scalar_one()


def applications_of(user_id: int) -> list[tuple[JoinRequest, Tenant]]:
    """A person's open and declined requests in every community (their home page)."""
    with all_tenants():
        return list(
            db.session.execute(
                db.select(JoinRequest, Tenant)
                .join(Tenant, Tenant.id == JoinRequest.tenant_id)
                .where(JoinRequest.user_id == user_id, JoinRequest.status != "approved")
                .order_by(JoinRequest.id.desc())
            ).all()
        )
