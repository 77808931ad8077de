"""半年述职评议 through the pages: the worked example of docs/committees.md, published."""

from __future__ import annotations

from core.extensions import db
from plugins.committees.models import Criterion, Result
from tenants.context import tenant_scope
from tests.plugins.committees.committees_helpers import BASE, set_up


def _open_round(client, **data) -> int:
    form = {
        "name": "2026年上半年述职评议",
        "weight_party": "40",
        "weight_units": "30",
        "weight_residents": "30",
        "criteria": "工作成效 40\n群众满意度 60",
        **data,
    }
    response = client.post(f"{BASE}/reviews/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _criteria(app, community, review_id):
    with app.app_context(), tenant_scope(community.id):
        return (
            db.session.execute(
                db.select(Criterion.id)
                .where(Criterion.review_id == review_id)
                .order_by(Criterion.id)
            )
            .scalars()
            .all()
        )


def _sheet(client, review_id, committee_id, group, assessor, a, b):
    crit_a, crit_b = client.crit
    return client.post(
        f"{BASE}/reviews/{review_id}/sheets",
        data={
            "committee": str(committee_id),
            "assessor_group": group,
            "assessor": assessor,
            f"c{crit_a}": a,
            f"c{crit_b}": b,
        },
    )


def test_the_worked_example_entered_and_published(
    app, committees_on, staff_client, client, member_client
):
    x = set_up(staff_client, name="环境管护专委会")
    y = set_up(staff_client, name="法律咨询专委会", kind="legal")
    review_id = _open_round(staff_client)
    staff_client.crit = _criteria(app, committees_on, review_id)
    sheets = [
        (x, "party", "党委1", "36", "54"),
        (x, "units", "单位1", "30", "50"),
        (x, "units", "单位2", "35", ""),
        (x, "residents", "居民代表1", "40", "45"),
        (x, "residents", "居民代表2", "20", "40"),
        (x, "residents", "居民代表3", "38", "57"),
        (y, "party", "党委1", "28", "42"),
        (y, "units", "单位1", "30", "46"),
    ]
    for sheet in sheets:
        assert _sheet(staff_client, review_id, *sheet).status_code == 302, sheet
    assert "结果尚未公布" in member_client.get(f"{BASE}/reviews/{review_id}").get_data(as_text=True)
    assert client.get(f"{BASE}/public/reviews/{review_id}").status_code == 404  # not yet public

    assert staff_client.post(f"{BASE}/reviews/{review_id}/publish").status_code == 302
    with app.app_context(), tenant_scope(committees_on.id):
        rows = {
            r.committee_id: (r.total, r.party, r.units, r.residents, r.sheets)
            for r in db.session.execute(db.select(Result)).scalars()
        }
    assert rows == {x: (8513, 9000, 8375, 8000, 6), y: (7257, 7000, 7600, None, 2)}
    public = client.get(f"{BASE}/public/reviews/{review_id}").get_data(as_text=True)
    assert "85.13" in public and "72.57" in public and "83.75" in public
    assert "党委1" not in public  # assessors are not named in public
    assert public.index("85.13") < public.index("72.57")  # best first
    assert "2026年上半年述职评议" in client.get(f"{BASE}/public").get_data(as_text=True)

    again = staff_client.post(f"{BASE}/reviews/{review_id}/publish")
    assert again.status_code == 409 and "结果已经公布" in again.get_data(as_text=True)
    late = _sheet(staff_client, review_id, y, "residents", "居民代表9", "10", "10")
    assert late.status_code == 409


def test_review_input_is_checked_and_kept(app, committees_on, staff_client, member_client):
    x = set_up(staff_client)
    wrong = staff_client.post(
        f"{BASE}/reviews/new",
        data={
            "name": "评议",
            "weight_party": "50",
            "weight_units": "30",
            "weight_residents": "30",
            "criteria": "工作成效 40",
        },
    )
    assert wrong.status_code == 422 and "之和必须为 100" in wrong.get_data(as_text=True)
    bad_lines = staff_client.post(
        f"{BASE}/reviews/new",
        data={
            "name": "评议",
            "weight_party": "40",
            "weight_units": "30",
            "weight_residents": "30",
            "criteria": "工作成效 四十",
        },
    )
    html = bad_lines.get_data(as_text=True)
    assert bad_lines.status_code == 422 and "工作成效 四十" in html and "满分" in html

    review_id = _open_round(staff_client)
    staff_client.crit = _criteria(app, committees_on, review_id)
    too_many = _sheet(staff_client, review_id, x, "party", "党委1", "41", "")
    html = too_many.get_data(as_text=True)
    assert too_many.status_code == 422 and "请填 0 至 40 分" in html and 'value="党委1"' in html
    for bad in (
        (x, "nobody", "党委1", "10", ""),
        (x, "party", "", "10", ""),
        (x, "party", "党委1", "", ""),
        (x, "party", "党委1", "abc", "1"),
        (999999, "party", "党委1", "10", ""),
    ):
        assert _sheet(staff_client, review_id, *bad).status_code == 422, bad
    assert _sheet(staff_client, review_id, x, "party", "党委1", "10", "").status_code == 302
    dup = _sheet(staff_client, review_id, x, "party", "党委1", "10", "")
    assert dup.status_code == 409 and "已为这个专委会录入过" in dup.get_data(as_text=True)

    member_client.crit = staff_client.crit
    assert member_client.get(f"{BASE}/reviews/new").status_code == 403
    assert _sheet(member_client, review_id, x, "party", "某人", "10", "").status_code == 403
    assert member_client.post(f"{BASE}/reviews/{review_id}/publish").status_code == 403
    assert member_client.get(f"{BASE}/reviews/{review_id}").status_code == 200


def test_results_and_members_download_as_excel_and_csv(
    app, committees_on, staff_client, member_client, member
):
    from core.testing import read_csv, read_xlsx
    from tests.plugins.committees.committees_helpers import application_id, apply, appoint

    x = set_up(staff_client, name="环境管护专委会")
    apply(member_client, x)
    app_id = application_id(app, committees_on, member.id)
    staff_client.post(f"{BASE}/{x}/applications/{app_id}/vet")
    appoint(staff_client, x, app_id, role="convener")
    review_id = _open_round(staff_client)
    staff_client.crit = _criteria(app, committees_on, review_id)
    _sheet(staff_client, review_id, x, "party", "党委1", "36", "54")
    _sheet(staff_client, review_id, x, "units", "单位2", "35", "")
    assert member_client.get(f"{BASE}/reviews/{review_id}/results.csv").status_code == 404
    staff_client.post(f"{BASE}/reviews/{review_id}/publish")

    rows = read_xlsx(member_client.get(f"{BASE}/reviews/{review_id}/results.xlsx"))
    assert ["专委会", "得分", "社区党委", "成员单位", "居民代表", "评分表数"] in rows
    # (40 x 90 + 30 x 87.5) / 70 = 88.928..., rounded half up; no resident sheet.
    assert ["环境管护专委会", 88.93, 90, 87.5, None, 2] in rows
    csv_rows = read_csv(member_client.get(f"{BASE}/reviews/{review_id}/results.csv"))
    assert csv_rows[-1][:2] == ["环境管护专委会", "88.93"]

    members = read_csv(staff_client.get(f"{BASE}/members.csv"))
    assert members[-1][:3] == ["环境管护专委会", "Alpha Member", "召集人"]
    assert read_xlsx(staff_client.get(f"{BASE}/members.xlsx"))[-1][:3] == [
        "环境管护专委会",
        "Alpha Member",
        "召集人",
    ]
    assert member_client.get(f"{BASE}/members.csv").status_code == 403
