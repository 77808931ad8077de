"""Templates down: a street or district office publishes a responsibility list; the
communities under it (and no others) adopt it, adapt it, and are offered newer versions;
the office sees who adopted which version. Bad input, both languages, isolation."""

from __future__ import annotations

import re

import pytest

from core.extensions import db
from core.models import SharedTemplate, TemplateAdoption
from core.offices.models import OfficeMember
from plugins.requests.models import Category
from tenants.context import all_tenants, community_scope

KEY = "requests.responsibilities"
LIST_V1 = """# 东街道 2026 年责任清单
高空抛物 | 红 | 区公安分局 | 抛物,坠物
电动车进楼 | 大事 | 街道应急办 | 电动车,充电
楼栋议事 | 橙 | 楼栋议事会 | 议事"""


@pytest.fixture
def admins(town, make_user):
    return {
        name: make_user(f"admin@{name}.example", town[name], "admin")
        for name in ("alpha", "beta", "gamma")
    }


def _publish(client, slug, text, day="2026-12-01", key=KEY):
    return client.post(f"/o/{slug}/templates/{key}", data={"text": text, "effective_from": day})


def _names(app, community) -> dict[str, Category]:
    with app.app_context(), community_scope(community):
        return {
            c.name: (c.kind, c.owner) for c in db.session.execute(db.select(Category)).scalars()
        }


def test_a_street_publishes_and_its_community_adopts(app, town, admins, login):
    east = login(town["people"]["east"])
    page = east.get("/o/east/templates")
    assert page.status_code == 200 and "三事分流责任清单" in page.get_data(as_text=True)
    response = _publish(east, "east", LIST_V1)
    assert response.status_code == 303
    alpha = login(admins["alpha"])
    catalogue = alpha.get("/c/alpha/requests/catalogue").get_data(as_text=True)
    assert "东街道" in catalogue and "/catalogue/templates/@east/1" in catalogue
    review = alpha.get("/c/alpha/requests/catalogue/templates/@east/1").get_data(as_text=True)
    added = re.search(r'id="template-added".*?</table>', review, re.S).group(0)
    assert "高空抛物" in added and "电动车进楼" in added and "楼栋议事" in added
    assert alpha.post("/c/alpha/requests/catalogue/templates/@east/1").status_code == 303
    names = _names(app, town["alpha"])
    assert names["高空抛物"] == ("red", "区公安分局")
    assert names["电动车进楼"] == ("red", "街道应急办")
    assert names["楼栋议事"] == ("orange", "楼栋议事会")
    after = alpha.get("/c/alpha/requests/catalogue").get_data(as_text=True)
    assert "东街道" in re.search(r'id="template-source".*?</p>', after, re.S).group(0)
    # The office sees who adopted: alpha on version 1, beta not yet.
    table = east.get(f"/o/east/templates/{KEY}").get_data(as_text=True)
    assert re.search(rf'data-community="{town["alpha"].id}">[^<]*1', table)
    assert re.search(rf'data-community="{town["beta"].id}"><span class="muted">', table)
    overview = east.get("/o/east/templates").get_data(as_text=True)
    assert re.search(r"1\D+2\D+1", re.search(r'data-kind="requests.responsibilities".*?</tr>',
                                             overview, re.S).group(0))  # fmt: skip


def test_local_changes_stay_when_a_newer_version_is_adopted(app, town, admins, login):
    east = login(town["people"]["east"])
    _publish(east, "east", LIST_V1)
    alpha = login(admins["alpha"])
    alpha.post("/c/alpha/requests/catalogue/templates/@east/1")
    with app.app_context(), community_scope(town["alpha"]):
        row = db.session.execute(
            db.select(Category).where(Category.name == "高空抛物")
        ).scalar_one()
        row.owner = "社区平安志愿队"  # adapted locally
        db.session.commit()
    assert (
        _publish(
            east, "east", LIST_V1 + "\n共享单车乱停 | 红 | 区交通局 | 单车", "2027-01-01"
        ).status_code
        == 303
    )
    page = alpha.get("/c/alpha/requests/catalogue").get_data(as_text=True)
    assert 'id="template-newer"' in page and "/catalogue/templates/@east/2" in page
    assert "高空抛物" in re.search(r'id="template-differences".*?</details>', page, re.S).group(0)
    review = alpha.get("/c/alpha/requests/catalogue/templates/@east/2").get_data(as_text=True)
    added = re.search(r'id="template-added".*?</table>', review, re.S).group(0)
    assert "共享单车乱停" in added and "高空抛物" not in added
    alpha.post("/c/alpha/requests/catalogue/templates/@east/2")
    names = _names(app, town["alpha"])
    assert names["高空抛物"] == ("red", "社区平安志愿队")  # the local change kept
    assert names["共享单车乱停"] == ("red", "区交通局")
    assert 'id="template-newer"' not in alpha.get("/c/alpha/requests/catalogue").get_data(
        as_text=True
    )
    # The office's form starts from the last version's text.
    form = east.get(f"/o/east/templates/{KEY}").get_data(as_text=True)
    assert "共享单车乱停 | 红 | 区交通局 | 单车" in form


def test_another_streets_community_neither_sees_nor_adopts(app, town, admins, login):
    _publish(login(town["people"]["east"]), "east", LIST_V1)
    gamma = login(admins["gamma"])
    assert "@east" not in gamma.get("/c/gamma/requests/catalogue").get_data(as_text=True)
    assert gamma.get("/c/gamma/requests/catalogue/templates/@east/1").status_code == 404
    assert gamma.post("/c/gamma/requests/catalogue/templates/@east/1").status_code == 404
    assert "高空抛物" not in _names(app, town["gamma"])
    with app.app_context(), all_tenants():
        assert db.session.scalar(db.select(db.func.count(TemplateAdoption.id))) == 0


