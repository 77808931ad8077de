"""The member search (/c/<slug>/members/search) and the member-picker form field: bounded
in a community of 10,000, usable without JavaScript, and never another community's people."""

from __future__ import annotations

import re
import time
import types

import pytest
from flask import Blueprint, render_template_string, request
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired

from core.extensions import db
from core.plugin_api import MemberField, PluginMeta, hookimpl
from core.testing import count_statements

PICK = """<form method="post">{{ form.person() }}
<small class="error">{{ form.person.errors | join(" ") }}</small></form>"""


class PickForm(FlaskForm):
    person = MemberField("Person", validators=[DataRequired("Pick someone.")])


def _picker_plugin():
    """A plugin with one page: a form with a member picker, as a vendor would write it."""
    module = types.ModuleType("picker_plugin")
    module.meta = PluginMeta(
        id="picker",
        version="1",
        label={"zh_Hans": "选人", "en": "Picker"},
        description={"zh_Hans": "", "en": ""},
    )

    def blueprints():
        bp = Blueprint("picker", __name__)

        @bp.route("/", methods=["GET", "POST"])
        def pick():
            form = PickForm()
            if form.validate_on_submit():
                return f"picked {form.person.data}"
            if request.method == "GET" and request.args.get("preset"):
                form.person.data = int(request.args["preset"])
            page = render_template_string(PICK, form=form)
            return page, 422 if request.method == "POST" else 200

        return [bp]

    module.register_blueprints = hookimpl(blueprints)
    return module


@pytest.fixture
def gongzhi_plugins():
    return []


@pytest.fixture
def gongzhi_extra_plugins():
    return {"picker": _picker_plugin()}


@pytest.fixture
def picker_on(community, enable_plugin):
    enable_plugin(community, "picker")
    return community


@pytest.fixture
def people(make_user, community, other_community):
    """Two 王芳 here, one 李娜 here; a 赵敏 and a 李娜 only in the other community."""
    return {
        "wang1": make_user("wangfang@alpha.example", community, name="王芳"),
        "wang2": make_user("fang.wang@alpha.example", community, name="王芳"),
        "li": make_user("lina@alpha.example", community, name="李娜"),
        "zhao_b": make_user("zhaomin@beta.example", other_community, name="赵敏"),
        "li_b": make_user("lina@beta.example", other_community, name="李娜"),
    }


