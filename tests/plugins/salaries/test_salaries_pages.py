"""Through the pages: an admin sets a scale, adds workers, runs a month, a second admin
approves, the worker reads their own payslip and nobody else's; permissions, another
community's ids, bad input."""

from __future__ import annotations

from datetime import date

import pytest

from core.plugin_api import commit, db
from core.testing import read_csv
from plugins.salaries import runs
from plugins.salaries.models import Payslip, Run, ScaleVersion, Worker
from tests.plugins.salaries.helpers import BASE, MONTH, add_scale, add_worker

SCALE_FORM = {
    "form": "scale", "effective_from": "2026-01-01", "name": "本社区标准",
    **{f"rate_{p}_{a}": "3000" for p in ("secretary", "director", "deputy", "worker")
       for a in ("urban", "rural")},
}  # fmt: skip


def _csrf_free(app):
    app.config["WTF_CSRF_ENABLED"] = False


def test_the_whole_month_through_the_pages(
    app, salaries_on, admin_client, approver_client, member, login, in_community
):
    _csrf_free(app)
    form = {**SCALE_FORM, "rate_worker_urban": ", ".join(str(2500 + 50 * i) for i in range(10))}
    assert admin_client.post(BASE + "/manage/scales", data=form).status_code == 303
    response = admin_client.post(BASE + "/manage/workers", data={
        "name": "张社工", "member": member.email, "start_date": "2026-01-01",
        "certificate": "junior", "post": "worker", "level": "2"})  # fmt: skip
    assert response.status_code == 303, response.text
    response = admin_client.post(BASE + "/manage/runs", data={"month": "2026-03"})
    assert response.status_code == 303, response.text
    run_url = response.headers["Location"]
    page = admin_client.get(run_url).text
    assert "¥2,750.00" in page  # 2,550 + junior 200
    run_id = int(run_url.rstrip("/").rsplit("/", 1)[1])
    assert admin_client.post(f"{BASE}/manage/runs/{run_id}/review").status_code == 303
    # The preparer cannot approve; the second admin can.
    assert admin_client.post(f"{BASE}/manage/runs/{run_id}/approve").status_code == 409
    assert approver_client.post(f"{BASE}/manage/runs/{run_id}/approve").status_code == 303
    assert approver_client.post(f"{BASE}/manage/runs/{run_id}/approve").status_code == 409
    assert admin_client.post(f"{BASE}/manage/runs/{run_id}/calculate").status_code == 409
    worker = login(member)
    mine = worker.get(BASE + "/").text
    assert "2026-03" in mine
    with in_community(salaries_on):
        slip_id = db.session.execute(db.select(Payslip.id)).scalar_one()
        from core.models import Notification

        told = db.session.execute(db.select(Notification.user_id, Notification.kind)).all()
    assert (member.id, "salaries.payslip_ready") in told
    slip = worker.get(f"{BASE}/payslips/{slip_id}").text
    assert "¥2,550.00" in slip and "¥200.00" in slip and "¥2,750.00" in slip
    csv = read_csv(admin_client.get(f"{BASE}/manage/runs/{run_id}/export?format=csv"))
    assert csv[-1][0] == "张社工" and "2750" in "".join(csv[-1]).replace(",", "")


def test_workers_see_only_their_own_approved_payslips(
    app, salaries_on, admin, approver, member, make_user, login, in_community
):
    other = make_user("other@alpha.example", salaries_on)
    with in_community(salaries_on):
        add_scale(date(2000, 1, 1))
        add_worker("我", member_id=member.id)
        add_worker("别人", member_id=other.id)
        run = runs.start(MONTH, admin.id)
        runs.calculate(run)
        commit()
        run_id = run.id
        mine, theirs = (
            db.session.execute(db.select(Payslip.id).where(Payslip.member_id == who)).scalar_one()
            for who in (member.id, other.id)
        )
    client = login(member)
    assert client.get(f"{BASE}/payslips/{mine}").status_code == 404  # draft: not yet
    with in_community(salaries_on):
        run = db.session.get(Run, run_id)
        runs.review(run, admin.id)
        runs.approve(run, approver.id)
        commit()
    assert client.get(f"{BASE}/payslips/{mine}").status_code == 200
    assert client.get(f"{BASE}/payslips/{theirs}").status_code == 404
    assert "别人" not in client.get(BASE + "/").text


@pytest.mark.parametrize(
    "path",
    ["/manage", "/manage/scales", "/manage/workers", "/manage/items", "/manage/budget"],
)
def test_members_and_staff_may_not_manage(salaries_on, member_client, staff_client, path):
    assert member_client.get(BASE + path).status_code == 403
    assert staff_client.get(BASE + path).status_code == 403


def test_staff_cannot_approve_nor_post(app, salaries_on, staff_client, admin, in_community):
    _csrf_free(app)
    with in_community(salaries_on):
        run_id = runs.start(MONTH, admin.id).id
        commit()
    for action in ("calculate", "review", "approve", "send-back"):
        assert staff_client.post(f"{BASE}/manage/runs/{run_id}/{action}").status_code == 403
    assert staff_client.post(BASE + "/manage/runs", data={"month": "2026-04"}).status_code == 403


