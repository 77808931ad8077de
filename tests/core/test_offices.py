"""Street and district offices: who sees which communities, figures that match the
communities' own pages, the public street page, audited reads, bad input, query counts."""

from __future__ import annotations

import re

import pytest

from core.extensions import db
from core.offices import figures
from core.offices.models import Office, OfficeCommunity, OfficeRead
from core.testing import count_statements
from plugins.requests import counts
from plugins.requests.models import Request
from tenants.context import all_tenants, community_scope


def _report(client, title):
    response = client.post(
        "/c/alpha/requests/new",
        data={
            "title": title,
            "building": "3栋2单元",
            "grid": "第二网格",
            "contact_preference": "phone",
            "contact_phone": "138 0000 1234",
            "anonymous": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def _refresh(app, *communities):
    with app.test_request_context():
        for c in communities:
            figures.refresh(c, [figures.this_month(c.timezone)])


def _cell(html: str, community_name: str, key: str) -> str:
    row = re.search(rf"<tr><td><a [^>]*>{re.escape(community_name)}</a></td>(.*?)</tr>", html, re.S)
    assert row, f"no row for {community_name}"
    cell = re.search(rf'data-figure="{re.escape(key)}">([^<]*)<', row.group(1))
    return cell.group(1)


def test_a_street_sees_its_communities_figures_and_they_match_the_ledger(app, town, login):
    resident = login(town["people"]["resident"])
    for title in ("楼道灯坏了", "垃圾清运不及时", "路面积水"):
        _report(resident, title)
    _refresh(app, town["alpha"], town["beta"], town["gamma"])
    office = login(town["people"]["east"])
    html = office.get("/o/east/").get_data(as_text=True)
    assert "Alpha Community" in html or "甲社区" in html
    assert "丙社区" not in html and "Gamma Community" not in html  # west's
    name = "甲社区" if "甲社区" in html else "Alpha Community"
    # The ledger's own count of this month (the counts the community's pages read).
    with app.test_request_context(), community_scope(town["alpha"].id):
        month = figures.this_month(town["alpha"].timezone).strftime("%Y-%m")
        ledger = sum(counts.monthly([month])[month].values())
        rows = db.session.scalar(db.select(db.func.count(Request.id)))
    assert ledger == rows == 3
    assert _cell(html, name, "requests.received") == "3"


def test_an_office_cannot_open_another_streets_community_or_office(app, town, login):
    office = login(town["people"]["east"])
    assert office.get(f"/o/east/communities/{town['gamma'].id}").status_code == 404
    assert office.get(f"/o/east/communities/{town['alpha'].id}").status_code == 200
    assert office.get("/o/west/").status_code == 403
    assert office.get("/o/yunlong/").status_code == 403
    assert office.get("/o/nowhere/").status_code == 404
    # A resident of alpha is no office account.
    assert login(town["people"]["resident"]).get("/o/east/").status_code == 403
    assert office.get("/o/west/figures.csv").status_code == 403


def test_a_district_sees_every_street_and_their_communities(app, town, login):
    district = login(town["people"]["district"])
    html = district.get("/o/yunlong/").get_data(as_text=True)
    for name in ("甲社区", "乙社区", "丙社区"):
        assert name in html
    assert district.get("/o/west/").status_code == 200  # its own street
    assert district.get(f"/o/yunlong/communities/{town['gamma'].id}").status_code == 200


def test_reads_are_recorded_and_read_only(app, town, login):
    office = login(town["people"]["east"])
    office.get("/o/east/")
    office.get("/o/east/figures.xlsx")
    with app.app_context():
        reads = db.session.execute(db.select(OfficeRead).order_by(OfficeRead.id)).scalars().all()
        assert [(r.what, r.communities) for r in reads] == [("figures", 2), ("export", 2)]
        assert reads[0].user_id == town["people"]["east"].id


def test_export_holds_the_table(app, town, login):
    from core.testing import read_csv

    resident = login(town["people"]["resident"])
    _report(resident, "电梯异响")
    _refresh(app, town["alpha"], town["beta"])
    response = login(town["people"]["east"]).get("/o/east/figures.csv")
    assert response.status_code == 200
    rows = read_csv(response)
    header = rows[0]
    received = header.index(next(h for h in header if h in ("受理诉求", "Requests received")))
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["甲社区"][received] == "1"
    assert "丙社区" not in by_name


def test_public_street_page_shows_public_figures_only_without_login(app, town, login):
    _report(login(town["people"]["resident"]), "健身器材损坏")
    _refresh(app, town["alpha"], town["beta"])
    html = app.test_client().get("/o/east/public").get_data(as_text=True)
    assert "甲社区" in html
    assert "受理诉求" in html or "Requests received" in html
    assert "当前超期" not in html and "Overdue now" not in html  # not public
    assert "丙社区" not in html
    assert app.test_client().get("/o/nowhere/public").status_code == 404


def test_a_bad_month_is_a_422_with_a_message(app, town, login):
    office = login(town["people"]["east"])
    for bad in ("2026-13", "x", "２０２６-１１", "9999-01"):
        response = office.get(f"/o/east/?month={bad}")
        assert response.status_code == 422
        assert "2026-11" in response.get_data(as_text=True)
    assert office.get("/o/east/figures.csv?month=2026-13").status_code == 422
    assert office.get("/o/east/?month=2026-01").status_code == 200


def test_a_past_month_has_no_present_figure(app, town):
    with app.test_request_context():
        month = figures.add_months(figures.this_month(town["alpha"].timezone), -2)
        figures.refresh(town["alpha"], [month])
        with all_tenants():
            table = figures.table([town["alpha"].id], month)
    assert table[town["alpha"].id]["requests.received"] == 0
    assert "requests.overdue" not in table[town["alpha"].id]


def test_only_declared_figures_of_enabled_plugins_are_stored(app, town):
    _refresh(app, town["alpha"])
    with app.app_context(), all_tenants():
        table = figures.table([town["alpha"].id], figures.this_month(town["alpha"].timezone))
    keys = set(table[town["alpha"].id])
    assert keys and all(k.startswith("requests.") for k in keys)  # only requests is on


def test_the_office_table_costs_the_same_for_3_or_40_communities(app, town, login, make_community):
    office = login(town["people"]["east"])

    def measure() -> int:
        with count_statements(app) as statements:
            assert office.get("/o/east/").status_code == 200
        return len(statements)

    _refresh(app, town["alpha"], town["beta"])
    few = measure()
    more = []
    for n in range(38):
        more.append(make_community(f"extra-{n}", plugins=["requests"]))
    with app.app_context():
        east = town["ids"]["east"]
        db.session.add_all(OfficeCommunity(community_id=c.id, office_id=east) for c in more)
        db.session.commit()
    _refresh(app, *more)
    assert measure() == few


def test_operator_sets_up_an_office_with_communities_and_accounts(
    app, make_user, make_community, login
):
    make_community("delta", name_zh="丁社区", name_en="Delta")
    make_user("clerk@street.example", name="Clerk")
    operator = login(make_user("op@example.com", operator=True))
    new = {"name_zh": "和平街道", "name_en": "Heping Street", "slug": "heping", "kind": "street"}
    response = operator.post("/operator/offices/", data=new)
    assert response.status_code == 303
    with app.app_context():
        office_id = db.session.scalar(db.select(Office.id).where(Office.slug == "heping"))
    base = f"/operator/offices/{office_id}"
    # Bad input: an unknown community, a bad e-mail, a taken address: 422, message, typed kept.
    response = operator.post(f"{base}/communities", data={"c-community": "no-such"})
    assert response.status_code == 422 and "no-such" in response.get_data(as_text=True)
    response = operator.post(f"{base}/accounts", data={"a-email": "nobody@nowhere.example"})
    assert response.status_code == 422
    assert "nobody@nowhere.example" in response.get_data(as_text=True)
    response = operator.post("/operator/offices/", data={**new, "name_zh": "重名"})
    assert response.status_code == 422 and "重名" in response.get_data(as_text=True)
    assert operator.post(f"{base}/communities", data={"c-community": "delta"}).status_code == 303
    added = operator.post(f"{base}/accounts", data={"a-email": "clerk@street.example"})
    assert added.status_code == 303
    clerk = login(make_user("clerk@street.example"))
    assert clerk.get("/").status_code == 302  # straight to the office
    assert "丁社区" in clerk.get("/o/heping/").get_data(as_text=True)
    # Not an operator: the set-up pages are closed.
    assert clerk.get("/operator/offices/").status_code == 403
    assert operator.get("/operator/offices/999999").status_code == 404


def test_refresh_figures_command(app, town):
    result = app.test_cli_runner().invoke(args=["offices", "refresh-figures", "--months", "2"])
    assert result.exit_code == 0, result.output
    assert "of 3 communities" in result.output


@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_office_pages_speak_one_language(app, town, login, make_user, locale):
    from core.testing.language import foreign_words

    _report(login(town["people"]["resident"]), "小区门禁故障")
    _refresh(app, town["alpha"], town["beta"], town["gamma"])
    operator = login(make_user("op@example.com", operator=True))
    district = login(town["people"]["district"])
    visitor = app.test_client()
    for client in (operator, district, visitor):
        client.post("/lang", data={"locale": locale, "next": "/"})
    pages = [
        (district, "/o/yunlong/"),
        (district, "/o/east/"),
        (district, f"/o/east/communities/{town['alpha'].id}"),
        (district, "/o/east/?month=bad"),
        (district, "/o/"),
        (visitor, "/o/east/public"),
        (operator, "/o/"),
        (operator, "/operator/offices/"),
        (operator, f"/operator/offices/{town['ids']['east']}"),
        (operator, f"/operator/offices/{town['ids']['district']}"),
    ]
    problems = []
    for client, url in pages:
        response = client.get(url)
        assert response.status_code in (200, 422), url
        problems += [f"{url}: {p}" for p in foreign_words(response.get_data(as_text=True))]
    bad = operator.post(
        "/operator/offices/", data={"name_zh": "", "name_en": "", "slug": "X!", "kind": "street"}
    )
    problems += [f"bad form: {p}" for p in foreign_words(bad.get_data(as_text=True))]
    assert problems == []


def test_a_large_office_pages_its_communities_and_totals_them_all(app, town, login):
    from core.offices.models import FigureSnapshot
    from core.services.time import utcnow
    from core.web.offices import PER_PAGE
    from tenants.models import Tenant

    month = figures.this_month("Asia/Shanghai")
    with app.app_context():
        now = utcnow()
        db.session.execute(
            db.insert(Tenant),
            [{"slug": f"x{n:03d}", "name_zh": f"新{n:03d}社区", "name_en": f"X{n}",
              "created_at": now} for n in range(PER_PAGE + 5)],
        )  # fmt: skip
        ids = list(db.session.scalars(db.select(Tenant.id).where(Tenant.slug.like("x%"))))
        east = town["ids"]["east"]
        db.session.execute(
            db.insert(OfficeCommunity), [{"community_id": i, "office_id": east} for i in ids]
        )
        db.session.execute(
            db.insert(FigureSnapshot),
            [{"tenant_id": i, "month": month, "key": "requests.received", "value": 2,
              "computed_at": now} for i in ids],
        )  # fmt: skip
        db.session.commit()
        figures.refresh_office_totals([east])
    office = login(town["people"]["east"])
    first = office.get("/o/east/").get_data(as_text=True)
    second = office.get("/o/east/?page=2").get_data(as_text=True)
    assert first.count('data-figure="requests.received"') == PER_PAGE
    assert second.count('data-figure="requests.received"') == len(ids) + 2 - PER_PAGE
    total = 2 * len(ids)  # alpha and beta have no request this month
    assert re.search(rf"<tfoot>.*?>{total}<", first, re.S)
    assert office.get("/o/east/?page=x").status_code == 200  # unreadable: the first page
