"""Who is told what (through the platform's ``notify``, delivered after the commit)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import has_request_context, url_for

from core.plugin_api import NotificationKind, db, members_with_permission, notify
from plugins.funds.i18n import _l
from plugins.funds.models import FundPerson, Grant

KINDS = [
    NotificationKind(
        "funds.to_approve",
        {"zh_Hans": "待审批的资助申请（审批人）", "en": "Grants waiting for my approval"},
    ),
    NotificationKind(
        "funds.to_review",
        {"zh_Hans": "新的资助申请（经办人）", "en": "New grant applications to review"},
        email=False,
    ),
    NotificationKind(
        "funds.decided",
        {"zh_Hans": "我的资助申请有结果", "en": "My grant application was decided"},
    ),
]


def _link(grant: Grant) -> str:
    return url_for("funds.grant_show", grant_id=grant.id) if has_request_context() else ""


def _people(fund_id: int, role: str) -> list[int]:
    return list(
        db.session.execute(
            sa.select(FundPerson.user_id).where(
                FundPerson.fund_id == fund_id, FundPerson.role == role
            )
        ).scalars()
    )


def approvers(fund_id: int) -> list[int]:
    """The fund's approvers; a fund without any is approved by holders of
    ``funds.approve``."""
    named = _people(fund_id, "approver")
    return named or [m.user_id for m in members_with_permission("funds.approve")]


def to_review(grant: Grant) -> None:
    managers = _people(grant.fund_id, "manager") or [
        m.user_id for m in members_with_permission("funds.record")
    ]
    notify(managers, "funds.to_review", _l("A grant application to review"), _link(grant))


def to_approve(grant: Grant) -> None:
    notify(
        [
            u
            for u in approvers(grant.fund_id)
            if u not in (grant.reviewed_by_id, grant.created_by_id)
        ],
        "funds.to_approve",
        _l("A reviewed grant waits for your approval"),
        _link(grant),
    )


def decided(grant: Grant) -> None:
    titles = {
        "approved": _l("Your grant application was approved"),
        "rejected": _l("Your grant application was not approved"),
        "disbursed": _l("Your grant was paid out"),
    }
    notify(
        [grant.applicant_id, grant.created_by_id],
        "funds.decided",
        titles[grant.status],
        _link(grant),
    )
