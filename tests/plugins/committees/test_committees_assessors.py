"""Assessor accounts: staff add members of the community to a round's groups; each scores
every committee once from their own page; they are told when added and reminded (once a
day) while scores are due; applicants are told at each step."""

from __future__ import annotations

import threading

from core.extensions import db
from plugins.committees.models import Assessor, Result, Sheet
from tenants.context import tenant_scope
from tests.plugins.committees.committees_helpers import (
    BASE,
    application_id,
    apply,
    appoint,
    criteria_ids,
    open_round,
    paper_sheet,
    set_up,
    told,
)


def _add(staff_client, review_id, who: str, group: str):
    return staff_client.post(
        f"{BASE}/reviews/{review_id}/assessors", data={"person": who, "assessor_group": group}
    )


def test_an_assessor_scores_each_committee_once_and_it_counts_in_the_result(
    app, committees_on, staff_client, member_client, member, make_user, login
):
    x = set_up(staff_client, name="环境管护专委会")
    y = set_up(staff_client, name="法律咨询专委会", kind="legal")
    review_id = open_round(staff_client)
    crit = criteria_ids(app, committees_on, review_id)
    assert _add(staff_client, review_id, member.email, "residents").status_code == 302
    assert told(app, member.id)[-1] == (
        "committees.assessment",
        "请为专委会述职评议打分：2026年上半年述职评议",
    )
    # Not twice in the same round; a stranger's address is refused, typed text kept.
    again = _add(staff_client, review_id, member.email, "units")
    assert again.status_code == 409 and "已是本轮评议的评议人" in again.get_data(as_text=True)
    nobody = _add(staff_client, review_id, "nobody@nowhere.example", "units")
    assert nobody.status_code == 422 and "nobody@nowhere.example" in nobody.get_data(as_text=True)
    bad_group = _add(staff_client, review_id, member.email, "mayor")
    assert bad_group.status_code == 422

    page = member_client.get(f"{BASE}/reviews/{review_id}/score")
    assert page.status_code == 200 and "环境管护专委会" in page.get_data(as_text=True)
    url = f"{BASE}/reviews/{review_id}/score"
    too_many = member_client.post(f"{url}/{x}", data={f"c{crit[0]}": "41", f"c{crit[1]}": "50"})
    html = too_many.get_data(as_text=True)
    assert (
        too_many.status_code == 422 and "工作成效：请填 0 至 40 分" in html and 'value="50"' in html
    )
    blank = member_client.post(f"{url}/{x}", data={})
    assert blank.status_code == 422 and "请至少为一个评分项打分" in blank.get_data(as_text=True)
    assert (
        member_client.post(
            f"{url}/{x}", data={f"c{crit[0]}": "40", f"c{crit[1]}": "45"}
        ).status_code
        == 302
    )
    second = member_client.post(f"{url}/{x}", data={f"c{crit[0]}": "0", f"c{crit[1]}": "0"})
    assert second.status_code == 409 and "您已为这个专委会打过分" in second.get_data(as_text=True)
    assert "85.00" in member_client.get(url).get_data(as_text=True)

    # A paper sheet for the party committee, then publish: (40×90 + 30×85) / 70 = 87.86.
    assert (
        paper_sheet(staff_client, review_id, crit, x, "party", "党委1", "36", "54").status_code
        == 302
    )
    assert staff_client.post(f"{BASE}/reviews/{review_id}/publish").status_code == 302
    with app.app_context(), tenant_scope(committees_on.id):
        result = db.session.execute(db.select(Result).where(Result.committee_id == x)).scalar_one()
        sheet = db.session.execute(
            db.select(Sheet).where(Sheet.assessor_user_id == member.id)
        ).scalar_one()
    assert (result.total, result.residents, result.party) == (8786, 8500, 9000)
    assert sheet.assessor_group == "residents"
    # Published: no more sheets.
    late = member_client.post(f"{url}/{y}", data={f"c{crit[0]}": "30"})
    assert late.status_code == 409


def test_only_the_rounds_assessors_and_staff_may_add_or_score(
    app, committees_on, staff_client, member_client, member, make_user, login
):
    x = set_up(staff_client)
    review_id = open_round(staff_client)
    crit = criteria_ids(app, committees_on, review_id)
    url = f"{BASE}/reviews/{review_id}/score"
    assert member_client.get(url).status_code == 403  # not an assessor of this round
    assert member_client.post(f"{url}/{x}", data={f"c{crit[0]}": "30"}).status_code == 403
    assert _add(member_client, review_id, member.email, "residents").status_code == 403
    _add(staff_client, review_id, member.email, "residents")
    assert member_client.get(url).status_code == 200
    assert member_client.post(f"{url}/999999", data={f"c{crit[0]}": "30"}).status_code == 404
    assert staff_client.get(f"{BASE}/reviews/999999/score").status_code == 404


