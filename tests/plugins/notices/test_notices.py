"""公告栏: the pattern plugin, tested as a resident, a worker and a visitor."""

import io
import zipfile

import pytest

from core.extensions import db
from plugins.notices.models import Notice
from tenants.context import tenant_scope


@pytest.fixture(autouse=True)
def notices_on(community, enable_plugin):
    enable_plugin(community, "notices")


def _post(client, **data):
    form = {"title": "电梯年检通知", "body": "3号楼电梯周五年检，暂停使用。", "public": "y", **data}
    return client.post("/c/alpha/notices/new", data=form)


def test_staff_publish_residents_read(staff_client, member_client):
    response = _post(staff_client)
    assert response.status_code == 302
    listing = member_client.get("/c/alpha/notices/").get_data(as_text=True)
    assert "电梯年检通知" in listing
    show = member_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "暂停使用" in show and "编辑" not in show  # residents cannot edit


def test_residents_may_not_publish_edit_or_delete(app, community, member_client, staff_client):
    _post(staff_client)
    with app.app_context(), tenant_scope(community.id):
        notice_id = db.session.execute(db.select(Notice.id)).scalar_one()
    assert member_client.get("/c/alpha/notices/new").status_code == 403
    assert _post(member_client).status_code == 403
    assert member_client.post(f"/c/alpha/notices/{notice_id}/delete").status_code == 403


def test_bad_input_keeps_what_was_typed(staff_client):
    response = _post(staff_client, title="", body="正文保留")
    assert response.status_code == 422
    assert "正文保留" in response.get_data(as_text=True)
    too_long = _post(staff_client, title="长" * 121)
    assert too_long.status_code == 422


def test_public_board_shows_only_public_notices_to_visitors(client, staff_client):
    _post(staff_client, title="公开的通知")
    _post(staff_client, title="内部的通知", public="")
    board = client.get("/c/alpha/notices/public").get_data(as_text=True)
    assert "公开的通知" in board and "内部的通知" not in board
    assert client.get("/c/alpha/notices/").status_code == 302  # the member list needs login


def test_public_board_can_be_closed_in_settings(client, admin_client, staff_client):
    admin_client.post(
        "/c/alpha/settings/modules/notices/settings",
        data={"per_page": "20", "widget_count": "3"},  # public_board unticked
    )
    assert client.get("/c/alpha/notices/public").status_code == 404


def test_delete_asks_first_and_is_audited(app, community, staff_client, admin_client):
    location = _post(staff_client).headers["Location"]
    page = staff_client.get(location).get_data(as_text=True)
    assert "hx-confirm" in page
    assert staff_client.post(location + "/delete").status_code == 302
    assert "电梯年检通知" not in staff_client.get("/c/alpha/notices/").get_data(as_text=True)
    assert "notice.deleted" in admin_client.get("/c/alpha/audit").get_data(as_text=True)


def test_search_export_and_widget(admin_client, staff_client):
    _post(staff_client)
    results = admin_client.get("/c/alpha/search?q=年检").get_data(as_text=True)
    assert "电梯年检通知" in results
    archive = zipfile.ZipFile(io.BytesIO(admin_client.get("/c/alpha/export.zip").data))
    assert "电梯年检通知" in archive.read("notices/notices.csv").decode("utf-8-sig")
    assert "电梯年检通知" in admin_client.get("/c/alpha/").get_data(as_text=True)


def test_pages_of_twenty_with_an_older_link(app, community, member_client):
    with app.app_context(), tenant_scope(community.id):
        db.session.add_all(Notice(title=f"通知{n:02d}", body="…") for n in range(25))
        db.session.commit()
    first = member_client.get("/c/alpha/notices/").get_data(as_text=True)
    assert "通知24" in first and "通知04" not in first and "before=" in first


def test_empty_state_tells_staff_what_to_do(staff_client, member_client):
    assert "发布第一条" in staff_client.get("/c/alpha/notices/").get_data(as_text=True)
    assert "暂无公告" in member_client.get("/c/alpha/notices/").get_data(as_text=True)
