"""A grant from application to payment: reviewed by one person, approved by another
(neither the reviewer nor whoever entered it), then disbursed once.

Each step is a conditional UPDATE on the status, so two people pressing the same button
at once change it once; the disbursement's posting carries the reference ``grant:<id>``
(unique), so a grant is never paid twice.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from core.plugin_api import current_tenant_id, db, utcnow
from plugins.funds import ledger, notifying
from plugins.funds.i18n import _
from plugins.funds.models import Grant

OPEN = ("proposed", "submitted")


class GrantError(Exception):
    """A step that cannot be taken; ``str()`` is a message for people."""


def create(
    fund_id: int,
    *,
    applicant_kind: str,
    applicant_name: str,
    title: str,
    purpose: str,
    amount_fen: int,
    actor_id: int | None,
    applicant_id: int | None = None,
    status: str = "submitted",
    reference: str | None = None,
) -> Grant:
    grant = Grant(
        fund_id=fund_id,
        applicant_kind=applicant_kind,
        applicant_name=applicant_name[:120],
        title=title[:120],
        purpose=purpose,
        amount_fen=amount_fen,
        status=status,
        reference=reference,
        applicant_id=applicant_id,
        created_by_id=actor_id,
    )
    db.session.add(grant)
    db.session.flush()
    notifying.to_review(grant)
    return grant


def _step(grant: Grant, from_statuses: tuple[str, ...], **values) -> bool:
    table = Grant.__table__
    done = db.session.execute(
        sa.update(table)
        .where(
            table.c.tenant_id == current_tenant_id(),
            table.c.id == grant.id,
            table.c.status.in_(from_statuses),
        )
        .values(**values)
    ).rowcount
    db.session.refresh(grant)
    return done == 1


def review(grant: Grant, actor_id: int, note: str = "") -> None:
    if not _step(grant, OPEN, status="reviewed", reviewed_by_id=actor_id, note=note[:300]):
        raise GrantError(_("This application is no longer waiting for review."))
    notifying.to_approve(grant)


def may_approve(grant: Grant, actor_id: int) -> bool:
    """The two-person rule: whoever entered or reviewed it cannot approve it."""
    return actor_id not in (grant.created_by_id, grant.reviewed_by_id) and (
        actor_id in notifying.approvers(grant.fund_id)
    )


def approve(grant: Grant, actor_id: int) -> None:
    if actor_id in (grant.created_by_id, grant.reviewed_by_id):
        raise GrantError(
            _("A second person must approve: you entered or reviewed this application.")
        )
    if not may_approve(grant, actor_id):
        raise GrantError(_("Only the fund's approvers can approve its grants."))
    if not _step(
        grant, ("reviewed",), status="approved", approved_by_id=actor_id, decided_at=utcnow()
    ):
        raise GrantError(_("Only a reviewed application can be approved."))
    notifying.decided(grant)


def reject(grant: Grant, actor_id: int, note: str) -> None:
    if not _step(
        grant,
        (*OPEN, "reviewed", "approved"),
        status="rejected",
        note=note[:300],
        decided_at=utcnow(),
    ):
        raise GrantError(_("This application has already been decided."))
    notifying.decided(grant)


def disburse(grant: Grant, actor_id: int, on: date) -> None:
    """Pay an approved grant out of its fund (``ledger.Overdrawn`` if it cannot)."""
    if grant.status != "approved":
        raise GrantError(_("Only an approved grant can be paid out."))
    try:
        with db.session.begin_nested():  # paid at the same moment by someone else: unique
            posting = ledger.post(
                grant.fund_id,
                "disbursement",
                grant.amount_fen,
                on,
                purpose=grant.title,
                counterparty=grant.applicant_name,
                reference=f"grant:{grant.id}",
                actor_id=actor_id,
            )
    except IntegrityError as exc:
        raise GrantError(_("Only an approved grant can be paid out.")) from exc
    if not _step(grant, ("approved",), status="disbursed", transaction_id=posting.id):
        raise GrantError(_("Only an approved grant can be paid out."))
    notifying.decided(grant)
