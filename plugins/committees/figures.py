"""Figures for staff: per committee, the matters it handled (with the requests plugin on),
the time it took to answer, the requesters' satisfaction, its review scores over time and
its rewards; as charts with their tables, and as Excel/CSV. A fixed number of statements
(four here, one for the requests plugin's answer) whatever the number of rows.

* **Matters handled**: assigned to the committee and no longer open (answered or closed).
* **Time to answer**: the mean, over the matters answered, of the hours from assignment to
  the answer.
* **Satisfaction**: the requesters' verdicts on the answers: accepted / (accepted +
  rejected), as a percentage; each rejection counts once. No verdict yet: no figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.plugin_api import Unavailable, ask_plugins, db
from plugins.committees.matters import key_of
from plugins.committees.models import Committee, Result, Review, Reward

ROUNDS = 12  # the scores of the last twelve published rounds


@dataclass
class Row:
    id: int
    name: str
    members: int
    assigned: int = 0
    handled: int = 0
    open: int = 0
    answer_hours: float | None = None
    satisfaction: float | None = None  # percent
    rewards_fen: int = 0
    scores: dict[int, int | None] = field(default_factory=dict)  # review id -> hundredths


@dataclass(frozen=True)
class Figures:
    rows: list[Row]
    rounds: list[Review]
    requests_on: bool

    @property
    def peak_handled(self) -> int:
        return max((r.handled + r.open for r in self.rows), default=0) or 1


def _matters(keys: list[str]) -> tuple[bool, dict[str, dict]]:
    answered, out = False, {}
    for _plugin_id, answer in ask_plugins("requests_assignee_figures", assignee_keys=keys):
        if isinstance(answer, Unavailable) or not isinstance(answer, dict):
            continue
        answered = True
        out.update(answer)
    return answered, out


def figures() -> Figures:
    committees = db.session.execute(db.select(Committee).order_by(Committee.id)).scalars().all()
    rounds = list(
        reversed(
            db.session.execute(
                db.select(Review)
                .where(Review.published_at.is_not(None))
                .order_by(Review.id.desc())
                .limit(ROUNDS)
            )
            .scalars()
            .all()
        )
    )
    round_ids = [r.id for r in rounds]
    scores: dict[tuple[int, int], int | None] = {}
    if round_ids:
        for review_id, committee_id, total in db.session.execute(
            db.select(Result.review_id, Result.committee_id, Result.total).where(
                Result.review_id.in_(round_ids)
            )
        ):
            scores[(review_id, committee_id)] = total
    rewards = dict(
        db.session.execute(
            db.select(Reward.committee_id, db.func.sum(Reward.amount_fen)).group_by(
                Reward.committee_id
            )
        ).all()
    )
    requests_on, matters = _matters([key_of(c.id) for c in committees])
    rows = []
    for c in committees:
        row = Row(
            id=c.id,
            name=c.name,
            members=c.seats_taken,
            rewards_fen=int(rewards.get(c.id) or 0),
            scores={rid: scores.get((rid, c.id)) for rid in round_ids},
        )
        m = matters.get(key_of(c.id))
        if m:
            row.assigned, row.handled, row.open = m["assigned"], m["answered"], m["open"]
            if m["answer_count"]:
                row.answer_hours = round(m["answer_seconds"] / m["answer_count"] / 3600, 1)
            verdicts = m["accepted"] + m["rejections"]
            if verdicts:
                row.satisfaction = round(m["accepted"] * 100 / verdicts, 1)
        rows.append(row)
    return Figures(rows=rows, rounds=rounds, requests_on=requests_on)
