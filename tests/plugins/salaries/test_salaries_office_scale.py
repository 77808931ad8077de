"""Templates down: a street office publishes a pay scale as text on its own page, a
community under it adopts it from its scales page (rates copied, version pinned), adapts
it with its own rates, and adopts the office's next version without losing them; a
community under another street neither sees nor adopts it. Parsing both ways, bad lines."""

from __future__ import annotations

import re
from datetime import date

import pytest

from core.plugin_api import BadTemplate, db, template_adoption
from plugins.salaries.models import POSTS, ScaleVersion
from plugins.salaries.payroll import month_slips
from plugins.salaries.scale_text import parse, text
from plugins.salaries.scales import scale_in_force
from tests.plugins.salaries.helpers import BASE, add_worker, lines

KEY = "salaries.scale"
ZH_LINES = {
    ("secretary", "urban"): "党组织书记 | 城市社区",
    ("secretary", "rural"): "党组织书记 | 集镇社区",
    ("director", "urban"): "居委会主任 | 城市社区",
    ("director", "rural"): "居委会主任 | 集镇社区",
    ("deputy", "urban"): "副职 | 城市社区",
    ("deputy", "rural"): "副职 | 集镇社区",
    ("worker", "urban"): "专职工作者 | 城市社区",
    ("worker", "rural"): "专职工作者 | 集镇社区",
}


def scale_text(worker_urban: str = "2900 2950 3000 3050 3100 3150 3200 3250 3300 3400",
               name: str = "东街道社工薪酬标准", base: int = 3500) -> str:  # fmt: skip
    """An office's scale: every post ``base`` yuan at every level, but the urban
    full-time worker as given."""
    rows = [f"名称 | {name}"] if name else []
    for (post, area), head in ZH_LINES.items():
        amounts = worker_urban if (post, area) == ("worker", "urban") else str(base)
        rows.append(f"{head} | {amounts}")
    return "\n".join(rows) + "\n"


@pytest.fixture
def town(make_town):
    """A district (云龙区) with two streets: 东街道 holds alpha, 西街道 holds beta."""
    return make_town(
        "salaries",
        streets={"alpha": "east", "beta": "west"},
        people={
            "alpha": ("admin@alpha.example", "alpha", "admin", "Alpha Admin"),
            "beta": ("admin@beta.example", "beta", "admin", "Beta Admin"),
        },
    )


def publish(client, office: str, body: str, effective_from: str = "2026-01-01"):
    return client.post(f"/o/{office}/templates/{KEY}",
                       data={"text": body, "effective_from": effective_from})  # fmt: skip


def adopt(client, key: str, effective_from: str, slug: str = "alpha"):
    return client.post(f"/c/{slug}/salaries/manage/scales",
                       data={"form": "adopt", "template_key": key,
                             "effective_from": effective_from})  # fmt: skip


def own_scale(client, effective_from: str, yuan: str):
    form = {"form": "scale", "effective_from": effective_from, "name": "本社区调整",
            **{f"rate_{p}_{a}": yuan for p in POSTS for a in ("urban", "rural")}}  # fmt: skip
    return client.post(BASE + "/manage/scales", data=form)


# ----- the text, both ways ------------------------------------------------------------


