"""以奖代投: the year-end round's results set each committee's reward by the community's rule.

The rule is the setting ``reward_tiers``: tiers ``score:yuan`` separated by commas, e.g.
``90:2000, 80:1000, 70:500``. A committee gets the amount of the highest tier its result
reaches (result >= score); below the lowest tier, nothing. Amounts are kept in fen. When
staff confirm the year's rewards, each is recorded once (unique per round and committee)
and the event ``committee_reward_proposed`` is emitted for it, so the funds plugin (if
on) proposes a grant; a second confirmation records and emits nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy.exc import IntegrityError

from core.plugin_api import db, emit, plugin_settings
from plugins.committees.models import Result, Review, Reward

DEFAULT_TIERS = "90:2000, 80:1000, 70:500"


@dataclass(frozen=True)
class Tier:
    score: int  # hundredths of a point, as Result.total
    amount_fen: int


def parse_tiers(text: str) -> list[Tier]:
    """Tiers from ``"90:2000, 80:1000"`` (score: yuan), highest score first. A part that
    is not ``number:amount`` with a score of 0 to 100 and an amount of at least 0.01 yuan
    raises ``ValueError`` naming it."""
    tiers: dict[int, int] = {}
    for part in (text or "").replace("，", ",").replace("：", ":").split(","):
        part = part.strip()
        if not part:
            continue
        score_text, sep, amount_text = part.partition(":")
        try:
            score = Decimal(score_text.strip())
            amount = Decimal(amount_text.strip())
        except InvalidOperation:
            raise ValueError(part) from None
        if not sep or not 0 <= score <= 100 or amount < Decimal("0.01"):
            raise ValueError(part)
        hundredths, fen = score * 100, amount * 100
        if hundredths != int(hundredths) or fen != int(fen):
            raise ValueError(part)
        tiers[int(hundredths)] = int(fen)
    return [Tier(s, f) for s, f in sorted(tiers.items(), reverse=True)]


def _rule_text() -> str:
    return str(plugin_settings("committees").get("reward_tiers", DEFAULT_TIERS) or "")


def community_tiers() -> list[Tier]:
    """The community's rule; a rule that does not parse gives no rewards (the round's page
    names the part it cannot read, ``rule_problem``) rather than a guessed one."""
    try:
        return parse_tiers(_rule_text())
    except ValueError:
        return []


def rule_problem() -> str | None:
    """The part of the community's rule that does not read, or None when it reads."""
    try:
        parse_tiers(_rule_text())
    except ValueError as bad:
        return str(bad)
    return None


def amount_for(total: int | None, tiers: list[Tier]) -> int:
    """The reward in fen for a result (hundredths of a point); 0 below every tier."""
    if total is None:
        return 0
    return next((t.amount_fen for t in tiers if total >= t.score), 0)


def proposed(review: Review, results: list[Result]) -> list[tuple[Result, int]]:
    """(result, amount in fen) for the committees the rule rewards, before confirming."""
    if not review.year_end or review.published_at is None:
        return []
    tiers = community_tiers()
    out = [(r, amount_for(r.total, tiers)) for r in results]
    return [(r, fen) for r, fen in out if fen > 0]


def score_text(hundredths: int) -> str:
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def confirm(review: Review, results: list[Result], actor_id: int | None) -> list[Reward]:
    """Record the year's rewards and emit one event each; only rewards recorded now are
    emitted, so confirming again (or two staff at once) proposes nothing twice."""
    recorded = []
    for result, fen in proposed(review, results):
        reward = Reward(
            review_id=review.id,
            committee_id=result.committee_id,
            committee_name=result.committee_name,
            year=review.year,
            score=result.total,
            amount_fen=fen,
            confirmed_by_id=actor_id,
        )
        try:
            with db.session.begin_nested():
                db.session.add(reward)
        except IntegrityError:  # recorded already
            continue
        emit(
            "committee_reward_proposed",
            committee_id=reward.committee_id,
            committee_name=reward.committee_name,
            amount_fen=reward.amount_fen,
            year=reward.year,
            score=score_text(reward.score),
            reference=reward.reference,
        )
        recorded.append(reward)
    return recorded
