"""Forms that keep work on a phone: large photos scaled down instead of refused, a chosen
photo kept across a validation error, a phone number required when a call-back is asked
for, and the outcome of an htmx form shown in the form's region."""

from __future__ import annotations

import io
import re

from PIL import Image
from requests_helpers import BASE, image_bytes, load, report

from core.extensions import db
from plugins.requests.models import Photo
from plugins.requests.photos import MAX_EDGE
from tenants.context import tenant_scope

REPORT = {"title": "井盖破损", "building": "小区东门", "contact_preference": "message"}


def _photo_with_gps_and_rotation() -> bytes:
    """A 12-megapixel-like phone photo, taken sideways (EXIF orientation 6) with a place."""
    image = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    exif[0x8825] = {1: "N", 2: (29.0, 33.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def _stored_photos(app, community) -> list[Photo]:
    with app.app_context(), tenant_scope(community.id):
        rows = list(db.session.execute(db.select(Photo)).scalars())
        for row in rows:
            db.session.expunge(row)
        return rows


def test_a_large_photo_is_scaled_down_upright_and_without_its_place(
    app, requests_on, member_client
):
    big = _photo_with_gps_and_rotation()
    r = member_client.post(
        f"{BASE}/new",
        data={**REPORT, "photos": [(io.BytesIO(big), "IMG_0001.JPG")]},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    rid = int(r.headers["Location"].rsplit("/", 1)[1])
    (photo,) = _stored_photos(app, requests_on)
    served = member_client.get(f"{BASE}/{rid}/photos/{photo.id}")
    image = Image.open(io.BytesIO(served.data))
    # turned upright (portrait), longest edge MAX_EDGE, no EXIF (no GPS) left
    assert image.size == (MAX_EDGE * 3 // 4, MAX_EDGE)
    assert image.format == "JPEG" and not image.getexif()
    assert photo.size == len(served.data) < len(big)


def test_a_photo_over_the_limit_is_refused_by_name(app, requests_on, member_client, enable_plugin):
    enable_plugin(requests_on, "requests", max_photo_mb=1)
    noise = Image.effect_noise((1500, 1500), 100).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert out.tell() > 1024 * 1024
    r = member_client.post(
        f"{BASE}/new",
        data={**REPORT, "photos": [(io.BytesIO(out.getvalue()), "noise.png")]},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422
    assert "noise.png 超过 1 MB。" in r.get_data(as_text=True)


def test_a_chosen_photo_survives_a_validation_error(
    app, requests_on, member_client, login, make_user
):
    jpeg = image_bytes(64, 48, "JPEG")
    r = member_client.post(
        f"{BASE}/new",
        data={**REPORT, "title": "", "photos": [(io.BytesIO(jpeg), "a.jpg")]},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422
    body = r.get_data(as_text=True)
    tokens = re.findall(r'name="kept_photo" value="([0-9a-f]{32})" checked', body)
    assert len(tokens) == 1
    thumb = f"{BASE}/new/photos/{tokens[0]}"
    assert thumb in body
    assert member_client.get(thumb).status_code == 200

    # Only the person who chose it sees it, and a made-up token is nothing.
    neighbour = make_user("neighbour@alpha.example", requests_on, "member")
    assert login(neighbour).get(thumb).status_code == 404
    assert member_client.get(f"{BASE}/new/photos/{'0' * 32}").status_code == 404
    assert member_client.get(f"{BASE}/new/photos/..%2f..%2fsecret").status_code == 404

    # The second try sends no file, only the kept token: the request gets the photo.
    r = member_client.post(f"{BASE}/new", data={**REPORT, "kept_photo": tokens[0]})
    assert r.status_code == 302
    assert len(_stored_photos(app, requests_on)) == 1
    assert member_client.get(thumb).status_code == 404  # moved, not copied


def test_a_neighbours_kept_photo_token_is_ignored(
    app, requests_on, member_client, login, make_user
):
    neighbour = make_user("neighbour@alpha.example", requests_on, "member")
    other = login(neighbour)
    r = other.post(
        f"{BASE}/new",
        data={**REPORT, "title": "", "photos": [(io.BytesIO(image_bytes()), "b.png")]},
        content_type="multipart/form-data",
    )
    token = re.search(r'name="kept_photo" value="([0-9a-f]{32})"', r.get_data(as_text=True))[1]
    r = member_client.post(f"{BASE}/new", data={**REPORT, "kept_photo": token})
    assert r.status_code == 302
    assert _stored_photos(app, requests_on) == []


def test_call_me_back_needs_a_phone_number(app, requests_on, member_client):
    r = member_client.post(
        f"{BASE}/new", data={**REPORT, "contact_preference": "phone", "contact_phone": "  "}
    )
    assert r.status_code == 422
    assert "请填写电话号码，或选择其他回复方式。" in r.get_data(as_text=True)
    r = member_client.post(f"{BASE}/new", data={**REPORT, "contact_preference": "message"})
    assert r.status_code == 302


HX = {"HX-Request": "true"}


def test_htmx_report_goes_to_the_new_request_page(app, requests_on, member_client):
    r = member_client.post(f"{BASE}/new", data=REPORT, headers=HX)
    assert r.status_code == 200
    assert re.fullmatch(rf"{BASE}/\d+", r.headers["HX-Redirect"])
    page = member_client.get(r.headers["HX-Redirect"]).get_data(as_text=True)
    assert "已受理" in page  # the message waits for that page


def test_htmx_outcome_is_shown_in_the_forms_region_and_focused(
    app, requests_on, member_client, staff_client
):
    rid = report(member_client)
    member_client.get(f"{BASE}/{rid}")  # the report's own message is shown there
    staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "yellow"})
    staff_client.get(f"{BASE}/{rid}")
    r = staff_client.post(
        f"{BASE}/{rid}/reply", data={"reply": "已联系物业。", "outcome": "已处理"}, headers=HX
    )
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    region = html[html.index('id="rq-handle"') :]
    message = re.search(r'<p class="flash flash-success"[^>]*>([^<]*)</p>', region)
    assert message and "autofocus" in message[0] and 'tabindex="-1"' in message[0]
    flashes = html[html.index('id="flashes"') : html.index("</div>", html.index('id="flashes"'))]
    assert "flash-success" not in flashes  # not at the top, where nobody is looking

    # The resident's check: the message in their region, the request closed.
    r = member_client.post(f"{BASE}/{rid}/accept", data={"note": ""}, headers=HX)
    html = r.get_data(as_text=True)
    region = html[html.index('id="rq-check"') :]
    assert re.search(
        r'<p class="flash flash-success"[^>]*autofocus[^>]*>谢谢！诉求已办结。', region
    )
    assert load(app, requests_on, rid).status == "closed"

    # Without htmx: the redirect, and the message at the top of the new page.
    rid = report(member_client, "路灯不亮")
    staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "yellow"})
    r = staff_client.post(f"{BASE}/{rid}/reply", data={"reply": "已修好。", "outcome": "已修复"})
    assert r.status_code == 302
