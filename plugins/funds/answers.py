"""What the funds plugin does when other plugins speak (events; nobody imports anybody)."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from core.plugin_api import db
from plugins.funds import grants
from plugins.funds.models import Fund, Grant

log = logging.getLogger(__name__)


def reward_fund() -> Fund | None:
    """The fund marked as the committees' reward pool, else the first active fund."""
    return db.session.execute(
        sa.select(Fund)
        .where(Fund.active.is_(True))
        .order_by(Fund.reward_pool.desc(), Fund.id)
        .limit(1)
    ).scalar_one_or_none()


def reward_proposed(payload: dict) -> None:
    """``committee_reward_proposed`` (from the committees plugin): a proposed grant to
    the committee in the reward pool, once per ``reference``."""
    reference = str(payload.get("reference") or "")[:120]
    amount = payload.get("amount_fen")
    if not reference or not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        log.warning("funds: committee_reward_proposed without a reference or amount: %r", payload)
        return
    if db.session.execute(
        sa.select(Grant.id).where(Grant.reference == reference)
    ).scalar_one_or_none():
        return  # delivered before
    fund = reward_fund()
    if fund is None:
        log.info("funds: no active fund for the committee reward %s; skipped", reference)
        return
    name = str(payload.get("committee_name") or "")[:120]
    year = payload.get("year")
    score = str(payload.get("score") or "")
    grants.create(
        fund.id,
        applicant_kind="committee",
        applicant_name=name,
        title=f"{name} · {year} · {score}"[:120],
        purpose=f"committee:{payload.get('committee_id')} year:{year} score:{score}",
        amount_fen=amount,
        actor_id=None,
        status="proposed",
        reference=reference,
    )
