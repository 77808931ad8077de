"""民意征集 as staff, residents and visitors use it."""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from core.plugin_api import db
from core.testing import read_csv, read_xlsx


@pytest.fixture
def survey_on(community, enable_plugin):
    enable_plugin(community, "survey")
    return community


def start_poll(client, question="是否增设充电棚？", options="赞成\n反对\n无所谓", public=True):
    data = {"question": question, "description": "南门空地", "options": options}
    if public:
        data["public"] = "y"
    response = client.post("/c/alpha/survey/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def option_ids(app, community, in_community, poll_id):
    from gongzhi_survey.models import Option

    with in_community(community):
        return (
            db.session.execute(
                db.select(Option.id).where(Option.poll_id == poll_id).order_by(Option.position)
            )
            .scalars()
            .all()
        )


def test_disabled_means_not_found(community, member_client):
    assert member_client.get("/c/alpha/survey/").status_code == 404


def test_staff_start_a_poll_residents_vote_once_and_see_the_result(
    app, survey_on, staff_client, member_client, in_community
):
    poll_id = start_poll(staff_client)
    yes, no, _ = option_ids(app, survey_on, in_community, poll_id)

    page = member_client.get(f"/c/alpha/survey/{poll_id}").get_data(as_text=True)
    assert "是否增设充电棚？" in page and 'name="option"' in page

    voted = member_client.post(
        f"/c/alpha/survey/{poll_id}/vote", data={"option": yes}, headers={"HX-Request": "true"}
    )
    html = voted.get_data(as_text=True)
    assert voted.status_code == 200
    assert '<section id="poll"' in html and "<html" not in html  # htmx gets the block only
    assert "感谢参与" in html and "共 1 票" in html

    again = member_client.post(f"/c/alpha/survey/{poll_id}/vote", data={"option": no})
    assert again.status_code == 409
    assert "您已经投过票了" in again.get_data(as_text=True)

    staff_client.post(f"/c/alpha/survey/{poll_id}/vote", data={"option": no})
    results = staff_client.get(f"/c/alpha/survey/{poll_id}").get_data(as_text=True)
    assert "共 2 票" in results and "50%" in results


def test_one_vote_per_resident_is_enforced_by_the_database(
    app, survey_on, staff_client, member, in_community
):
    from gongzhi_survey.models import Vote

    poll_id = start_poll(staff_client)
    yes, no, _ = option_ids(app, survey_on, in_community, poll_id)
    with in_community(survey_on):
        db.session.add(Vote(poll_id=poll_id, option_id=yes, user_id=member.id))
        db.session.commit()
        db.session.add(Vote(poll_id=poll_id, option_id=no, user_id=member.id))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_only_staff_start_and_close_polls(survey_on, staff_client, member_client):
    assert member_client.get("/c/alpha/survey/new").status_code == 403
    poll_id = start_poll(staff_client)
    assert member_client.post(f"/c/alpha/survey/{poll_id}/close").status_code == 403


def test_a_poll_needs_two_to_ten_different_options(survey_on, staff_client):
    one = staff_client.post("/c/alpha/survey/new", data={"question": "?", "options": "赞成"})
    assert one.status_code == 422
    same = staff_client.post("/c/alpha/survey/new", data={"question": "?", "options": "是\n是"})
    assert same.status_code == 422


def test_closing_emits_an_event_whose_handler_writes_the_summary(
    app, survey_on, staff_client, member_client, in_community
):
    from gongzhi_survey.models import Poll

    poll_id = start_poll(staff_client)
    yes, *_ = option_ids(app, survey_on, in_community, poll_id)
    member_client.post(f"/c/alpha/survey/{poll_id}/vote", data={"option": yes})
    assert staff_client.post(f"/c/alpha/survey/{poll_id}/close").status_code == 302
    with in_community(survey_on):
        poll = db.session.get(Poll, poll_id)
        assert poll.closed and poll.summary == "赞成: 1/1 (100%)"  # on_event, after commit
        assert poll.created_at.utcoffset() == timedelta(0)  # UTCDateTime: aware, also on SQLite
    closed = member_client.get(f"/c/alpha/survey/{poll_id}").get_data(as_text=True)
    assert 'name="option"' not in closed and "已结束" in closed


def test_staff_download_the_results_as_csv_or_excel(
    app, survey_on, staff_client, member_client, in_community
):
    poll_id = start_poll(staff_client)
    yes, *_ = option_ids(app, survey_on, in_community, poll_id)
    member_client.post(f"/c/alpha/survey/{poll_id}/vote", data={"option": yes})
    page = staff_client.get(f"/c/alpha/survey/{poll_id}").get_data(as_text=True)
    assert f'href="/c/alpha/survey/{poll_id}/results.xlsx"' in page

    sheet = staff_client.get(f"/c/alpha/survey/{poll_id}/results.xlsx")
    assert sheet.status_code == 200
    # export_response: a file name in the reader's language, an ASCII one for old browsers
    assert f'filename="alpha-survey-{poll_id}-' in sheet.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in sheet.headers["Content-Disposition"]
    rows = read_xlsx(sheet)
    assert rows[0][0].startswith("甲社区 · 征集结果 · ")  # the title row
    assert rows[2] == ["选项", "票数", "发起时间"]  # the header, after a blank row
    assert [row[:2] for row in rows[3:]] == [["赞成", 1], ["反对", 0], ["无所谓", 0]]
    text = staff_client.get(f"/c/alpha/survey/{poll_id}/results.csv")
    assert text.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert read_csv(text)[1][:2] == ["赞成", "1"]

    assert member_client.get(f"/c/alpha/survey/{poll_id}/results.csv").status_code == 403
    assert staff_client.get(f"/c/alpha/survey/{poll_id}/results.pdf").status_code == 404
    assert staff_client.get("/c/alpha/survey/99999/results.csv").status_code == 404


def test_public_results_for_visitors_follow_the_setting(app, survey_on, staff_client, admin_client):
    public_id = start_poll(staff_client, "公开的征集")
    private_id = start_poll(staff_client, "内部的征集", public=False)
    visitor = app.test_client()
    landing = visitor.get("/c/alpha/").get_data(as_text=True)
    assert "征集结果公示" in landing
    listing = visitor.get("/c/alpha/survey/results").get_data(as_text=True)
    assert "公开的征集" in listing and "内部的征集" not in listing
    assert visitor.get(f"/c/alpha/survey/results/{public_id}").status_code == 200
    assert visitor.get(f"/c/alpha/survey/results/{private_id}").status_code == 404

    saved = admin_client.post(
        "/c/alpha/settings/modules/survey/settings", data={"widget_count": "3"}
    )  # an unchecked box: public_results off
    assert saved.status_code == 302
    assert visitor.get("/c/alpha/survey/results").status_code == 404
    assert "征集结果公示" not in visitor.get("/c/alpha/").get_data(as_text=True)


def test_menu_dashboard_search_and_export(survey_on, staff_client, member_client, admin_client):
    start_poll(staff_client, "老旧小区加装电梯意见征集")
    dashboard = member_client.get("/c/alpha/").get_data(as_text=True)
    assert 'href="/c/alpha/survey/"' in dashboard  # the menu entry
    assert "进行中的征集" in dashboard and "老旧小区加装电梯意见征集" in dashboard

    found = member_client.get("/c/alpha/search?q=加装电梯").get_data(as_text=True)
    assert "老旧小区加装电梯意见征集" in found

    archive = zipfile.ZipFile(io.BytesIO(admin_client.get("/c/alpha/export.zip").data))
    assert {"survey/polls.csv", "survey/results.csv"} <= set(archive.namelist())
    assert "老旧小区加装电梯意见征集" in archive.read("survey/polls.csv").decode("utf-8")


def test_the_stylesheet_is_shipped_and_linked_where_the_plugin_is_on(
    community, enable_plugin, member_client
):
    # The platform versions static URLs (``?v=`` and a content hash): cached for a year.
    link = re.compile(r'<link rel="stylesheet" href="/static/plugins/survey/survey\.css\?v=\w+">')
    assert not link.search(member_client.get("/c/alpha/").get_data(as_text=True))
    enable_plugin(community, "survey")
    assert link.search(member_client.get("/c/alpha/survey/").get_data(as_text=True))
    css = member_client.get("/static/plugins/survey/survey.css")
    assert css.status_code == 200 and b".survey-results" in css.data


def test_english(survey_on, member_client):
    member_client.post("/lang", data={"locale": "en", "next": "/c/alpha/survey/"})
    page = member_client.get("/c/alpha/survey/").get_data(as_text=True)
    assert "Opinion polls" in page and "No polls yet." in page


def test_demo_data(app):
    from gongzhi_survey.models import Poll, Vote

    from core.plugin_api import all_tenants

    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with all_tenants():  # in the app context the command ran in (the test's own)
        assert db.session.execute(db.select(db.func.count(Poll.id))).scalar() == 2
        assert db.session.execute(db.select(db.func.count(Vote.id))).scalar() == 6
