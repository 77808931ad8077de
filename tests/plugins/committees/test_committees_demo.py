"""The demo data (``flask demo``): a scored, published year-end review with its rewards
recorded and proposed, and an open round with the demo resident as an assessor."""

from __future__ import annotations

from core.extensions import db
from core.models import DomainEvent
from plugins.committees.models import Assessor, Result, Review, Reward
from tenants.context import all_tenants, community_scope
from tenants.models import Tenant


def test_the_demo_has_a_scored_review_and_a_reward(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with all_tenants():
            tenant = db.session.execute(
                db.select(Tenant).where(Tenant.slug == "heyunlu")
            ).scalar_one()
            events = (
                db.session.execute(
                    db.select(DomainEvent.payload).where(
                        DomainEvent.name == "committee_reward_proposed"
                    )
                )
                .scalars()
                .all()
            )
        with community_scope(tenant.id):
            published = db.session.execute(
                db.select(Review).where(Review.published_at.is_not(None))
            ).scalar_one()
            totals = sorted(
                db.session.execute(
                    db.select(Result.total).where(Result.review_id == published.id)
                ).scalars()
            )
            rewards = sorted(db.session.execute(db.select(Reward.amount_fen)).scalars())
            assessors = db.session.execute(db.select(db.func.count(Assessor.id))).scalar()
    assert published.year_end and totals == [7257, 8513]
    assert rewards == [50000, 100000]  # 72.57 → 500 yuan, 85.13 → 1,000 yuan
    assert {e["amount_fen"] for e in events} >= {50000, 100000}
    assert assessors == 1
