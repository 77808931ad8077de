"""Facts about a community's people, for plugins (via ``plugin_api``): who is a member,
finding members by name or e-mail, and a column type that refers to a member.

Every function answers for the community in scope only: a person who belongs to another
community (and not to this one) does not exist here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import MappedColumn, contains_eager, mapped_column

from core.extensions import db
from core.models import User
from tenants.models import ID_TYPE, Membership

# The most matches a search returns: enough to pick from, bounded whatever the community's size.
SEARCH_LIMIT = 20
# How a shortened e-mail address shows its hidden part ("zh…@example.com").
HIDDEN = "…"
# "Name <e-mail or hint>", the text an option of the member picker puts in the field.
_LABELLED = re.compile(r"^(?P<name>.*?)\s*<(?P<address>[^<>]+)>$")


@dataclass(frozen=True)
class MemberInfo:
    """A member of the community in scope, as plugins see them (read-only).

    ``user_id`` is the id a ``member_column()`` stores; ``name`` and ``email`` are the
    person's account name and e-mail address; ``roles`` holds the core role (``admin``,
    ``staff`` or ``member``) and any plugin roles they hold *here*.
    """

    user_id: int
    name: str
    email: str
    roles: frozenset[str]


def _info(membership: Membership) -> MemberInfo:
    user = membership.user
    return MemberInfo(user.id, user.name, user.email, frozenset(membership.roles))


def member_column(
    *, nullable: bool = True, ondelete: str | None = None, index: bool = True, **kwargs: Any
) -> MappedColumn:
    """A column holding a person's user id, for a plugin's model::

        created_by_id: Mapped[int | None] = member_column()
        user_id: Mapped[int] = member_column(nullable=False)

    It refers to the platform's accounts (a foreign key the plugin never spells out), so
    the database keeps it valid. When an account is deleted, a nullable column is set to
    NULL and a required one deletes its row, unless ``ondelete`` says otherwise. Indexed
    by default, because deleting an account looks up every row that refers to it; pass
    ``index=False`` when a composite index already starts with this column."""
    action = ondelete or ("SET NULL" if nullable else "CASCADE")
    return mapped_column(
        ID_TYPE,  # as wide as the accounts' own id (64-bit on PostgreSQL)
        sa.ForeignKey(f"{User.__tablename__}.id", ondelete=action),
        nullable=nullable,
        index=index,
        **kwargs,
    )


def _members() -> sa.Select:
    """Memberships of the community in scope with their accounts, in one join."""
    return (
        db.select(Membership)
        .join(Membership.user)
        .options(contains_eager(Membership.user))
        .order_by(User.name, User.id)
    )


def community_members(roles: Iterable[str] | None = None) -> list[MemberInfo]:
    """Members of the community in scope, by name; only those holding one of ``roles``."""
    wanted = set(roles) if roles is not None else None
    members = [_info(m) for m in db.session.execute(_members()).scalars()]
    return [m for m in members if wanted is None or m.roles & wanted]


def get_member(user_id: int) -> MemberInfo | None:
    """The member of the community in scope with this user id, or None for anyone who is
    not a member here (also someone who left, or who belongs to another community)."""
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    row = db.session.execute(_members().where(Membership.user_id == user_id)).scalar_one_or_none()
    return _info(row) if row else None


def get_members(user_ids: Iterable[int]) -> dict[int, MemberInfo]:
    """The members of the community in scope among ``user_ids``, in one query, by user id
    (ids of people who are not members here are left out): for lists without N+1."""
    ids = {i for i in user_ids if isinstance(i, int) and not isinstance(i, bool)}
    if not ids:
        return {}
    rows = db.session.execute(_members().where(Membership.user_id.in_(ids))).scalars()
    return {m.user_id: _info(m) for m in rows}


def find_member(email: str) -> MemberInfo | None:
    """The member of the community in scope with this e-mail (any case), or None."""
    row = db.session.execute(
        _members().where(db.func.lower(User.email) == email.strip().lower())
    ).scalar_one_or_none()
    return _info(row) if row else None


def search_members(text: str, limit: int = SEARCH_LIMIT) -> list[MemberInfo]:
    """Members whose name or e-mail contains ``text`` (any case), those whose name starts
    with it first, then by name; at most ``limit``. One query, bounded by ``limit`` and
    by the community's own memberships (``tenant_id`` leads their unique index)."""
    text = text.strip()
    if not text:
        return []
    lowered = text.lower()
    name = db.func.lower(User.name)
    select = (
        _members()
        .where(
            db.or_(
                name.contains(lowered, autoescape=True),
                db.func.lower(User.email).contains(lowered, autoescape=True),
            )
        )
        .order_by(None)  # names starting with the text first, then _members()' order
        .order_by(
            sa.case((name.startswith(lowered, autoescape=True), 0), else_=1), User.name, User.id
        )
        .limit(limit)
    )
    return [_info(m) for m in db.session.execute(select).scalars()]


def email_hint(email: str) -> str:
    """An e-mail address with most of its name hidden: ``zh…@example.com``."""
    local, _at, domain = email.partition("@")
    return f"{local[:2]}{HIDDEN}@{domain}"


def member_label(member: MemberInfo, full_email: bool) -> str:
    """How the member picker writes a member: ``张伟 <zhangwei@example.com>``, or with
    the address shortened (``张伟 <zh…@example.com>``) for people who may not see it."""
    return f"{member.name} <{member.email if full_email else email_hint(member.email)}>"


def resolve_member(text: str) -> list[MemberInfo]:
    """The members that ``text`` (typed, or picked from the member picker) names: one
    when it is unambiguous, several when it is not, none when nobody here matches.

    Understood, in this order: ``Name <e-mail>`` and ``Name <zh…@example.com>`` (what
    the picker's options say); a whole e-mail address; a whole name (any case); else
    any member whose name or e-mail contains the text, as in ``search_members``."""
    text = text.strip()
    if not text:
        return []
    labelled = _LABELLED.match(text)
    if labelled:
        name, address = labelled.group("name").strip(), labelled.group("address").strip()
        if HIDDEN in address:
            same_name = db.session.execute(
                _members().where(User.name == name).limit(SEARCH_LIMIT)
            ).scalars()
            return [m for m in map(_info, same_name) if email_hint(m.email) == address]
        member = find_member(address)
        return [member] if member else []
    if "@" in text:
        member = find_member(text)
        if member:
            return [member]
    exact = db.session.execute(
        _members().where(db.func.lower(User.name) == text.lower()).limit(SEARCH_LIMIT)
    ).scalars()
    named = [_info(m) for m in exact]
    return named or search_members(text)


def members_with_permission(permission: str) -> list[MemberInfo]:
    """Members of the community in scope who hold ``permission`` (roles and plugins'
    decisions, as ``has_permission`` answers), e.g. whom to notify of new work."""
    from core.community.permissions import declared, has_permission, remember_memberships

    select = _members()
    if "member" not in declared(permission).default_roles:
        # Only people with some role beyond "member" can hold a staff permission: the
        # database skips the rest of a large community (10,000 households), so filing a
        # request costs the same in any community.
        select = select.where(
            sa.or_(
                Membership.role != "member",
                sa.func.coalesce(sa.cast(Membership.extra_roles, sa.String), "[]") != "[]",
            )
        )
    candidates = list(db.session.execute(select).scalars())
    remember_memberships(candidates)  # has_permission asks for them
    return [_info(m) for m in candidates if has_permission(permission, user=m.user)]