def test_text_and_payload_round_trip_in_both_languages(app):
    with app.test_request_context():
        payload = parse(scale_text(worker_urban="2900 2950.5 3000 3050 3100 3150 3200 3250 "
                                                "3300 3400.05"))  # fmt: skip
        assert payload["name"] == "东街道社工薪酬标准"
        assert payload["rates"]["worker"]["urban"][:2] == [290000, 295050]
        assert payload["rates"]["worker"]["urban"][-1] == 340005
        assert payload["rates"]["secretary"]["rural"] == [350000] * 10  # one amount: all
        written = text(payload)
        assert "专职工作者 | 城市社区 | 2900 2950.50" in written and "标准名称 | 东街道" in written
        assert parse(written) == payload
    with app.test_request_context(headers={"Accept-Language": "en"}):
        written = text(payload)
        assert "Full-time worker | city community | 2900 2950.50" in written
        assert "Scale name | 东街道社工薪酬标准" in written
        assert parse(written) == payload
    # Codes, short forms and full-width bars are read as well.
    with app.test_request_context():
        mixed = "\n".join(
            f"{post} ｜ {'城市' if area == 'urban' else 'town'} | 3000" for post in POSTS
            for area in ("urban", "rural")
        )  # fmt: skip
        assert parse("# 注释\n\n" + mixed)["rates"]["deputy"]["rural"] == [300000] * 10


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (scale_text().replace("副职 | 城市社区", "正职 | 城市社区"),
         "Line 6: “正职” is not a post"),
        (scale_text().replace("副职 | 集镇社区", "副职 | 农村"),
         "Line 7: “农村” is not a community type"),
        (scale_text(worker_urban="2900 2950"), "Line 8: give one amount for every level"),
        (scale_text(worker_urban="2900 x 1 2 3 4 5 6 7 8"), "Line 8: give one amount"),
        (scale_text(worker_urban="-2900"), "Line 8: give one amount"),
        (scale_text(worker_urban="2900.123"), "Line 8: give one amount"),
        (scale_text(worker_urban="２９００"), "Line 8: give one amount"),
        (scale_text(worker_urban="1000001"), "Line 8: an amount above 1,000,000 yuan"),
        (scale_text() + "副职 | 城市社区 | 3000\n",
         "Line 10: Deputy (city community) is given twice"),
        (scale_text().replace("专职工作者 | 集镇社区 | 3500\n", ""),
         "No line for Full-time worker (town community)"),
        ("名称 | a\n名称 | b\n", "Line 2: the name is given twice"),
        ("名称 | " + "长" * 81, "Line 1: the name must have 1 to 80 characters"),
        ("副职 城市社区 3000", "Line 1: write the post, the community type and the amounts"),
        ("", "No line for Party secretary (city community)"),
    ],
)  # fmt: skip
def test_bad_lines_are_named(app, body, message):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(BadTemplate) as caught:
            parse(body)
        assert message in str(caught.value)


# ----- publish, adopt, adapt ----------------------------------------------------------


def test_the_office_publishes_and_its_community_pays_by_the_adopted_scale(
    app, town, login, in_community
):
    office = login(town["people"]["east"])
    response = publish(office, "east", scale_text())
    assert response.status_code == 303, response.text
    # The next version's form starts from the last text.
    page = office.get(f"/o/east/templates/{KEY}").text
    assert "专职工作者 | 城市社区 | 2900 2950 3000" in page

    admin = login(town["people"]["alpha"])
    scales = admin.get(BASE + "/manage/scales").text
    assert "@east" in scales and "东街道：东街道社工薪酬标准（第 1 版）" in scales
    response = adopt(admin, "@east", "2026-01-01")
    assert response.status_code == 303, response.text
    with in_community(town["alpha"]):
        scale = scale_in_force(date(2026, 3, 1))
        assert (scale.source_key, scale.source_version) == ("@east", 1)
        assert scale.base("worker", "urban", 2) == 295000 and scale.name == "东街道社工薪酬标准"
        add_worker(level=2)
        assert lines(month_slips(date(2026, 3, 1))[0])["base"] == 295000
        adoption = template_adoption("salaries", "scale")
        assert (adoption.template.key, adoption.template.version) == ("@east", 1)
        assert adoption.template.office == "东街道" and adoption.newer is None
    page = admin.get(BASE + "/manage/scales").text
    assert "采用东街道的薪酬标准第 1 版" in page
    # The office sees which of its communities adopted which version.
    page = office.get(f"/o/east/templates/{KEY}").text
    assert re.search(rf"data-community=\"{town['alpha'].id}\">(Version 1|第 1 版)<", page)


def test_local_changes_stay_when_the_next_version_is_adopted(app, town, login, in_community):
    office = login(town["people"]["east"])
    assert publish(office, "east", scale_text()).status_code == 303
    admin = login(town["people"]["alpha"])
    assert adopt(admin, "@east", "2026-01-01").status_code == 303
    # The community adapts: its own rates from March (a local change).
    assert own_scale(admin, "2026-03-01", "3100").status_code == 303
    page = admin.get(BASE + "/manage/scales").text
    assert "本社区自定标准" in page and "局部调整" in page
    # The office's version 2 changes nothing until adopted; the page offers it.
    v2 = scale_text(worker_urban="3300", name="东街道社工薪酬标准（2026下半年）")
    assert publish(office, "east", v2, "2026-07-01").status_code == 303
    with in_community(town["alpha"]):
        assert scale_in_force(date(2026, 8, 1)).base("worker", "urban", 1) == 310000
        assert template_adoption("salaries", "scale").newer.version == 2
    page = admin.get(BASE + "/manage/scales").text
    assert "东街道发布了薪酬标准第 2 版" in page and 'id="sl-newer"' in page
    # The offer's own form, as rendered (its CSRF token, key and date), adopts version 2.
    offer = page.split('id="sl-newer"')[1].split("</form>")[0]
    fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', offer))
    assert fields["template_key"] == "@east" and fields["effective_from"] == "2026-07-01"
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert admin.post(BASE + "/manage/scales", data=fields).status_code == 303
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with in_community(town["alpha"]):
        assert scale_in_force(date(2026, 1, 1)).base("worker", "urban", 1) == 290000  # v1
        local = scale_in_force(date(2026, 3, 1))
        assert local.local and local.base("worker", "urban", 1) == 310000  # kept
        july = scale_in_force(date(2026, 7, 1))
        assert (july.source_version, july.base("worker", "urban", 1)) == (2, 330000)
        assert template_adoption("salaries", "scale").newer is None
    assert 'id="sl-newer"' not in admin.get(BASE + "/manage/scales").text