def options(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"', html)


def error(html: str) -> str:
    return re.search(r'<small class="error">(.*?)</small>', html, re.S).group(1).strip()


# ----- the search endpoint -----------------------------------------------------------------
def test_search_answers_htmx_with_options_and_hides_whole_addresses_from_residents(
    people, member_client, admin_client
):
    htmx = {"HX-Request": "true"}
    found = member_client.get("/c/alpha/members/search?q=王", headers=htmx)
    assert found.status_code == 200 and "<html" not in found.get_data(as_text=True)
    assert sorted(options(found.get_data(as_text=True))) == [
        "王芳 &lt;fa…@alpha.example&gt;",
        "王芳 &lt;wa…@alpha.example&gt;",
    ]
    # Whoever manages members sees whole addresses (as on the members page).
    as_admin = options(
        admin_client.get("/c/alpha/members/search?q=王", headers=htmx).get_data(True)
    )
    assert "王芳 &lt;wangfang@alpha.example&gt;" in as_admin
    # The picker sends its own field name: field=person&person=<typed>.
    by_field = member_client.get("/c/alpha/members/search?field=person&person=李", headers=htmx)
    assert options(by_field.get_data(as_text=True)) == ["李娜 &lt;li…@alpha.example&gt;"]
    # Without htmx: a page, so the address works when opened directly.
    page = member_client.get("/c/alpha/members/search?q=李娜").get_data(as_text=True)
    assert "<html" in page and "李娜 &lt;li…@alpha.example&gt;" in page


def test_names_that_start_with_the_text_come_first(community, make_user, member_client):
    make_user("ding@alpha.example", community, name="丁伟")  # sorts first, contains 伟
    make_user("weimin@alpha.example", community, name="伟民")  # starts with 伟
    found = member_client.get("/c/alpha/members/search?q=伟", headers={"HX-Request": "true"})
    assert [o.split(" ")[0] for o in options(found.get_data(as_text=True))] == ["伟民", "丁伟"]


def test_search_never_returns_another_communitys_people(people, member_client, login, client):
    htmx = {"HX-Request": "true"}
    for q in ("赵敏", "zhaomin", "beta.example"):
        response = member_client.get(f"/c/alpha/members/search?q={q}", headers=htmx)
        assert response.status_code == 200 and options(response.get_data(as_text=True)) == []
    lina = options(member_client.get("/c/alpha/members/search?q=李娜", headers=htmx).get_data(True))
    assert lina == ["李娜 &lt;li…@alpha.example&gt;"]  # not beta's 李娜
    # Another community's member may not search this one at all; a visitor is sent to log in.
    assert login(people["zhao_b"]).get("/c/alpha/members/search?q=王").status_code == 403
    visitor = client.get("/c/alpha/members/search?q=王")
    assert visitor.status_code == 302 and "/login" in visitor.headers["Location"]


def _search(app, client, q: str) -> tuple[int, list[str], float]:
    url = f"/c/alpha/members/search?q={q}"
    client.get(url, headers={"HX-Request": "true"})  # warm the same caches each time
    with count_statements(app) as statements:
        started = time.perf_counter()
        response = client.get(url, headers={"HX-Request": "true"})
        elapsed = time.perf_counter() - started
    assert response.status_code == 200
    return len(statements), options(response.get_data(as_text=True)), elapsed


def test_search_stays_bounded_in_a_community_of_ten_thousand(
    app, community, member, member_client, make_members
):
    small_queries, small, _ = _search(app, member_client, "张")
    assert small == []
    make_members(community, 10_000)
    queries, found, elapsed = _search(app, member_client, "张")
    assert queries == small_queries  # one search query, whatever the community's size
    assert len(found) == 20  # 1,000 people named 张…: only the first 20
    assert all(label.startswith("张") for label in found)
    assert elapsed < 2.0, f"search took {elapsed:.3f}s"


def test_the_search_query_starts_from_this_communitys_memberships(app, community, in_community):
    """The plan reads the community's memberships through their (tenant_id, user_id)
    index, never the whole memberships table (SQLite's plan; PostgreSQL is alike)."""
    from core.community.members import search_members

    with in_community(community):
        if db.engine.dialect.name != "sqlite":
            pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
        with count_statements(db.engine) as statements:
            search_members("张")
        statement, parameters = statements[-1], statements.parameters[-1]
        plan = (
            db.session.connection()
            .exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            .all()
        )
    details = " | ".join(row[-1] for row in plan)
    assert "SCAN tenant_memberships" not in details, details
    assert re.search(r"SEARCH tenant_memberships USING (COVERING )?INDEX", details), details


# ----- the form field ----------------------------------------------------------------------
def test_the_field_renders_an_input_with_a_datalist_fed_by_the_search(picker_on, people, login):
    client = login(people["li"])
    html = client.get("/c/alpha/picker/").get_data(as_text=True)
    assert 'name="person"' in html and 'list="person-options"' in html
    assert '<datalist id="person-options"></datalist>' in html
    assert 'hx-get="/c/alpha/members/search?field=person"' in html
    # A value set in code shows as the member's label.
    preset = client.get(f"/c/alpha/picker/?preset={people['li'].id}").get_data(as_text=True)
    assert 'value="李娜 &lt;li…@alpha.example&gt;"' in preset


@pytest.mark.parametrize(
    "typed, who",
    [
        ("李娜", "li"),  # a whole name, one member
        ("lina@alpha.example", "li"),  # a whole e-mail
        ("  LINA@alpha.example ", "li"),  # any case, spaces trimmed
        ("王芳 <wa…@alpha.example>", "wang1"),  # what a resident's option says
        ("王芳 <fang.wang@alpha.example>", "wang2"),  # what an admin's option says
        ("fang.w", "wang2"),  # part of an e-mail, one member
    ],
)
def test_text_naming_exactly_one_member_is_accepted(picker_on, people, member_client, typed, who):
    response = member_client.post("/c/alpha/picker/", data={"person": typed})
    assert response.get_data(as_text=True) == f"picked {people[who].id}"


def test_several_matches_answer_422_keep_the_text_and_offer_them(picker_on, people, member_client):
    response = member_client.post("/c/alpha/picker/", data={"person": "王芳"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="王芳"' in html  # what was typed
    assert "王芳" in error(html)  # the message names it
    assert sorted(options(html)) == [
        "王芳 &lt;fa…@alpha.example&gt;",
        "王芳 &lt;wa…@alpha.example&gt;",
    ]


def test_no_match_and_nothing_typed_answer_422_with_a_message(picker_on, people, member_client):
    response = member_client.post("/c/alpha/picker/", data={"person": "孙悟空"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="孙悟空"' in html
    assert "孙悟空" in error(html) and options(html) == []
    empty = member_client.post("/c/alpha/picker/", data={"person": ""})
    assert empty.status_code == 422 and error(empty.get_data(as_text=True)) == "Pick someone."


@pytest.mark.parametrize(
    "typed",
    ["赵敏", "zhaomin@beta.example", "赵敏 <zhaomin@beta.example>", "赵敏 <zh…@beta.example>"],
)
def test_another_communitys_person_is_never_accepted(picker_on, people, member_client, typed):
    response = member_client.post("/c/alpha/picker/", data={"person": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and error(html) and options(html) == []


def test_a_value_set_in_code_must_be_a_member_here(app, picker_on, people, in_community):
    with in_community(picker_on):
        form = PickForm(formdata=None, data={"person": people["zhao_b"].id})
        assert not form.validate() and form.person.data is None
        form = PickForm(formdata=None, data={"person": people["li"].id})
        assert form.validate() and form.person.data == people["li"].id
