"""Figures: matters handled, time to answer, satisfaction, review scores over time and
rewards, as charts with tables and as Excel/CSV; staff only; the same number of SQL
statements with little data as with much."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from core.extensions import db
from core.testing import count_statements
from plugins.committees.models import Committee, Result, Review
from tenants.context import tenant_scope
from tests.plugins.committees.committees_helpers import (
    BASE,
    application_id,
    apply,
    appoint,
    set_up,
)
from tests.plugins.requests.requests_helpers import BASE as REQUESTS
from tests.plugins.requests.requests_helpers import category_id, report


@pytest.fixture(autouse=True)
def _uploads_in_tmp(app, tmp_path):
    app.config["REQUESTS_UPLOAD_DIR"] = str(tmp_path / "uploads")


def _matter(app, community, staff_client, resident, committee_id, title) -> int:
    rid = report(resident, title)
    staff_client.post(
        f"{REQUESTS}/{rid}/classify",
        data={"kind": "orange", "category_id": category_id(app, community, "小区树木修剪")},
    )
    staff_client.post(f"{REQUESTS}/{rid}/assign", data={"assignee": f"committees:{committee_id}"})
    return rid


def test_matters_handled_and_satisfaction_per_committee(
    app, committees_on, enable_plugin, staff_client, member_client, member, make_user, login
):
    enable_plugin(committees_on, "requests")
    committee_id = set_up(staff_client)
    apply(member_client, committee_id)
    app_id = application_id(app, committees_on, member.id)
    staff_client.post(f"{BASE}/{committee_id}/applications/{app_id}/vet")
    appoint(staff_client, committee_id, app_id)
    resident = login(make_user("resident@alpha.example", committees_on))
    first = _matter(app, committees_on, staff_client, resident, committee_id, "树枝挡光")
    _matter(app, committees_on, staff_client, resident, committee_id, "草坪踩踏")

    def answer(rid, text):
        url = f"{BASE}/{committee_id}/matters/{rid}/answer"
        assert member_client.post(url, data={f"a{rid}-text": text}).status_code == 302

    answer(first, "下周修剪")
    assert resident.post(f"{REQUESTS}/{first}/reject", data={"reason": "还没剪"}).status_code == 302
    answer(first, "已修剪完毕")
    assert resident.post(f"{REQUESTS}/{first}/accept", data={}).status_code == 302

    page = staff_client.get(f"{BASE}/figures")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in html
    row = html.split(f'id="cm-row-{committee_id}"', 1)[1].split("</tr>", 1)[0]
    cells = [c.split(">", 1)[1] for c in row.split("<td")[1:]]
    cells = [c.split("</td>", 1)[0] for c in cells]
    # members, handled, open, hours to answer, satisfaction (1 accepted, 1 rejected), rewards
    assert cells[:3] == ["1", "1", "1"] and cells[3] == "0.0" and cells[4] == "50.0"
    assert cells[5] == "0.00"

    xlsx = staff_client.get(f"{BASE}/figures.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert ["环境管护专委会", 1, 2, 1, 1, 0, 50, 0] in values
    csv = staff_client.get(f"{BASE}/figures.csv").get_data(as_text=True)
    assert "环境管护专委会" in csv and "50" in csv


def test_figures_without_requests_show_scores_over_time(
    app, committees_on, staff_client, member_client, client
):
    x = set_up(staff_client)
    with app.app_context(), tenant_scope(committees_on.id):
        for n, total in enumerate((8513, 9020), start=1):
            review = Review(name=f"第{n}次评议", published_at=db.func.now())
            db.session.add(review)
            db.session.flush()
            db.session.add(
                Result(
                    review_id=review.id,
                    committee_id=x,
                    committee_name="环境管护专委会",
                    total=total,
                )
            )
        db.session.commit()
    html = staff_client.get(f"{BASE}/figures").get_data(as_text=True)
    assert "诉求模块" in html and "85.13" in html and "90.20" in html and "<polyline" in html
    scores = staff_client.get(f"{BASE}/figures/scores.xlsx")
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(scores.data)).active.iter_rows()]
    assert ["第1次评议", 85.13] in rows and ["第2次评议", 90.2] in rows
    assert "第2次评议" in staff_client.get(f"{BASE}/figures/scores.csv").get_data(as_text=True)
    for url in ("/figures", "/figures.csv", "/figures.xlsx", "/figures/scores.csv"):
        assert member_client.get(f"{BASE}{url}").status_code == 403, url
        assert client.get(f"{BASE}{url}").status_code == 302, url  # signed out: sign in


def _statements(app, client, path):
    client.get(path)
    with count_statements(app) as seen:
        assert client.get(path).status_code == 200
    return len(seen)


def _grow(app, community, committees: int, rounds: int):
    with app.app_context(), tenant_scope(community.id):
        ids = []
        for n in range(committees):
            c = Committee(name=f"专委会{len(ids)}-{n}-{committees}", kind="other", max_seats=9)
            db.session.add(c)
            db.session.flush()
            ids.append(c.id)
        for n in range(rounds):
            review = Review(name=f"评议{n}-{rounds}", published_at=db.func.now())
            db.session.add(review)
            db.session.flush()
            db.session.add_all(
                Result(review_id=review.id, committee_id=c, committee_name="x", total=8000 + n)
                for c in ids
            )
        db.session.commit()


def test_the_figures_page_keeps_its_statements_as_data_grows(
    app, committees_on, enable_plugin, staff_client
):
    enable_plugin(committees_on, "requests")
    _grow(app, committees_on, 2, 1)
    small = _statements(app, staff_client, f"{BASE}/figures")
    _grow(app, committees_on, 12, 14)
    large = _statements(app, staff_client, f"{BASE}/figures")
    assert small == large
    assert large <= 12


def _grow_sheets(app, community, review_id, assessor_id, committees: int):
    """More committees, each with a sheet of the assessor and marks, in bulk."""
    from plugins.committees.models import Criterion, Mark, Sheet

    with app.app_context(), tenant_scope(community.id):
        crit = (
            db.session.execute(db.select(Criterion.id).where(Criterion.review_id == review_id))
            .scalars()
            .all()
        )
        for n in range(committees):
            c = Committee(name=f"加{n}-{committees}", kind="other", max_seats=9)
            db.session.add(c)
            db.session.flush()
            sheet = Sheet(
                review_id=review_id,
                committee_id=c.id,
                assessor_group="residents",
                assessor=f"a{n}",
                assessor_user_id=assessor_id,
            )
            db.session.add(sheet)
            db.session.flush()
            db.session.add_all(Mark(sheet_id=sheet.id, criterion_id=k, points=30) for k in crit)
        db.session.commit()


def test_the_assessors_page_the_round_and_the_queue_keep_their_statements(
    app, committees_on, enable_plugin, staff_client, member_client, member
):
    from tests.plugins.committees.committees_helpers import open_round

    enable_plugin(committees_on, "requests")
    committee_id = set_up(staff_client)
    apply(member_client, committee_id)
    app_id = application_id(app, committees_on, member.id)
    staff_client.post(f"{BASE}/{committee_id}/applications/{app_id}/vet")
    appoint(staff_client, committee_id, app_id)
    review_id = open_round(staff_client)
    staff_client.post(
        f"{BASE}/reviews/{review_id}/assessors",
        data={"person": member.email, "assessor_group": "residents"},
    )
    pages = [
        (member_client, f"{BASE}/reviews/{review_id}/score"),
        (staff_client, f"{BASE}/reviews/{review_id}"),
        (member_client, f"{BASE}/{committee_id}/matters"),
        (member_client, f"{BASE}/{committee_id}"),
    ]
    _grow_sheets(app, committees_on, review_id, member.id, 2)
    small = [_statements(app, client, path) for client, path in pages]
    _grow_sheets(app, committees_on, review_id, member.id, 25)
    large = [_statements(app, client, path) for client, path in pages]
    assert small == large