def test_another_streets_community_neither_sees_nor_adopts(app, town, login, in_community):
    assert publish(login(town["people"]["east"]), "east", scale_text()).status_code == 303
    beta = login(town["people"]["beta"])
    page = beta.get("/c/beta/salaries/manage/scales").text
    assert "@east" not in page and "东街道" not in page
    assert adopt(beta, "@east", "2026-01-01", "beta").status_code == 422
    with in_community(town["beta"]):
        assert db.session.execute(db.select(ScaleVersion)).first() is None
        assert template_adoption("salaries", "scale") is None
    # The district's scale reaches both streets' communities.
    district = login(town["people"]["district"])
    assert publish(district, "yunlong", scale_text(name="云龙区标准")).status_code == 303
    assert "云龙区：云龙区标准" in beta.get("/c/beta/salaries/manage/scales").text
    assert adopt(beta, "@yunlong", "2026-01-01", "beta").status_code == 303
    with in_community(town["beta"]):
        assert scale_in_force(date(2026, 2, 1)).source_key == "@yunlong"


def test_bad_input_is_a_4xx_in_the_users_language(app, town, login, in_community):
    office = login(town["people"]["east"])
    bad = scale_text().replace("副职 | 城市社区", "正职 | 城市社区")
    response = publish(office, "east", bad)
    assert response.status_code == 422 and "第 6 行" in response.text and "正职" in response.text
    with office.session_transaction() as session:
        session["locale"] = "en"
    response = publish(office, "east", bad)
    assert response.status_code == 422 and "Line 6: “正职” is not a post" in response.text
    assert publish(office, "east", "", "2026-01-01").status_code == 422
    assert publish(office, "east", scale_text(), "2026-02-30").status_code == 422
    # Only the office's own account publishes; a community's admin is no office.
    admin = login(town["people"]["alpha"])
    assert publish(admin, "east", scale_text()).status_code == 403
    assert publish(login(town["people"]["beta"]), "west", scale_text()).status_code == 403
    assert publish(office, "east", scale_text()).status_code == 303
    for data in ({"form": "adopt", "template_key": "@east", "effective_from": "2026-13-01"},
                 {"form": "adopt", "template_key": "", "effective_from": "2026-01-01"},
                 {"form": "adopt", "template_key": "@west", "effective_from": "2026-01-01"},
                 {"form": "adopt", "effective_from": "2026-01-01"}):  # fmt: skip
        assert admin.post(BASE + "/manage/scales", data=data).status_code == 422, data
    assert adopt(admin, "@east", "2026-01-01").status_code == 303
    response = adopt(admin, "@east", "2026-01-01")  # the same day twice
    assert response.status_code == 422 and "已有一个薪酬标准从这一天起执行" in response.text
    with in_community(town["alpha"]):
        assert db.session.scalar(db.select(db.func.count(ScaleVersion.id))) == 1


@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_the_scales_page_speaks_one_language(app, town, login, locale):
    from core.testing.language import foreign_words

    office = login(town["people"]["east"])
    assert publish(office, "east", scale_text()).status_code == 303
    admin = login(town["people"]["alpha"])
    admin.post("/lang", data={"locale": locale, "next": "/"})
    pages = [admin.get(BASE + "/manage/scales")]  # offered
    assert adopt(admin, "@east", "2026-01-01").status_code == 303
    pages.append(admin.get(BASE + "/manage/scales"))  # adopted
    assert own_scale(admin, "2026-03-01", "3100").status_code == 303
    assert publish(office, "east", scale_text(worker_urban="3300"), "2026-07-01").status_code == 303
    pages += [admin.get(BASE + "/manage/scales"), admin.get(BASE + "/manage")]  # local, newer
    pages.append(adopt(admin, "@west", "2026-01-01"))  # refused
    problems = [p for page in pages for p in foreign_words(page.text)]
    assert problems == []
    assert ("East Office" if locale == "en" else "东街道") in pages[2].text
