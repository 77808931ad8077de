"""Templates down: a street office publishes a set of committees as text on its own page;
a community under it reviews what adopting it would set up, adopts it (the missing
committees set up at once, those of the same name left as the community keeps them),
adapts them, and adopts the next version without losing its changes; a community under
another street neither sees nor adopts it. Parsing both ways, bad lines, bad input."""

from __future__ import annotations

import html
import re

import pytest

from core.plugin_api import BadTemplate, db, template_adoption
from plugins.committees.models import Committee
from plugins.committees.set_text import parse, text
from tests.plugins.committees.committees_helpers import set_up

KEY = "committees.set"
SET_V1 = """# 东街道 2026 年专委会设置
环境管护专委会 | 环境管护 | 3-7 | 小区环境卫生、绿化和垃圾分类的日常管护
平安建设专委会 | 公共安全 | 5-9
民意征集专委会 | Opinion collection | 3～5人 | 收集居民意见 | 每季度报告
"""
SET_V2 = SET_V1.replace("5-9", "6-11") + "法律咨询专委会 | legal | 2-5 | 法律咨询与调解\n"


@pytest.fixture
def town(make_town):
    """A district (云龙区) with two streets: 东街道 holds alpha, 西街道 holds beta."""
    return make_town(
        "committees",
        streets={"alpha": "east", "beta": "west"},
        people={
            "alpha": ("staff@alpha.example", "alpha", "staff", "Alpha Staff"),
            "resident": ("resident@alpha.example", "alpha", "member", "Resident"),
            "beta": ("staff@beta.example", "beta", "staff", "Beta Staff"),
        },
    )


def publish(client, office: str, body: str):
    return client.post(f"/o/{office}/templates/{KEY}",
                       data={"text": body, "effective_from": "2026-07-01"})  # fmt: skip


def committees(in_community, tenant) -> dict[str, tuple]:
    with in_community(tenant):
        return {
            c.name: (c.kind, c.min_seats, c.max_seats, c.remit)
            for c in db.session.execute(db.select(Committee)).scalars()
        }


# ----- the text, both ways ------------------------------------------------------------


def test_text_and_payload_round_trip_in_both_languages(app):
    with app.test_request_context():
        payload = parse(SET_V1)
        assert payload["committees"] == [
            {"name": "环境管护专委会", "kind": "environment", "min_seats": 3, "max_seats": 7,
             "remit": "小区环境卫生、绿化和垃圾分类的日常管护"},
            {"name": "平安建设专委会", "kind": "safety", "min_seats": 5, "max_seats": 9,
             "remit": ""},
            {"name": "民意征集专委会", "kind": "opinion", "min_seats": 3, "max_seats": 5,
             "remit": "收集居民意见 | 每季度报告"},
        ]  # fmt: skip
        written = text(payload)
        assert "平安建设专委会 | 公共安全 | 5-9\n" in written
        assert parse(written) == payload
    with app.test_request_context(headers={"Accept-Language": "en"}):
        written = text(payload)
        assert "环境管护专委会 | Environment care | 3-7 | 小区环境" in written
        assert parse(written) == payload
    with app.test_request_context():
        other = parse("青少年专委会 | 关心关爱青少年专委会 | 4\n自设专委会 | 其他 | 0-3")
        assert [(c["kind"], c["min_seats"], c["max_seats"]) for c in other["committees"]] == [
            ("youth", 4, 4), ("other", 0, 3)]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("甲 | 绿化 | 3-7", "Line 1: “绿化” is not a field of the menu"),
        ("# x\n甲 | environment | 7-3", "Line 2: write the seats as minimum-maximum"),
        ("甲 | environment | 0-0", "Line 1: write the seats"),
        ("甲 | environment | 3-100", "Line 1: write the seats"),
        ("甲 | environment | 三到七", "Line 1: write the seats"),
        ("甲 | environment | -1-3", "Line 1: write the seats"),
        ("长" * 61 + " | environment | 3-7", "Line 1: a committee's name has 1 to 60 characters"),
        (" | environment | 3-7", "Line 1: a committee's name has 1 to 60"),
        ("甲 | environment | 3-7\n乙 | safety | 3-7\n甲 | youth | 1-2",
         "Line 3: “甲” is named already on line 1"),
        ("甲 | environment", "Line 1: write the name, the field and the seats"),
        ("甲 | environment | 3-7 | " + "x" * 4001, "Line 1: the remit is longer than 4000"),
        ("# 只有注释\n\n", "The set names no committee"),
        ("\n".join(f"委员会{n} | other | 1-3" for n in range(101)),
         "Line 101: a set has at most 100"),
    ],
)  # fmt: skip
def test_bad_lines_are_named(app, body, message):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(BadTemplate) as caught:
            parse(body)
        assert message in str(caught.value)


