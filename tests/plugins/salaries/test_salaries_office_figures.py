"""The figures the salaries plugin gives its street office: the approved payroll cost of
a month, and posts filled against the norm for the present month."""

from __future__ import annotations

from core.offices import figures
from core.plugin_api import commit
from plugins.salaries import runs
from plugins.salaries.budget import headcount
from tenants.context import all_tenants
from tests.plugins.salaries.helpers import add_scale, add_worker


def test_payroll_cost_and_posts(app, community, salaries_on, admin, approver, in_community):
    month = figures.this_month(community.timezone)
    with in_community(salaries_on):
        add_scale(figures.add_months(month, -12))
        add_worker("张社工", start=figures.add_months(month, -6))
        add_worker("李社工", start=figures.add_months(month, -6), certificate="junior")
        run = runs.start(month, admin.id)
        runs.calculate(run)
        runs.review(run, admin.id)
        runs.approve(run, approver.id)
        commit()
        total, norm = run.total_fen, headcount()
    with app.test_request_context():
        figures.refresh(community, [month, figures.add_months(month, -1)])
        with all_tenants():
            now = figures.table([community.id], month)[community.id]
            before = figures.table([community.id], figures.add_months(month, -1))[community.id]
    assert total > 0 and now["salaries.cost"] == total
    assert (
        (now["salaries.filled"], now["salaries.entitled"])
        == (norm.filled, norm.entitled)
        == (
            2,
            norm.entitled,
        )
    )
    assert before == {"salaries.cost": 0}  # no run that month; posts are a present figure
