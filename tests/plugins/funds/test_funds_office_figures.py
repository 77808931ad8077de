"""The figures the funds plugin gives its street office match the public account's
monthly totals; the balance is given for the present month only."""

from __future__ import annotations

from funds_helpers import donate, make_fund

from core.extensions import db
from core.offices import figures
from plugins.funds import ledger
from tenants.context import all_tenants


def test_income_spending_and_balance_of_a_month(app, community, funds_on, in_community):
    fund = make_fund(in_community, community)
    now = figures.this_month(community.timezone)
    last = figures.add_months(now, -1)
    donate(in_community, community, fund, 50_000, on=last)
    donate(in_community, community, fund, 20_000, on=now)
    with in_community(community):
        ledger.post(fund, "disbursement", 12_000, now, purpose="慰问困难老人")
        db.session.commit()
    with app.test_request_context():
        figures.refresh(community, [now, last])
        with all_tenants():
            this, before = figures.table([community.id], now), figures.table([community.id], last)
    assert this[community.id]["funds.income"] == 20_000
    assert this[community.id]["funds.spending"] == 12_000
    assert this[community.id]["funds.balance"] == 58_000
    assert before[community.id]["funds.income"] == 50_000
    assert "funds.balance" not in before[community.id]  # a figure of the present only