def test_another_communitys_ids_are_not_found(
    app, salaries_on, other_community, enable_plugin, make_user, admin_client, in_community
):
    _csrf_free(app)
    enable_plugin(other_community, "salaries")
    boss = make_user("boss@beta.example", other_community, "admin")
    with in_community(other_community):
        add_scale(date(2000, 1, 1))
        worker = add_worker("乙社工")
        run = runs.start(MONTH, boss.id)
        runs.calculate(run)
        commit()
        slip = db.session.execute(db.select(Payslip.id)).scalar_one()
        run_id = run.id
    gets = [f"/manage/workers/{worker}", f"/manage/runs/{run_id}",
            f"/manage/runs/{run_id}/export", f"/payslips/{slip}"]  # fmt: skip
    posts = [f"/manage/workers/{worker}", f"/manage/runs/{run_id}/calculate",
             f"/manage/runs/{run_id}/review", f"/manage/runs/{run_id}/approve",
             f"/manage/runs/{run_id}/send-back", f"/manage/runs/{run_id}/adjust"]  # fmt: skip
    for path in gets:
        assert admin_client.get(BASE + path).status_code == 404, path
    for path in posts:
        assert admin_client.post(BASE + path, data={"form": "edit"}).status_code == 404, path
    with in_community(other_community):
        assert db.session.get(Run, run_id).status == "draft"


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("/manage/runs", {"month": "2026-13"}, "请按 2026-11 的格式填写月份"),
        ("/manage/runs", {"month": "三月"}, "请按 2026-11 的格式填写月份"),
        ("/manage/scales", {**SCALE_FORM, "rate_worker_urban": "1,2,3"}, "十个金额"),
        ("/manage/scales", {**SCALE_FORM, "rate_worker_urban": "-2500"}, "十个金额"),
        ("/manage/scales", {**SCALE_FORM, "effective_from": "2026-02-30"}, ""),
        (
            "/manage/scales",
            {"form": "adopt", "template_key": "nope", "effective_from": "2026-01-01"},
            "",
        ),  # fmt: skip
        (
            "/manage/workers",
            {
                "name": "",
                "start_date": "2026-01-01",
                "post": "worker",
                "level": "11",
                "certificate": "",
            },
            "等级为 1 到 10",
        ),  # fmt: skip
        (
            "/manage/workers",
            {"name": "x", "start_date": "x", "post": "boss", "level": "1", "certificate": ""},
            "",
        ),  # fmt: skip
        ("/manage/items", {"name": "补贴", "kind": "allowance", "amount": "1.234"}, "2900.50"),
        ("/manage/budget?year=abc", None, "不是年份"),
    ],
)
def test_bad_input_is_answered_in_the_users_language(
    app, salaries_on, admin_client, path, data, message
):
    _csrf_free(app)
    if data is None:
        response = admin_client.get(BASE + path)
    else:
        response = admin_client.post(BASE + path, data=data)
    assert response.status_code == 422, (path, response.status_code)
    assert message in response.text
    if data and data.get("name"):
        assert data["name"] in response.text  # what was typed is kept


def test_bad_input_on_a_worker_page(app, salaries_on, admin_client, in_community):
    _csrf_free(app)
    with in_community(salaries_on):
        worker = add_worker()
    url = f"{BASE}/manage/workers/{worker}"
    for data in (
        {"form": "change", "effective_from": "2026-05-01", "post": "worker", "level": "0"},
        {"form": "appraisal", "month": "2026-05", "score": "101"},
        {"form": "appraisal", "month": "May", "score": "90"},
        {"form": "item", "item_id": "999", "amount": "10"},
        {"form": "edit", "name": "", "start_date": "2026-01-01", "certificate": "phd"},
        {"form": "whatever"},
    ):
        assert admin_client.post(url, data=data).status_code == 422, data
    assert admin_client.post(url, data={"form": "appraisal", "month": "2026-05",
                                        "score": "95"}).status_code == 303  # fmt: skip
    change = {"form": "change", "effective_from": "2026-05-01", "post": "director", "level": "4"}
    assert admin_client.post(url, data=change).status_code == 303


def test_a_second_scale_on_the_same_day_is_refused(app, salaries_on, admin_client, in_community):
    _csrf_free(app)
    assert admin_client.post(BASE + "/manage/scales", data=SCALE_FORM).status_code == 303
    response = admin_client.post(BASE + "/manage/scales", data=SCALE_FORM)
    assert response.status_code == 422 and "已有一个薪酬标准从这一天起执行" in response.text
    with in_community(salaries_on):
        assert db.session.execute(db.select(db.func.count(ScaleVersion.id))).scalar() == 1


def test_budget_and_headcount_pages(app, salaries_on, admin_client, in_community):
    with in_community(salaries_on):
        add_scale(date(2026, 1, 1))
        add_worker(start=date(2026, 1, 1))
        add_worker("新人", start=date(2026, 7, 1))
    page = admin_client.get(BASE + "/manage/budget?year=2026").text
    # 12 x 3,000 + 6 x 3,000 (no seniority within the year)
    assert "¥54,000.00" in page
    assert admin_client.get(BASE + "/manage").status_code == 200
    with in_community(salaries_on):
        assert db.session.execute(db.select(db.func.count(Worker.id))).scalar() == 2


def test_a_run_without_a_scale_is_refused_with_a_message(
    app, salaries_on, admin_client, in_community
):
    _csrf_free(app)
    with in_community(salaries_on):
        add_worker()
    response = admin_client.post(BASE + "/manage/runs", data={"month": "2026-03"})
    assert response.status_code == 409 and "没有执行中的薪酬标准" in response.text
    with in_community(salaries_on):
        assert db.session.execute(db.select(db.func.count(Run.id))).scalar() == 0
