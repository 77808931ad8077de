"""Changing who belongs to a community, and with which roles: the one place that does it.

Every change is written to the audit log and announced as a core domain event through
the outbox (``events.emit``), so plugins that keep member ids learn about it after the
change commits: ``member_joined``, ``member_left``, ``member_role_changed``. Callers
commit. The events and their payloads are catalogued in docs/hooks.md ("Core events").
"""

from __future__ import annotations

from core.community import audit
from core.community.events import emit
from core.extensions import db
from core.models import User
from tenants.models import Membership


def add_member(user: User, role: str, *, via: str) -> Membership:
    """Make ``user`` a member of the community in scope with ``role``; ``via`` says how
    ("self", "invitation", "demo")."""
    member = Membership(user_id=user.id, role=role, extra_roles=[])
    db.session.add(member)
    audit.record("member.joined", user.email, role=role, via=via)
    emit("member_joined", user_id=user.id, roles=sorted(member.roles), via=via)
    return member


def change_roles(member: Membership, role: str, extra_roles: list[str] | None = None) -> bool:
    """Give ``member`` the core ``role`` (and, if given, these plugin roles). Returns
    whether anything changed; only a change is announced."""
    before = sorted(member.roles)
    member.role = role
    if extra_roles is not None:
        member.extra_roles = sorted(extra_roles)
    after = sorted(member.roles)
    audit.record("member.roles", member.user.email, before=before, after=after)
    if before == after:
        return False
    emit("member_role_changed", user_id=member.user_id, roles_before=before, roles_after=after)
    return True


def remove_member(member: Membership) -> None:
    """Remove ``member`` from the community in scope."""
    audit.record("member.removed", member.user.email, role=member.role)
    emit("member_left", user_id=member.user_id, roles=sorted(member.roles))
    db.session.delete(member)