def test_a_districts_template_reaches_every_street(app, town, admins, login):
    district = login(town["people"]["district"])
    assert _publish(district, "yunlong", "区级统一事项 | 红 | 区政务服务中心 |").status_code == 303
    for name in ("alpha", "gamma"):
        page = login(admins[name]).get(f"/c/{name}/requests/catalogue").get_data(as_text=True)
        assert "/catalogue/templates/@yunlong/1" in page and "云龙区" in page


def test_who_may_publish(app, town, login, make_user):
    text = "某事项 | 黄 | 便民服务目录 |"
    # The district reads its street's templates but publishes only its own.
    district = login(town["people"]["district"])
    assert district.get(f"/o/east/templates/{KEY}").status_code == 200
    assert _publish(district, "east", text).status_code == 403
    west_account = make_user("west@office.example")
    with app.app_context():
        db.session.add(OfficeMember(office_id=town["ids"]["west"], user_id=west_account.id))
        db.session.commit()
    west = login(west_account)
    assert west.get("/o/east/templates").status_code == 403
    assert _publish(west, "east", text).status_code == 403
    resident = login(town["people"]["resident"])
    assert resident.get("/o/east/templates").status_code == 403
    operator = login(make_user("op@example.com", operator=True))
    assert operator.get(f"/o/east/templates/{KEY}").status_code == 200
    assert _publish(operator, "east", text).status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(SharedTemplate.id))) == 0


@pytest.mark.parametrize(
    "text, day, message",
    [
        ("高空抛物 | 紫 | 区公安分局 |", "2026-12-01", "Line 1"),
        ("甲 | 红 | x |\n甲 | 橙 | y |", "2026-12-01", "Line 2"),
        ("只有名称", "2026-12-01", "Line 1"),
        ("# 只有注释", "2026-12-01", "no category"),
        ("甲 | 红 | x |", "2026-13-45", "date"),
        ("甲 | 红 | x |", "0000-00-00", "date"),
        ("x" * 70 + " | 红 | x |", "2026-12-01", "Line 1"),
    ],
)
def test_bad_text_is_a_422_that_keeps_what_was_typed(app, town, login, text, day, message):
    east = login(town["people"]["east"])
    east.post("/lang", data={"locale": "en", "next": "/"})
    response = _publish(east, "east", text, day)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert text.splitlines()[0][:20] in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(SharedTemplate.id))) == 0


def test_unknown_kinds_offices_and_versions_are_404(app, town, admins, login):
    east = login(town["people"]["east"])
    assert east.get("/o/east/templates/requests.nothing").status_code == 404
    assert _publish(east, "east", "甲 | 红 | x |", key="nope").status_code == 404
    assert east.get(f"/o/nowhere/templates/{KEY}").status_code == 404
    alpha = login(admins["alpha"])
    assert alpha.get("/c/alpha/requests/catalogue/templates/@east/9").status_code == 404
    assert (
        alpha.get("/c/alpha/requests/catalogue/templates/@east/99999999999999999999").status_code
        == 404
    )
    resident = login(town["people"]["resident"])
    _publish(east, "east", LIST_V1)
    assert resident.post("/c/alpha/requests/catalogue/templates/@east/1").status_code == 403


@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_template_pages_speak_one_language(app, town, admins, login, locale):
    from core.testing.language import foreign_words

    east = login(town["people"]["east"])
    alpha = login(admins["alpha"])
    for client in (east, alpha):
        client.post("/lang", data={"locale": locale, "next": "/"})
    _publish(east, "east", LIST_V1)
    pages = [
        (east, "/o/east/templates"),
        (east, f"/o/east/templates/{KEY}"),
        (alpha, "/c/alpha/requests/catalogue/templates/@east/1"),
    ]
    problems = []
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        problems += [f"{url}: {p}" for p in foreign_words(response.get_data(as_text=True))]
    alpha.post("/c/alpha/requests/catalogue/templates/@east/1")
    page = alpha.get("/c/alpha/requests/catalogue").get_data(as_text=True)
    problems += [f"catalogue: {p}" for p in foreign_words(page)]
    bad = _publish(east, "east", "甲 | 紫 | x |")
    problems += [f"bad: {p}" for p in foreign_words(bad.get_data(as_text=True))]
    assert problems == []


def test_the_demo_district_publishes_each_modules_example(app, make_community, make_user,
                                                           enable_plugin, login):  # fmt: skip
    from core.offices import demo, templates_down
    from core.offices.models import Office

    heyunlu = make_community("heyunlu", name_zh="鹤云路社区", name_en="Heyunlu")
    enable_plugin(heyunlu, "requests")
    account = make_user("district@demo.example")
    admin = make_user("admin@heyunlu.example", heyunlu, "admin")
    with app.app_context(), all_tenants():
        slug = demo.load(account)
        demo.load(account)  # idempotent: no second version
        district = db.session.execute(db.select(Office).where(Office.slug == slug)).scalar_one()
        for kind in templates_down.kinds():
            assert [v.version for v in templates_down.versions(district, kind)] == [1], kind.key
    page = login(admin).get("/c/heyunlu/requests/catalogue").get_data(as_text=True)
    assert f"/catalogue/templates/@{slug}/1" in page
