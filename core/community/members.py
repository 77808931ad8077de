"""Read-only facts about a community's people, for plugins (via ``plugin_api``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.extensions import db
from core.models import User
from tenants.models import Membership


@dataclass(frozen=True)
class MemberInfo:
    user_id: int
    name: str
    email: str
    roles: frozenset[str]


def _info(membership: Membership) -> MemberInfo:
    user = membership.user
    return MemberInfo(user.id, user.name, user.email, frozenset(membership.roles))


def community_members(roles: Iterable[str] | None = None) -> list[MemberInfo]:
    """Members of the community in scope, by name; only those holding one of ``roles``."""
    wanted = set(roles) if roles is not None else None
    rows = db.session.execute(
        db.select(Membership).join(User, User.id == Membership.user_id).order_by(User.name)
    ).scalars()
    members = [_info(m) for m in rows]
    return [m for m in members if wanted is None or m.roles & wanted]


def find_member(email: str) -> MemberInfo | None:
    """The member of the community in scope with this e-mail (any case), or None."""
    row = db.session.execute(
        db.select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(db.func.lower(User.email) == email.strip().lower())
    ).scalar_one_or_none()
    return _info(row) if row else None


def members_with_permission(permission: str) -> list[MemberInfo]:
    """Members of the community in scope who hold ``permission`` (roles and plugins'
    decisions, as ``has_permission`` answers), e.g. whom to notify of new work."""
    from core.community.permissions import declared, has_permission

    plain_members_too = "member" in declared(permission).default_roles
    rows = db.session.execute(
        db.select(Membership).join(User, User.id == Membership.user_id).order_by(User.name)
    ).scalars()
    # Only people with some role beyond "member" can hold a staff permission: skip the
    # rest of a large community without asking every plugin about each of them.
    candidates = [m for m in rows if plain_members_too or m.roles != {"member"}]
    return [_info(m) for m in candidates if has_permission(permission, user=m.user)]
