"""Scale lookup by date, templates, allowances, seniority, appraisal, the run's life:
locked once approved, a second person approves, corrections by adjusting runs."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from core.plugin_api import commit, db, publish_shared_template
from plugins.salaries import runs
from plugins.salaries.models import (
    Appraisal,
    Assignment,
    Item,
    Payslip,
    Run,
    ScaleVersion,
    WorkerItem,
)
from plugins.salaries.payroll import Refused, month_slips
from plugins.salaries.scales import BadScale, publish_template, scale_in_force
from tests.plugins.salaries.helpers import MONTH, add_scale, add_worker, lines, rates


def test_the_scale_in_force_is_the_latest_not_after_the_day(app, salaries_on, in_community):
    with in_community(salaries_on):
        assert scale_in_force(date(2026, 1, 1)) is None
        add_scale(date(2026, 1, 1), rates(step=0), "2026")
        add_scale(date(2026, 7, 1), rates({p: (400000, 380000) for p in rates()}), "2026 H2")
        assert scale_in_force(date(2025, 12, 31)) is None
        assert scale_in_force(date(2026, 6, 30)).name == "2026"
        assert scale_in_force(date(2026, 7, 1)).name == "2026 H2"
        assert scale_in_force(date(2030, 1, 1)).base("worker", "urban", 1) == 400000
        # Payroll for a past month uses the scale then, history kept.
        add_worker()
        march = month_slips(date(2026, 3, 1))
        august = month_slips(date(2026, 8, 1))
        assert lines(march[0])["base"] == 300000 and lines(august[0])["base"] == 400000


def test_area_follows_the_community_kind(app, make_community, enable_plugin, in_community):
    town = make_community("town", kind="rural")
    enable_plugin(town, "salaries")
    with in_community(town):
        add_scale(date(2026, 1, 1))
        add_worker()
        assert lines(month_slips(MONTH)[0])["base"] == 280000


def test_shared_template_adopted_and_new_versions_apply_from_their_date(
    app, salaries_on, other_community, enable_plugin, in_community
):
    enable_plugin(other_community, "salaries")
    with app.app_context():
        publish_template("county", "县标准", rates(), date(2026, 1, 1))
        db.session.commit()
    for tenant in (salaries_on, other_community):
        with in_community(tenant):
            db.session.add(ScaleVersion(effective_from=date(2026, 1, 1), template_key="county"))
            commit()
            add_worker()
    with app.app_context():
        v2 = publish_template(
            "county",
            "县标准 2026 下半年",
            rates({p: (350000, 330000) for p in rates()}),
            date(2026, 7, 1),
        )
        db.session.commit()
    assert v2.version == 2
    for tenant in (salaries_on, other_community):  # both follow the new version
        with in_community(tenant):
            assert lines(month_slips(date(2026, 6, 1))[0])["base"] == 300000
            assert lines(month_slips(date(2026, 7, 1))[0])["base"] == 350000
            scale = scale_in_force(date(2026, 8, 1))
            assert (scale.template_key, scale.template_version) == ("county", 2)


def test_a_template_with_bad_rates_is_refused(app):
    with app.app_context(), pytest.raises(BadScale):
        publish_template("bad", "x", {"worker": {"urban": [1] * 10}}, date(2026, 1, 1))
    with app.app_context(), pytest.raises(BadScale):
        bad = rates()
        bad["worker"]["urban"][3] = -1
        publish_template("bad", "x", bad, date(2026, 1, 1))


def test_only_the_operator_publishes_in_a_request(app, admin, make_user, login):
    from flask_login import login_user

    from core.models import User
    from core.plugin_api import NotOperator

    operator = make_user("op@example.com", operator=True)
    with app.test_request_context():
        login_user(db.session.get(User, admin.id))
        with pytest.raises(NotOperator):
            publish_shared_template("salaries", "scale", "k", {"rates": rates()}, date(2026, 1, 1))
    with app.test_request_context():
        login_user(db.session.get(User, operator.id))
        version = publish_shared_template("salaries", "scale", "k", {"rates": rates()},
                                          date(2026, 1, 1))  # fmt: skip
        assert version.published_by == operator.id
        db.session.commit()


def test_allowances_seniority_and_items(app, salaries_on, in_community):
    with in_community(salaries_on):
        add_scale(date(2000, 1, 1))
        junior = add_worker("初级", start=date(2016, 3, 1), certificate="junior")
        middle = add_worker("中级", start=date(2016, 3, 2), certificate="intermediate")
        phone = Item(name="通讯补贴", kind="allowance", amount_fen=10000, everyone=True)
        union = Item(name="工会会费", kind="deduction", amount_fen=500, everyone=False)
        db.session.add_all([phone, union])
        db.session.flush()
        db.session.add(WorkerItem(worker_id=middle, item_id=union.id, amount_fen=1234))
        db.session.add(WorkerItem(worker_id=junior, item_id=phone.id, amount_fen=5000))
        commit()
        slips = {s.worker_id: s for s in month_slips(MONTH)}
        a, b = lines(slips[junior]), lines(slips[middle])
        assert a["certificate"] == 20000 and b["certificate"] == 30000  # 云龙 200 / 300
        assert a["seniority"] == 10 * 2000 and b["seniority"] == 9 * 2000  # 20 yuan a year
        assert a["allowance"] == 5000 and b["allowance"] == 10000
        assert "deduction" not in a and b["deduction"] == -1234
        assert slips[middle].deductions_fen == 1234
        assert slips[middle].net_fen == 300000 + 18000 + 30000 + 10000 - 1234


def test_settings_change_the_allowances(app, salaries_on, enable_plugin, in_community):
    enable_plugin(salaries_on, "salaries", junior_allowance_yuan=250, seniority_yuan_per_year=10,
                  seniority_max_years=5)  # fmt: skip
    with in_community(salaries_on):
        add_scale(date(2000, 1, 1))
        add_worker(start=date(2006, 1, 1), certificate="junior")
        found = lines(month_slips(MONTH)[0])
        assert found["certificate"] == 25000 and found["seniority"] == 5 * 1000


def test_appraisal_coefficient_by_the_rule_rounded_once_per_line(app, salaries_on, in_community):
    with in_community(salaries_on):
        add_scale(date(2000, 1, 1), rates({p: (290005, 0) for p in rates()}))
        good, fair, poor, none = (add_worker(str(i)) for i in range(4))
        db.session.add_all([
            Appraisal(worker_id=good, month=MONTH, score=95),
            Appraisal(worker_id=fair, month=MONTH, score=80),
            Appraisal(worker_id=poor, month=MONTH, score=59),
            Appraisal(worker_id=none, month=date(2026, 2, 1), score=10),  # another month
        ])  # fmt: skip
        commit()
        slips = {s.worker_id: lines(s) for s in month_slips(MONTH)}
        assert slips[good]["appraisal"] == 29001  # 10 % of 2,900.05 = 290.005 -> 290.01
        assert "appraisal" not in slips[fair]  # 100 %: no line
        assert slips[poor]["appraisal"] == -58001  # -20 %: -580.01 (half away from zero)
        assert "appraisal" not in slips[none]


def test_a_promotion_counts_from_the_month_it_is_in_force(app, salaries_on, in_community):
    with in_community(salaries_on):
        add_scale(date(2000, 1, 1), rates(step=10000))
        worker = add_worker(level=1)
        db.session.add(Assignment(worker_id=worker, effective_from=date(2026, 3, 15),
                                  post="director", level=3))  # fmt: skip
        commit()
        assert month_slips(date(2026, 3, 1))[0].post == "worker"
        april = month_slips(date(2026, 4, 1))[0]
        assert (april.post, april.level, lines(april)["base"]) == ("director", 3, 320000)


def _approved_run(admin_id, approver_id, month=MONTH) -> Run:
    run = runs.start(month, admin_id)
    runs.calculate(run)
    runs.review(run, admin_id)
    runs.approve(run, approver_id)
    commit()
    return run


def test_the_run_goes_draft_reviewed_approved_and_is_then_locked(
    app, salaries_on, admin, approver, in_community
):
    with in_community(salaries_on):
        add_scale(date(2000, 1, 1))
        add_worker()
        run = runs.start(MONTH, admin.id)
        assert runs.calculate(run) == 1
        with pytest.raises(Refused):
            runs.approve(run, approver.id)  # not reviewed yet
        runs.review(run, admin.id)
        with pytest.raises(Refused, match="审批人须与核算人不同"):
            runs.approve(run, admin.id)  # the preparer
        runs.approve(run, approver.id)
        commit()
        assert (run.status, run.approved_by) == ("approved", approver.id)
        with pytest.raises(Refused, match="已锁定"):
            runs.calculate(run)
        with pytest.raises(Refused):
            runs.review(run, admin.id)
        with pytest.raises(Refused):
            runs.send_back(run)
        db.session.rollback()
        slip = db.session.execute(db.select(Payslip)).scalar_one()
        assert slip.net_fen == 300000


def test_the_database_refuses_an_approver_who_prepared_the_run(
    app, salaries_on, admin, in_community
):
    with in_community(salaries_on):
        db.session.add(Run(month=MONTH, regular_month=MONTH, prepared_by=admin.id,
                           status="approved", approved_by=admin.id))  # fmt: skip
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_one_regular_run_a_month(app, salaries_on, admin, in_community):
    with in_community(salaries_on):
        runs.start(MONTH, admin.id)
        commit()
        with pytest.raises(Refused, match="已有工资核算"):
            runs.start(MONTH, admin.id)


def test_an_adjusting_run_pays_the_difference(app, salaries_on, admin, approver, in_community):
    with in_community(salaries_on):
        add_scale(date(2000, 1, 1))
        first = add_worker("甲", level=1)
        second = add_worker("乙", level=1)
        original = _approved_run(admin.id, approver.id)
        # Found later: 甲 was level 3 (by the step of 0 the same pay) and holds a
        # junior certificate from before March; 乙 is right.
        from plugins.salaries.models import Worker

        db.session.get(Worker, first).certificate = "junior"
        commit()
        with pytest.raises(Refused):
            runs.start_adjusting(runs.start(date(2026, 4, 1), admin.id), admin.id, "x")
        db.session.rollback()
        adjusting = runs.start_adjusting(original, admin.id, "补发证书津贴")
        runs.calculate(adjusting)
        commit()
        slips = (
            db.session.execute(db.select(Payslip).where(Payslip.run_id == adjusting.id))
            .scalars()
            .all()
        )
        assert [(s.worker_id, s.lines) for s in slips] == [
            (first, [{"code": "certificate", "label": "junior", "fen": 20000}])
        ]
        assert adjusting.total_fen == 20000 and second not in [s.worker_id for s in slips]
        # Only one open run for the month at a time.
        with pytest.raises(Refused):
            runs.start_adjusting(original, admin.id, "again")
        db.session.rollback()
        runs.review(adjusting, admin.id)
        runs.approve(adjusting, approver.id)
        commit()
        db.session.get(Worker, second).active = False  # left later: March stays paid
        again = runs.start_adjusting(original, admin.id, "nothing changed")
        assert runs.calculate(again) == 0  # everything is paid already
        # The original is untouched.
        assert db.session.get(Run, original.id).total_fen == 600000


def test_no_scale_in_force_is_refused(app, salaries_on, admin, in_community):
    with in_community(salaries_on):
        add_worker()
        with pytest.raises(Refused, match="没有执行中的薪酬标准"):
            runs.calculate(runs.start(MONTH, admin.id))