# ----- publish, review, adopt, adapt --------------------------------------------------


def test_the_office_publishes_and_its_community_adopts_what_it_lacks(
    app, town, login, in_community
):
    office = login(town["people"]["east"])
    assert publish(office, "east", SET_V1).status_code == 303
    staff = login(town["people"]["alpha"])
    # The community had its own environment committee already: its local version stays.
    existing = set_up(
        staff, name="环境管护专委会", min_seats="1", max_seats="3", remit="我们自己的"
    )
    page = staff.get("/c/alpha/committees/new").text
    assert 'id="office-sets"' in page and "东街道" in page
    review_url = "/c/alpha/committees/adopt?key=@east&version=1"
    assert review_url in html.unescape(page)
    review = staff.get(review_url).text
    create_part = review.split('id="adopt-create"')[1].split('id="adopt-existing"')[0]
    existing_part = review.split('id="adopt-existing"')[1]
    assert "平安建设专委会" in create_part and "民意征集专委会" in create_part
    assert "环境管护专委会" not in create_part and "环境管护专委会" in existing_part
    assert "本社区：1 至 3 人；设置中：3 至 7 人" in existing_part
    response = staff.post("/c/alpha/committees/adopt", data={"key": "@east", "version": "1"})
    assert response.status_code == 303, response.text
    assert committees(in_community, town["alpha"]) == {
        "环境管护专委会": ("environment", 1, 3, "我们自己的"),
        "平安建设专委会": ("safety", 5, 9, ""),
        "民意征集专委会": ("opinion", 3, 5, "收集居民意见 | 每季度报告"),
    }
    with in_community(town["alpha"]):
        adoption = template_adoption("committees", "set")
        assert (adoption.template.key, adoption.template.version, adoption.newer) == (
            "@east", 1, None)  # fmt: skip
        assert adoption.adopted_by == town["people"]["alpha"].id
    page = staff.get("/c/alpha/committees/new").text
    assert "依据东街道的专委会设置第 1 版设立" in page and 'id="office-set-newer"' not in page
    assert "依据东街道的专委会设置第 1 版设立" in staff.get("/c/alpha/committees/").text
    assert existing in [c.id for c in _rows(in_community, town["alpha"])]
    page = office.get(f"/o/east/templates/{KEY}").text
    assert re.search(rf"data-community=\"{town['alpha'].id}\">(Version 1|第 1 版)<", page)


def _rows(in_community, tenant) -> list[Committee]:
    with in_community(tenant):
        rows = list(db.session.execute(db.select(Committee)).scalars())
        for row in rows:
            db.session.expunge(row)
        return rows


def test_local_changes_stay_when_the_next_version_is_adopted(app, town, login, in_community):
    office = login(town["people"]["east"])
    assert publish(office, "east", SET_V1).status_code == 303
    staff = login(town["people"]["alpha"])
    assert staff.post("/c/alpha/committees/adopt",
                      data={"key": "@east", "version": "1"}).status_code == 303  # fmt: skip
    # The community adapts one: fewer seats, its own remit.
    safety = next(c for c in _rows(in_community, town["alpha"]) if c.name == "平安建设专委会")
    response = staff.post(f"/c/alpha/committees/{safety.id}/edit", data={
        "kind": "safety", "name": "平安建设专委会", "remit": "本小区夜间巡逻",
        "min_seats": "2", "max_seats": "4"})  # fmt: skip
    assert response.status_code == 302, response.text
    assert publish(office, "east", SET_V2).status_code == 303
    page = staff.get("/c/alpha/committees/new").text
    assert 'id="office-set-newer"' in page and "东街道已发布专委会设置第 2 版" in page
    review = staff.get("/c/alpha/committees/adopt?key=@east&version=2").text
    create_part = review.split('id="adopt-create"')[1].split('id="adopt-existing"')[0]
    assert "法律咨询专委会" in create_part and "平安建设专委会" not in create_part
    # The confirmation's own form, as rendered (its CSRF token, key and version).
    confirm = review.split('action="/c/alpha/committees/adopt"')[1].split("</form>")[0]
    fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', confirm))
    assert (fields["key"], fields["version"]) == ("@east", "2")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert staff.post("/c/alpha/committees/adopt", data=fields).status_code == 303
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    rows = committees(in_community, town["alpha"])
    assert rows["平安建设专委会"] == ("safety", 2, 4, "本小区夜间巡逻")  # the local change
    assert rows["法律咨询专委会"] == ("legal", 2, 5, "法律咨询与调解")
    assert len(rows) == 4
    with in_community(town["alpha"]):
        adoption = template_adoption("committees", "set")
        assert adoption.template.version == 2 and adoption.newer is None
    # Adopting again sets up nothing and says so.
    response = staff.post("/c/alpha/committees/adopt", data={"key": "@east", "version": "2"},
                          follow_redirects=True)  # fmt: skip
    assert "设置中的专委会均已存在" in response.text
    assert len(committees(in_community, town["alpha"])) == 4


