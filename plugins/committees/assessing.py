"""Assessor accounts: members who score a round's committees themselves, and the
notifications that ask them to (when they are added, and a daily reminder while scores
are due)."""

from __future__ import annotations

from datetime import date

from flask import url_for

from core.plugin_api import db, notify
from plugins.committees.models import Assessor, Committee, Review, Sheet

KIND = "committees.assessment"


def tell_assessor(review: Review, assessor: Assessor) -> None:
    """A round opens for this assessor: say which and where to score."""
    notify(
        [assessor.user_id],
        KIND,
        {
            "zh_Hans": f"请为专委会述职评议打分：{review.name}",
            "en": f"Please score the committees in the review: {review.name}",
        },
        link=url_for("committees.my_sheets", review_id=review.id),
        body=review.name,
    )


def missing_counts(review: Review) -> dict[int, int]:
    """{assessor user id: committees they have not scored yet} for a round (two queries)."""
    committees = db.session.execute(db.select(db.func.count(Committee.id))).scalar_one()
    done = dict(
        db.session.execute(
            db.select(Sheet.assessor_user_id, db.func.count())
            .where(Sheet.review_id == review.id, Sheet.assessor_user_id.is_not(None))
            .group_by(Sheet.assessor_user_id)
        ).all()
    )
    assessors = db.session.execute(
        db.select(Assessor.user_id).where(Assessor.review_id == review.id)
    ).scalars()
    return {u: committees - done.get(u, 0) for u in assessors if committees - done.get(u, 0) > 0}


def remind_due(today: date) -> int:
    """Remind every assessor of an open round with scores still due, at most once a day
    (a conditional UPDATE on ``reminded_on`` so two runs the same day send one); rounds
    with a due date are reminded from three days before it. Returns reminders sent."""
    sent = 0
    rounds = db.session.execute(db.select(Review).where(Review.published_at.is_(None))).scalars()
    for review in list(rounds):
        if review.due_on is not None and (review.due_on - today).days > 3:
            continue
        for user_id, missing in missing_counts(review).items():
            claimed = db.session.execute(
                db.update(Assessor)
                .where(
                    Assessor.review_id == review.id,
                    Assessor.user_id == user_id,
                    db.or_(Assessor.reminded_on.is_(None), Assessor.reminded_on < today),
                )
                .values(reminded_on=today)
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:
                continue
            due = f"（{review.due_on.isoformat()} 前）" if review.due_on else ""
            due_en = f" (by {review.due_on.isoformat()})" if review.due_on else ""
            notify(
                [user_id],
                KIND,
                {
                    "zh_Hans": f"还有 {missing} 个专委会待您打分{due}：{review.name}",
                    "en": f"{missing} committee(s) still await your score{due_en}: {review.name}",
                },
                link=url_for("committees.my_sheets", review_id=review.id),
                body=review.name,
            )
            sent += 1
    return sent
