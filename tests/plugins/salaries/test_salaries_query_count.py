"""The pages run the same SQL statements with 3 workers as with 300: their cost in
statements does not grow with the data (the payroll itself is timed by the bench)."""

from __future__ import annotations

from datetime import date

from core.plugin_api import commit, db
from core.testing import count_statements, is_postgres
from plugins.salaries import runs
from plugins.salaries.models import Appraisal, Payslip, Run
from tests.plugins.salaries.helpers import BASE, MONTH, add_scale, add_worker

HEADER = 2
PAGES = {
    "payroll": ("/manage", 9 + HEADER),
    "scales": ("/manage/scales", 8 + HEADER),  # + the adoption of an office's scale
    "workers": ("/manage/workers", 6 + HEADER),
    "worker": ("/manage/workers/{worker}", 9 + HEADER),
    "run": ("/manage/runs/{run}", 6 + HEADER),
    "budget": ("/manage/budget?year=2026", 21 + HEADER),  # + the scale of each month
    "my payslips": ("/", 5 + HEADER),
    "payslip": ("/payslips/{slip}", 5 + HEADER),
}


def _statements(app, client, path: str) -> list[str]:
    client.get(path)
    with count_statements(app) as seen:
        assert client.get(path).status_code == 200, path
    return seen


def _grow(count: int, worker: int) -> None:
    for i in range(count):
        other = add_worker(f"工作者{i}", level=1 + i % 10, certificate=("", "junior")[i % 2])
        db.session.add(Appraisal(worker_id=other, month=date(2026, 2, 1), score=80))
    db.session.add(Appraisal(worker_id=worker, month=date(2026, 1 + count % 11, 1), score=90))
    commit()


def test_pages_run_a_fixed_number_of_statements(
    app, salaries_on, admin, admin_client, approver, in_community, gongzhi_db_url
):
    with in_community(salaries_on):
        add_scale(date(2000, 1, 1))
        worker = add_worker("本人", member_id=admin.id)
        _grow(2, worker)

    def measure(month: date) -> dict[str, list[str]]:
        with in_community(salaries_on):
            run = runs.start(month, approver.id)
            runs.calculate(run)
            runs.review(run, approver.id)
            runs.approve(run, admin.id)
            commit()
            slip = db.session.execute(
                db.select(Payslip.id).where(Payslip.run_id == run.id,
                                            Payslip.worker_id == worker)
            ).scalar_one()  # fmt: skip
            values = {"worker": worker, "run": run.id, "slip": slip}
        return {
            name: _statements(app, admin_client, BASE + path.format(**values))
            for name, (path, _most) in PAGES.items()
        }

    small = measure(MONTH)
    with in_community(salaries_on):
        _grow(300, worker)
    large = measure(date(2026, 4, 1))
    extra = 1 if is_postgres(gongzhi_db_url) else 0
    for name, (_path, most) in PAGES.items():
        assert len(small[name]) == len(large[name]), (name, small[name], large[name])
        assert len(large[name]) <= most + extra, (name, len(large[name]), large[name])
    with in_community(salaries_on):
        assert db.session.execute(db.select(db.func.count(Run.id))).scalar() == 2
