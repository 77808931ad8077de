"""Who may look at an office's communities, and which communities those are.

An office's account sees its own communities; a district's account also sees its streets'
(and their communities). The operator sees every office. Each read is recorded.
"""

from __future__ import annotations

from flask_login import current_user

from core.extensions import db
from core.offices.models import Office, OfficeCommunity, OfficeMember, OfficeRead
from tenants.models import Tenant


def offices_of(user_id: int) -> list[Office]:
    """The offices whose account this person holds (a district's streets come with it)."""
    own = db.select(OfficeMember.office_id).where(OfficeMember.user_id == user_id)
    return list(
        db.session.execute(
            db.select(Office)
            .where(db.or_(Office.id.in_(own), Office.parent_id.in_(own)))
            .order_by(Office.kind.desc(), Office.name_zh)
        ).scalars()
    )


def may_read(office: Office) -> bool:
    """The operator, the office's own account, or its district's."""
    if not current_user.is_authenticated:
        return False
    if current_user.is_operator:
        return True
    return _held([office.id] + ([office.parent_id] if office.parent_id else []))


def _held(office_ids: list[int]) -> bool:
    """The signed-in person holds the account of one of these offices."""
    return (
        db.session.scalar(
            db.select(OfficeMember.id).where(
                OfficeMember.user_id == current_user.id, OfficeMember.office_id.in_(office_ids)
            )
        )
        is not None
    )


def community_ids_select(office: Office):
    """A select of the ids of the office's communities (for ``IN``)."""
    streets = (
        db.select(Office.id).where(Office.parent_id == office.id)
        if office.kind == "district"
        else db.select(db.literal(office.id))
    )
    return db.select(OfficeCommunity.community_id).where(OfficeCommunity.office_id.in_(streets))


def communities_select(office: Office):
    """A select of the office's communities (a district: those of its streets), by name."""
    return (
        db.select(Tenant)
        .where(Tenant.id.in_(community_ids_select(office)))
        .order_by(Tenant.name_zh, Tenant.id)
    )


def count(office: Office) -> int:
    return db.session.scalar(
        db.select(db.func.count()).select_from(communities_select(office).order_by(None).subquery())
    )


def communities(office: Office, offset: int = 0, limit: int | None = None) -> list[Tenant]:
    """The office's communities by name (a page of them with ``offset`` and ``limit``)."""
    select = communities_select(office).offset(offset)
    if limit is not None:
        select = select.limit(limit)
    return list(db.session.execute(select).scalars())


def community(office: Office, community_id: int) -> Tenant | None:
    """One of the office's communities, or None (another office's, or none at all)."""
    return db.session.execute(
        communities_select(office).where(Tenant.id == community_id)
    ).scalar_one_or_none()


def names(community_ids: set[int]) -> dict[int, str]:
    """Communities' names in the reader's language."""
    if not community_ids:
        return {}
    rows = db.session.execute(db.select(Tenant).where(Tenant.id.in_(community_ids))).scalars()
    return {t.id: t.name() for t in rows}


def record_read(office: Office, what: str, count: int) -> None:
    """Audit one cross-community read (committed by the caller before it reads)."""
    user_id = current_user.id if current_user.is_authenticated else None
    db.session.add(OfficeRead(office_id=office.id, user_id=user_id, what=what, communities=count))


def offices_above(community_id: int):
    """A select of the ids of the offices above a community: its street and that street's
    district (for ``IN``)."""
    street = db.select(OfficeCommunity.office_id).where(
        OfficeCommunity.community_id == community_id
    )
    district = db.select(Office.parent_id).where(
        Office.id.in_(street), Office.parent_id.is_not(None)
    )
    return db.select(Office.id).where(db.or_(Office.id.in_(street), Office.id.in_(district)))


def holds(office: Office) -> bool:
    """The signed-in person holds this very office's account (not only its district's)."""
    return current_user.is_authenticated and _held([office.id])
