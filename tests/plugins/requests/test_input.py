"""Bad input: a 4xx with a clear message beside the field, and what was typed kept."""

from __future__ import annotations

import io

from PIL import Image
from requests_helpers import BASE, PNG, load, report

from core.extensions import db
from plugins.requests.models import Photo


def test_empty_report_is_422_with_messages(app, requests_on, member_client):
    r = member_client.post(
        f"{BASE}/new",
        data={
            "title": "",
            "building": "",
            "details": "我写的细节",
            "contact_preference": "message",
        },
    )
    assert r.status_code == 422
    body = r.get_data(as_text=True)
    assert "请用几句话说明问题。" in body and "请说明地点。" in body
    assert "我写的细节" in body


def test_phone_preference_needs_a_phone_and_keeps_what_was_typed(app, requests_on, member_client):
    r = member_client.post(
        f"{BASE}/new",
        data={
            "title": "电梯异响",
            "building": "5栋",
            "contact_preference": "phone",
            "contact_phone": "abc",
        },
    )
    assert r.status_code == 422
    body = r.get_data(as_text=True)
    assert "电话号码格式不对。" in body
    assert 'value="电梯异响"' in body and 'value="5栋"' in body and 'value="abc"' in body


def test_unknown_choices_are_rejected_not_500(app, requests_on, member_client, staff_client):
    r = member_client.post(
        f"{BASE}/new",
        data={"title": "x", "building": "y", "contact_preference": "carrier-pigeon"},
    )
    assert r.status_code == 422
    r = member_client.post(
        f"{BASE}/new",
        data={
            "title": "x",
            "building": "y",
            "contact_preference": "message",
            "category_id": "99999",
        },
    )
    assert r.status_code == 422 and "请从列表中选择分类。" in r.get_data(as_text=True)
    rid = report(member_client)
    r = staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "purple"})
    assert r.status_code == 422 and "请选择红色、橙色或黄色。" in r.get_data(as_text=True)
    r = staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "red", "category_id": "abc"})
    assert r.status_code == 422
    full = {"department": "区生态环境局", "handler": "王科长", "deadline": "2999-01-01"}
    r = staff_client.post(f"{BASE}/{rid}/refer", data=full)
    assert r.status_code == 409  # not classified red yet: refused with the reason
    assert "请先给诉求分类。" in r.get_data(as_text=True)
    staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "red"})
    r = staff_client.post(
        f"{BASE}/{rid}/refer",
        data={"department": "区生态环境局", "handler": "", "deadline": "next week"},
    )
    assert r.status_code == 422
    body = r.get_data(as_text=True)
    assert "请填写承办人。" in body and 'value="区生态环境局"' in body


def test_ledger_bad_filters_are_422_with_message(app, requests_on, staff_client):
    r = staff_client.get(f"{BASE}/ledger?date_from=2026-13-45&kind=purple")
    assert r.status_code == 422
    body = r.get_data(as_text=True)
    assert "请按 YYYY-MM-DD 格式填写 1900-01-01 至 2999-12-31 之间的日期。" in body
    assert "没有这个类型。" in body
    assert 'value="2026-13-45"' in body


def test_photos_are_checked_by_content_and_stored_on_disk(
    app, requests_on, member_client, tmp_path
):
    data = {"title": "井盖破损", "building": "小区东门", "contact_preference": "message"}
    r = member_client.post(
        f"{BASE}/new",
        data={**data, "photos": [(io.BytesIO(b"MZ not an image"), "virus.jpg")]},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422
    assert "virus.jpg 不是照片（图片文件）。" in r.get_data(as_text=True)

    r = member_client.post(
        f"{BASE}/new",
        data={**data, "photos": [(io.BytesIO(PNG), "manhole.png")]},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    rid = int(r.headers["Location"].rsplit("/", 1)[1])
    from tenants.context import tenant_scope

    with app.app_context(), tenant_scope(requests_on.id):
        photo = db.session.execute(db.select(Photo)).scalar_one()
        pid = photo.id
        # re-encoded (no alpha: JPEG), its bytes are what is served
        assert photo.content_type == "image/jpeg"
    assert list((tmp_path / "uploads" / str(requests_on.id)).glob("*.jpg"))
    image = member_client.get(f"{BASE}/{rid}/photos/{pid}")
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(image.data)).size == (40, 30)
    assert load(app, requests_on, rid).title == "井盖破损"


def test_catalogue_duplicate_name_is_422(app, requests_on, admin_client):
    r = admin_client.post(
        f"{BASE}/catalogue/categories/new", data={"name": "餐饮油烟", "kind": "red", "owner": "x"}
    )
    assert r.status_code == 422 and "该分类已存在。" in r.get_data(as_text=True)
    r = admin_client.post(
        f"{BASE}/catalogue/services/new", data={"field": "", "name": "保洁", "phone": "x"}
    )
    assert r.status_code == 422
    body = r.get_data(as_text=True)
    assert "请填写服务类别。" in body and 'value="保洁"' in body
