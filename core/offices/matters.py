"""Matters a community sends up to its street office, and the office's answers.

A plugin sends a matter from its community's scope (``send_to_office``); the office lists
the open matters of all its communities with one statement and answers one; the answer is
recorded once (a conditional UPDATE) and announced to the community as the core event
``office_answered``, which the sending plugin follows under its own rules.
"""

from __future__ import annotations

from datetime import datetime

from core.community.events import emit
from core.extensions import db
from core.offices.models import Office, OfficeCommunity, OfficeMatter
from core.services.time import utcnow
from tenants.context import community_scope, current_tenant_id

STATUSES = ("open", "answered")


class AlreadyAnswered(Exception):
    """Another account of the office answered first."""


def send_to_office(
    reference: str, title: str, *, number: str = "", detail: str = "", deadline=None
) -> bool:
    """Send a matter of the community in scope up to its street office (once per
    ``reference``, e.g. ``"requests:42"``; a second call updates the text). False when the
    community is under no street office: nobody would see it."""
    tenant_id = current_tenant_id()
    if tenant_id is None or db.session.get(OfficeCommunity, tenant_id) is None:
        return False
    matter = db.session.execute(
        db.select(OfficeMatter).where(OfficeMatter.reference == reference)
    ).scalar_one_or_none()
    if matter is None:
        matter = OfficeMatter(reference=reference)
        db.session.add(matter)
    matter.title, matter.number, matter.detail = title[:200], number[:40], detail
    matter.deadline = deadline
    return True


def listing(community_ids, status: str, limit: int = 200) -> list[OfficeMatter]:
    """The matters of these communities (ids, or a select of them) in one status, nearest
    deadline first (one statement; call inside ``all_tenants()``)."""
    return list(
        db.session.execute(
            db.select(OfficeMatter)
            .where(OfficeMatter.tenant_id.in_(community_ids), OfficeMatter.status == status)
            .order_by(OfficeMatter.deadline.is_(None), OfficeMatter.deadline, OfficeMatter.id)
            .limit(limit)
        ).scalars()
    )


def answer(matter: OfficeMatter, office: Office, text: str, user_id: int) -> None:
    """Record the office's answer once and tell the community (``office_answered``)."""
    now: datetime = utcnow()
    with community_scope(matter.tenant_id):
        done = db.session.execute(
            db.update(OfficeMatter)
            .where(OfficeMatter.id == matter.id, OfficeMatter.status == "open")
            .values(
                status="answered",
                answer=text,
                answered_at=now,
                answered_by_id=user_id,
                office_name=office.name_zh,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if not done:
            db.session.rollback()
            raise AlreadyAnswered
        emit(
            "office_answered",
            reference=matter.reference,
            answer=text,
            office=office.name_zh,
            office_en=office.name_en,
            user_id=user_id,
        )
        db.session.commit()
