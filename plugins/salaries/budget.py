"""The headcount norm (岗位定额) and the year's projected cost.

Norm: the base posts cover up to ``norm_households`` households; each further whole
``norm_step`` households adds one post (珲春: over 3,000 households, one more per 500).
So with 5 / 3,000 / 500: 3,000 households -> 5 posts, 3,499 -> 5, 3,500 -> 6, 4,000 -> 7.

Budget: each month of the year paid by the scale in force that month, to the workers and
allowances as they are now, without appraisal lines (scores are not known ahead) and
before deductions; summed by post.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.plugin_api import current_tenant, db, plugin_settings
from plugins.salaries.models import POSTS, Assignment, Worker
from plugins.salaries.payroll import (
    Inputs,
    assignment_rows,
    community_rules,
    compute,
    in_force,
    item_rows,
    month_end,
    worker_rows,
)
from plugins.salaries.scales import scale_in_force


@dataclass(frozen=True)
class Norm:
    households: int
    entitled: int
    filled: int

    @property
    def vacant(self) -> int:
        return self.entitled - self.filled


def entitled_posts(households: int, base: int, covered: int, step: int) -> int:
    """Posts a community is entitled to from its households."""
    return base + max(households - covered, 0) // step


def headcount(on: date | None = None) -> Norm:
    from plugins.salaries.views import today

    on = on or today()
    s = plugin_settings("salaries")
    households = current_tenant().households
    in_post = (
        db.select(Assignment.worker_id).where(Assignment.effective_from <= on).distinct().subquery()
    )
    filled = db.session.execute(
        db.select(db.func.count(Worker.id))
        .join(in_post, in_post.c.worker_id == Worker.id)
        .where(Worker.active.is_(True), Worker.start_date <= on)
    ).scalar()
    entitled = entitled_posts(households, s["norm_base_posts"], s["norm_households"],
                              s["norm_step"])  # fmt: skip
    return Norm(households, entitled, filled or 0)


@dataclass
class Plan:
    year: int
    by_post: dict[str, int] = field(default_factory=lambda: {p: 0 for p in POSTS})
    workers_by_post: dict[str, int] = field(default_factory=lambda: {p: 0 for p in POSTS})
    months_without_scale: list[int] = field(default_factory=list)

    @property
    def total_fen(self) -> int:
        return sum(self.by_post.values())


def year_plan(year: int) -> Plan:
    """The year's projected gross pay by post (see the module's note)."""
    plan = Plan(year)
    rules = community_rules()
    area = current_tenant().kind
    december = date(year, 12, 1)
    workers, assignments = worker_rows(month_end(december)), assignment_rows(december)
    items, given = item_rows()
    for month_number in range(1, 13):
        month = date(year, month_number, 1)
        scale = scale_in_force(month)
        if scale is None:
            plan.months_without_scale.append(month_number)
            continue
        started = [w for w in workers if w[3] <= month_end(month)]
        inputs = Inputs(started, in_force(assignments, month), items, given, {})
        slips = compute(month, scale, area, rules, inputs)
        for slip in slips:
            plan.by_post[slip.post] += slip.gross_fen
        plan.workers_by_post = {p: 0 for p in POSTS}  # the last month paid counts
        for slip in slips:
            plan.workers_by_post[slip.post] += 1
    return plan