def test_simultaneous_submissions_of_one_assessor_make_one_sheet(
    app, committees_on, staff_client, member_client, member
):
    x = set_up(staff_client)
    review_id = open_round(staff_client)
    crit = criteria_ids(app, committees_on, review_id)
    _add(staff_client, review_id, member.email, "residents")
    threads = 8
    start = threading.Barrier(threads)
    statuses: list[int] = []

    def submit():
        start.wait()
        response = member_client.post(
            f"{BASE}/reviews/{review_id}/score/{x}", data={f"c{crit[0]}": "30"}
        )
        statuses.append(response.status_code)

    workers = [threading.Thread(target=submit) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert sorted(statuses) == [302] + [409] * (threads - 1)
    with app.app_context(), tenant_scope(committees_on.id):
        assert db.session.execute(db.select(db.func.count(Sheet.id))).scalar() == 1


def test_the_reminder_job_tells_assessors_with_scores_due_once_a_day(
    app, committees_on, staff_client, member_client, member
):
    x = set_up(staff_client)
    set_up(staff_client, name="法律咨询专委会", kind="legal")
    review_id = open_round(staff_client)
    crit = criteria_ids(app, committees_on, review_id)
    _add(staff_client, review_id, member.email, "residents")
    runner = app.test_cli_runner()
    out = runner.invoke(args=["committees", "remind-assessors"])
    assert out.exit_code == 0 and "assessors reminded: 1" in out.output
    assert told(app, member.id)[-1] == (
        "committees.assessment",
        "还有 2 个专委会待您打分：2026年上半年述职评议",
    )
    again = runner.invoke(args=["committees", "remind-assessors"])
    assert "assessors reminded: 0" in again.output  # once a day

    member_client.post(f"{BASE}/reviews/{review_id}/score/{x}", data={f"c{crit[0]}": "30"})
    with app.app_context(), tenant_scope(committees_on.id):
        db.session.execute(db.update(Assessor).values(reminded_on=db.func.date("2020-01-01")))
        db.session.commit()
    runner.invoke(args=["committees", "remind-assessors"])
    assert told(app, member.id)[-1][1] == "还有 1 个专委会待您打分：2026年上半年述职评议"


def test_a_round_due_later_is_not_reminded_yet_and_a_scored_one_not_at_all(
    app, committees_on, staff_client, member_client, member
):
    x = set_up(staff_client)
    later = open_round(staff_client, name="下半年", due_on="2099-12-31")
    _add(staff_client, later, member.email, "units")
    done = open_round(staff_client, name="已打完")
    crit = criteria_ids(app, committees_on, done)
    _add(staff_client, done, member.email, "units")
    member_client.post(f"{BASE}/reviews/{done}/score/{x}", data={f"c{crit[0]}": "30"})
    before = len(told(app, member.id))
    out = app.test_cli_runner().invoke(args=["committees", "remind-assessors"])
    assert "assessors reminded: 0" in out.output
    assert len(told(app, member.id)) == before
    bad_due = staff_client.post(
        f"{BASE}/reviews/new",
        data={
            "name": "坏日期",
            "criteria": "工作成效 40",
            "due_on": "31/12/2026",
            "weight_party": "40",
            "weight_units": "30",
            "weight_residents": "30",
        },
    )
    assert bad_due.status_code == 422 and "例如 2026-07-01" in bad_due.get_data(as_text=True)


def test_applicants_are_told_when_vetted_appointed_or_declined(
    app, committees_on, staff_client, member_client, member, make_user, login
):
    committee_id = set_up(staff_client)
    apply(member_client, committee_id)
    app_id = application_id(app, committees_on, member.id)
    staff_client.post(f"{BASE}/{committee_id}/applications/{app_id}/vet")
    appoint(staff_client, committee_id, app_id)
    kinds = [t for k, t in told(app, member.id) if k == "committees.recruitment"]
    assert kinds == ["您的专委会报名已通过组织考察，等待竞聘上岗", "您已被聘为专委会委员"]
    other = make_user("other@alpha.example", committees_on, name="另一位")
    other_client = login(other)
    apply(other_client, committee_id)
    other_app = application_id(app, committees_on, other.id)
    staff_client.post(f"{BASE}/{committee_id}/applications/{other_app}/reject")
    assert told(app, other.id)[-1] == (
        "committees.recruitment",
        "您的专委会报名这次未入选，感谢您的热心",
    )
