"""The ledger counts kept on write: always equal to a recount of the rows, and the figures,
chart, owners and dashboard numbers read from them equal those computed from the rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from requests_helpers import bulk_requests

from core.extensions import db
from plugins.requests import clock, counts, ledger, workflow
from plugins.requests.models import KINDS, STATUSES, Category, CountTotal, Request
from plugins.requests.sla import Targets
from tenants.context import community_scope

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def recounted(tenant) -> dict:
    """What the pages would show if every figure were computed from the rows."""
    base = sa.select(Request)
    owners = db.session.execute(
        sa.select(Request.owner).where(Request.owner != "").distinct().order_by(Request.owner)
    ).scalars()
    open_kinds = db.session.execute(
        sa.select(Request.kind, sa.func.count())
        .where(Request.status.in_(("received", "in_progress")))
        .group_by(Request.kind)
    ).all()
    return {"owners": list(owners), "open_by_kind": dict(open_kinds), "base": base}


def assert_counts_match(tenant_id: int, now: datetime) -> None:
    assert counts.differences(db.session.connection(), tenant_id) == []
    rows = recounted(tenant_id)
    assert counts.owners() == rows["owners"]
    assert counts.open_by_kind() == rows["open_by_kind"]
    months = ledger.months_back(now.date(), 14)
    for close_days in (1, 3, 365):
        targets = Targets(close_days=close_days)
        for kind, status in [("", ""), ("red", ""), ("", "closed"), ("orange", "in_progress")]:
            filters = ledger.Filters(kind=kind, status=status)
            from_rows = filters.apply(rows["base"], targets.timezone, now)
            assert ledger.figures_from_counts(filters, targets, now) == ledger.figures(
                from_rows, targets, now
            )
            assert counts.monthly(months, kind, status) == ledger.monthly_counts(from_rows, months)


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            ["create", "classify", "refer", "assign", "reply", "accept", "reject", "unreachable"]
        ),
        st.integers(0, 40),  # which request
        st.sampled_from(KINDS),
        st.integers(0, 3 * 86400),  # how much time passes first
        st.booleans(),  # a large jump (past a year: the last close_day)
    ),
    min_size=1,
    max_size=18,
)


@settings(
    derandomize=True,
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(operations=OPERATIONS)
def test_counts_follow_every_workflow_step(
    app, requests_on, staff, member, monkeypatch, operations
):
    now = {"t": START}
    monkeypatch.setattr(clock, "now", lambda: now["t"])
    with app.app_context(), community_scope(requests_on.id):
        categories = list(db.session.execute(sa.select(Category)).scalars())
        targets = Targets(close_days=3)
        for name, which, kind, seconds, jump in operations:
            now["t"] += timedelta(seconds=seconds, days=400 if jump else 0)
            ids = list(db.session.execute(sa.select(Request.id).order_by(Request.id)).scalars())
            req = db.session.get(Request, ids[which % len(ids)]) if ids else None
            try:
                if name == "create" or req is None:
                    workflow.create(
                        targets,
                        title="楼道灯不亮",
                        actor_id=member.id,
                        requester_id=member.id,
                        building="3栋",
                    )
                elif name == "classify":
                    category = next((c for c in categories if c.kind == kind), None)
                    workflow.classify(req, targets, staff.id, kind, category)
                elif name == "refer":
                    workflow.refer(
                        req,
                        targets,
                        staff.id,
                        department=f"部门{which % 3}",
                        office="",
                        handler="王科长",
                        deadline=now["t"] + timedelta(days=2),
                    )
                elif name == "assign":
                    label = f"委员会{which % 2}"
                    workflow.assign(req, targets, staff.id, key="s:1", label=label, deadline=None)
                elif name == "reply":
                    workflow.reply(req, targets, staff.id, text="已处理", outcome="已处理")
                elif name == "accept":
                    workflow.accept(req, member.id)
                elif name == "reject":
                    workflow.reject(req, member.id, "还没修好")
                else:
                    workflow.close_unreachable(req, targets, staff.id, "联系不上")
                db.session.commit()
            except workflow.WorkflowError:
                db.session.rollback()
        assert_counts_match(requests_on.id, now["t"])
        db.session.rollback()


def test_a_rolled_back_write_takes_its_counts_with_it(app, requests_on, member):
    with app.app_context(), community_scope(requests_on.id):
        workflow.create(Targets(), title="井盖松动", actor_id=member.id, requester_id=member.id)
        db.session.flush()
        assert counts.totals().total == 1  # in the same transaction as the request
        db.session.rollback()
        assert counts.totals().total == 0
        assert counts.differences(db.session.connection(), requests_on.id) == []


def test_counts_are_per_community(app, requests_on, make_community, enable_plugin, member):
    other = make_community("gamma")
    enable_plugin(other, "requests")
    bulk_requests(app, other, 30)
    with app.app_context(), community_scope(requests_on.id):
        workflow.create(Targets(), title="井盖松动", actor_id=member.id, requester_id=member.id)
        db.session.commit()
        assert counts.totals().total == 1
    with app.app_context(), community_scope(other.id):
        assert counts.totals().total == 30


def test_bulk_changes_of_requests_through_the_orm_are_refused(app, requests_on):
    bulk_requests(app, requests_on, 3)
    with app.app_context(), community_scope(requests_on.id):
        with pytest.raises(RuntimeError, match="ledger counts"):
            db.session.execute(sa.update(Request).values(status="closed"))
        db.session.rollback()


def test_check_and_rebuild_commands(app, requests_on):
    bulk_requests(app, requests_on, 12)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["requests", "counts", "check"]).exit_code == 0
    with app.app_context(), community_scope(requests_on.id):
        db.session.execute(
            sa.update(CountTotal.__table__)
            .where(CountTotal.__table__.c.tenant_id == requests_on.id)
            .values(n=CountTotal.__table__.c.n + 5)
        )
        db.session.commit()
    result = runner.invoke(args=["requests", "counts", "check", "--community", "alpha"])
    assert result.exit_code == 1
    assert "alpha: requests_count_total" in result.output
    result = runner.invoke(args=["requests", "counts", "rebuild"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["requests", "counts", "check"]).exit_code == 0


def test_statuses_and_days_to_close_round_up():
    assert counts.close_day(None) == -1
    assert [counts.close_day(s) for s in (-5, 0, 1, 86400, 86401)] == [0, 0, 1, 1, 2]
    assert counts.close_day(365 * 86400) == 365
    assert counts.close_day(365 * 86400 + 1) == 366
    assert set(STATUSES) >= {"received", "closed"}