def test_another_streets_community_neither_sees_nor_adopts(app, town, login, in_community):
    assert publish(login(town["people"]["east"]), "east", SET_V1).status_code == 303
    beta = login(town["people"]["beta"])
    page = beta.get("/c/beta/committees/new").text
    assert "东街道" not in page and "@east" not in page and 'id="office-sets"' not in page
    assert beta.get("/c/beta/committees/adopt?key=@east&version=1").status_code == 404
    response = beta.post("/c/beta/committees/adopt", data={"key": "@east", "version": "1"})
    assert response.status_code == 404
    assert committees(in_community, town["beta"]) == {}
    with in_community(town["beta"]):
        assert template_adoption("committees", "set") is None
    # The district's set reaches every street's communities.
    assert publish(login(town["people"]["district"]), "yunlong", SET_V1).status_code == 303
    assert "云龙区" in beta.get("/c/beta/committees/new").text
    assert beta.post("/c/beta/committees/adopt",
                     data={"key": "@yunlong", "version": "1"}).status_code == 303  # fmt: skip
    assert len(committees(in_community, town["beta"])) == 3


def test_bad_input_is_a_4xx_in_the_users_language(app, town, login, in_community):
    office = login(town["people"]["east"])
    response = publish(office, "east", SET_V1 + "环境管护专委会 | youth | 1-2\n")
    assert response.status_code == 422
    assert "第 5 行：“环境管护专委会”已在第 2 行出现" in response.text
    with office.session_transaction() as session:
        session["locale"] = "en"
    response = publish(office, "east", "甲 | 绿化 | 3-7")
    assert response.status_code == 422
    assert "Line 1: “绿化” is not a field of the menu" in response.text
    assert publish(office, "east", SET_V1).status_code == 303
    staff = login(town["people"]["alpha"])
    for query in ("", "?key=@east", "?key=@east&version=x", "?key=&version=1",
                  "?key=@east&version=0", "?key=@east&version=99999999999"):  # fmt: skip
        response = staff.get("/c/alpha/committees/adopt" + query)
        assert response.status_code == 422, query
        assert "请在“设立专委会”页面上选择" in response.text
    assert staff.get("/c/alpha/committees/adopt?key=@east&version=2").status_code == 404
    assert staff.get("/c/alpha/committees/adopt?key=@nowhere&version=1").status_code == 404
    for data in ({}, {"key": "@east"}, {"key": "@east", "version": "一"}):
        assert staff.post("/c/alpha/committees/adopt", data=data).status_code == 422, data
    assert staff.post("/c/alpha/committees/adopt",
                      data={"key": "@east", "version": "7"}).status_code == 404  # fmt: skip
    # A resident may not adopt for the community.
    resident = login(town["people"]["resident"])
    assert resident.get("/c/alpha/committees/adopt?key=@east&version=1").status_code == 403
    assert resident.post("/c/alpha/committees/adopt",
                         data={"key": "@east", "version": "1"}).status_code == 403  # fmt: skip
    assert committees(in_community, town["alpha"]) == {}
    # English pages.
    with staff.session_transaction() as session:
        session["locale"] = "en"
    review = staff.get("/c/alpha/committees/adopt?key=@east&version=1").text
    assert "Will be set up" in review and "Adopt version 1: set up 3 committees" in review
    response = staff.post("/c/alpha/committees/adopt", data={"key": "@east", "version": "1"},
                          follow_redirects=True)  # fmt: skip
    assert "3 committees set up from the set of" in response.text
    page = staff.get("/c/alpha/committees/new").text
    assert "Drafted from the set of" in page and "version 1" in page


@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_the_adoption_pages_speak_one_language(app, town, login, locale):
    from core.testing.language import foreign_words

    office = login(town["people"]["east"])
    assert publish(office, "east", SET_V1).status_code == 303
    staff = login(town["people"]["alpha"])
    staff.post("/lang", data={"locale": locale, "next": "/"})
    set_up(staff, name="环境管护专委会")
    pages = [staff.get("/c/alpha/committees/new"),
             staff.get("/c/alpha/committees/adopt?key=@east&version=1"),
             staff.get("/c/alpha/committees/adopt?key=&version=x")]  # fmt: skip
    pages.append(staff.post("/c/alpha/committees/adopt", data={"key": "@east", "version": "1"},
                            follow_redirects=True))  # fmt: skip
    assert publish(office, "east", SET_V2).status_code == 303
    pages += [staff.get("/c/alpha/committees/new"), staff.get("/c/alpha/committees/")]
    problems = [p for page in pages for p in foreign_words(page.text)]
    assert problems == []
    assert ("East Office" if locale == "en" else "东街道") in pages[4].text
