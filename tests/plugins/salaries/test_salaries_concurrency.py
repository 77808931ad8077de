"""Many staff approving (or starting the same month) at once: the database lets exactly
one through; the others are told it is done."""

from __future__ import annotations

import threading
from datetime import date

from core.plugin_api import commit, community_scope, db
from plugins.salaries import runs
from plugins.salaries.models import Payslip, Run
from plugins.salaries.payroll import Refused
from tests.plugins.salaries.helpers import MONTH, add_scale, add_worker

THREADS = 20


def _race(app, tenant, people, act) -> list[str]:
    start = threading.Barrier(len(people))
    outcomes: list[str] = []

    def attempt(person_id: int) -> None:
        with app.test_request_context(), community_scope(tenant.id):
            try:
                start.wait(timeout=60)
                act(person_id)
                commit()
                outcomes.append("done")
            except Refused as refused:
                db.session.rollback()
                outcomes.append(refused.message)
            except Exception as exc:  # noqa: BLE001  (anything else is the failure shown)
                db.session.rollback()
                outcomes.append(f"ERROR {type(exc).__name__}: {exc}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    return outcomes


def test_a_run_is_approved_once(app, salaries_on, admin, make_members, in_community):
    people = make_members(salaries_on, THREADS, role="admin")
    with in_community(salaries_on):
        add_scale(date(2000, 1, 1))
        add_worker()
        run = runs.start(MONTH, admin.id)
        runs.calculate(run)
        runs.review(run, admin.id)
        commit()
        run_id = run.id

    def approve(person_id: int) -> None:
        runs.approve(db.session.get(Run, run_id), person_id)

    outcomes = _race(app, salaries_on, people, approve)
    assert outcomes.count("done") == 1, [o for o in outcomes if o.startswith("ERROR")][:3]
    assert set(outcomes) == {"done", "该核算已审批。"}
    with in_community(salaries_on):
        run = db.session.get(Run, run_id)
        assert run.status == "approved" and run.approved_by in people


def test_a_month_is_started_once(app, salaries_on, make_members, in_community):
    people = make_members(salaries_on, THREADS, role="admin")
    with in_community(salaries_on):
        add_scale(date(2000, 1, 1))
        add_worker()

    def start(person_id: int) -> None:
        runs.calculate(runs.start(MONTH, person_id))

    outcomes = _race(app, salaries_on, people, start)
    assert outcomes.count("done") == 1, [o for o in outcomes if o.startswith("ERROR")][:3]
    with in_community(salaries_on):
        assert db.session.execute(db.select(db.func.count(Run.id))).scalar() == 1
        assert db.session.execute(db.select(db.func.count(Payslip.id))).scalar() == 1
