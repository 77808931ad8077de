"""Photos of spaces: staff add (at most six), order and remove them with a confirmation;
members see them on the space's page, anyone on the published free-rooms page. Bad files,
too large, too many: 422 with the message and the form keeping the caption and the good
photos. Another community's ids: 404."""

from __future__ import annotations

import io
import re
import threading

import pytest
from PIL import Image

from core.plugin_api import commit, community_scope, db
from plugins.booking import photos
from plugins.booking.models import MAX_SPACE_PHOTOS, Space, SpacePhoto
from tests.plugins.booking.helpers import BASE, add_space


@pytest.fixture(autouse=True)
def _uploads_in_tmp(app, tmp_path):
    app.config["BOOKING_UPLOAD_DIR"] = str(tmp_path / "uploads")


def picture(width=64, height=48, fmt="PNG", colour=(200, 120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, fmt)
    return out.getvalue()


def _upload(client, space_id, files=(), caption="", kept=()):
    data = {"caption": caption, "kept_photo": list(kept)}
    data["photos"] = [(io.BytesIO(body), name) for name, body in files]
    return client.post(
        f"{BASE}/manage/spaces/{space_id}/photos", data=data, content_type="multipart/form-data"
    )


def _rows(app, community, space_id) -> list[SpacePhoto]:
    with app.app_context(), community_scope(community.id):
        rows = db.session.execute(
            db.select(SpacePhoto)
            .where(SpacePhoto.space_id == space_id)
            .order_by(SpacePhoto.position)
        ).scalars()
        return [(r.id, r.position, r.caption, r.stored_name) for r in rows]


def test_staff_add_photos_members_see_them(
    app, booking_on, space_id, staff_client, member_client, client
):
    answer = _upload(
        staff_client,
        space_id,
        [("a.png", picture()), ("b.jpg", picture(fmt="JPEG"))],
        caption="舞台",
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    rows = _rows(app, booking_on, space_id)
    assert [(p, c) for _i, p, c, _n in rows] == [(1, "舞台"), (2, "舞台")]
    assert all(re.fullmatch(r"[0-9a-f]{32}\.jpg", n) for *_x, n in rows)  # re-encoded

    html = member_client.get(f"{BASE}/spaces/{space_id}").get_data(as_text=True)
    first = f"{BASE}/spaces/{space_id}/photos/{rows[0][0]}"
    assert first in html and 'alt="舞台"' in html
    image = member_client.get(first)
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert "private" in image.headers["Cache-Control"]
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    Image.open(io.BytesIO(image.data)).verify()
    assert client.get(first).status_code in (302, 401, 403, 404)  # not for visitors

    # The public free-rooms page shows them from the public route, cacheable.
    free = client.get(f"{BASE}/free").get_data(as_text=True)
    public = f"{BASE}/free/spaces/{space_id}/photos/{rows[0][0]}"
    assert public in free and first not in free
    answer = client.get(public)
    assert answer.status_code == 200 and "public" in answer.headers["Cache-Control"]


def test_public_photos_only_of_published_active_spaces(
    app, booking_on, space_id, staff_client, client, enable_plugin, in_community
):
    assert _upload(staff_client, space_id, [("a.png", picture())]).status_code == 302
    ((photo_id, *_rest),) = _rows(app, booking_on, space_id)
    url = f"{BASE}/free/spaces/{space_id}/photos/{photo_id}"
    assert client.get(url).status_code == 200
    with in_community(booking_on):
        db.session.get(Space, space_id).active = False
        commit()
    assert client.get(url).status_code == 404
    with in_community(booking_on):
        db.session.get(Space, space_id).active = True
        commit()
    enable_plugin(booking_on, "booking", public_free_slots=False)
    assert client.get(url).status_code == 404


def test_not_a_photo_422_keeps_caption_and_the_good_photo(app, booking_on, space_id, staff_client):
    answer = _upload(
        staff_client,
        space_id,
        [("good.png", picture()), ("notes.jpg", b"%PDF-1.4 not a picture")],
        caption="从门口看舞台",
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "notes.jpg 不是照片（图片文件）。" in html
    assert 'value="从门口看舞台"' in html
    tokens = re.findall(r'name="kept_photo" value="([0-9a-f]{32})"', html)
    assert len(tokens) == 1 and _rows(app, booking_on, space_id) == []
    assert staff_client.get(f"{BASE}/manage/photos/kept/{tokens[0]}").status_code == 200
    # The second try sends only the token: the kept photo is stored.
    assert _upload(staff_client, space_id, kept=tokens, caption="舞台").status_code == 302
    assert [c for *_x, c, _n in _rows(app, booking_on, space_id)] == ["舞台"]


def test_kept_photos_are_only_their_senders(app, booking_on, space_id, staff_client, admin_client):
    html = _upload(staff_client, space_id, [("good.png", picture())], caption="x" * 200)
    assert html.status_code == 422
    (token,) = re.findall(r'name="kept_photo" value="([0-9a-f]{32})"', html.get_data(as_text=True))
    assert admin_client.get(f"{BASE}/manage/photos/kept/{token}").status_code == 404
    answer = _upload(admin_client, space_id, kept=[token])  # another's token: dropped
    assert answer.status_code == 422 and "请选择一张或多张照片" in answer.get_data(as_text=True)
    assert _rows(app, booking_on, space_id) == []


def test_too_large_and_too_many(app, booking_on, space_id, staff_client, monkeypatch):
    import plugins.booking.forms as forms

    monkeypatch.setattr(forms, "MAX_PHOTO_MB", 1)
    big = picture() + b"\0" * (1024 * 1024)
    answer = _upload(staff_client, space_id, [("huge.png", big)], caption="大")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "huge.png 超过 1 MB。" in html and 'value="大"' in html

    files = [(f"{i}.png", picture(colour=(i * 30, 0, 0))) for i in range(MAX_SPACE_PHOTOS - 1)]
    assert _upload(staff_client, space_id, files).status_code == 302
    answer = _upload(staff_client, space_id, [("5.png", picture()), ("6.png", picture())])
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and f"最多 {MAX_SPACE_PHOTOS} 张照片。" in html
    assert len(_rows(app, booking_on, space_id)) == MAX_SPACE_PHOTOS - 1
    (token,) = re.findall(r'name="kept_photo" value="([0-9a-f]{32})"', html)  # the one that fits
    assert _upload(staff_client, space_id, kept=[token]).status_code == 302
    assert len(_rows(app, booking_on, space_id)) == MAX_SPACE_PHOTOS
    full = _upload(staff_client, space_id, [("7.png", picture())])
    assert full.status_code == 422 and "请先删除一张" in full.get_data(as_text=True)
    assert len(_rows(app, booking_on, space_id)) == MAX_SPACE_PHOTOS


def test_order_and_remove_with_confirmation(app, booking_on, space_id, staff_client, tmp_path):
    files = [(f"{i}.png", picture(colour=(i * 60, 0, 0))) for i in range(3)]
    assert _upload(staff_client, space_id, files).status_code == 302
    (a, *_), (b, *_), (c, *_) = _rows(app, booking_on, space_id)
    base = f"{BASE}/manage/spaces/{space_id}/photos"
    assert staff_client.post(f"{base}/{c}/move", data={"direction": "up"}).status_code == 302
    assert [r[0] for r in _rows(app, booking_on, space_id)] == [a, c, b]
    assert staff_client.post(f"{base}/{a}/move", data={"direction": "up"}).status_code == 302
    assert [r[0] for r in _rows(app, booking_on, space_id)] == [a, c, b]  # first stays first
    assert staff_client.post(f"{base}/{a}/move", data={"direction": "down"}).status_code == 302
    assert [r[0] for r in _rows(app, booking_on, space_id)] == [c, a, b]
    bad = staff_client.post(f"{base}/{a}/move", data={"direction": "sideways"})
    assert bad.status_code == 422 and "上移或下移" in bad.get_data(as_text=True)

    name = _rows(app, booking_on, space_id)[1][3]
    stored = tmp_path / "uploads" / str(booking_on.id) / name
    assert stored.is_file()
    ask = staff_client.get(f"{base}/{a}/remove")
    assert ask.status_code == 200 and "删除这张照片？" in ask.get_data(as_text=True)
    assert len(_rows(app, booking_on, space_id)) == 3  # asking removes nothing
    assert staff_client.post(f"{base}/{a}/remove").status_code == 302
    assert [r[0] for r in _rows(app, booking_on, space_id)] == [c, b]
    assert not stored.exists()
    assert staff_client.get(f"{BASE}/spaces/{space_id}/photos/{a}").status_code == 404


def test_members_cannot_manage_photos(app, booking_on, space_id, staff_client, member_client):
    assert _upload(staff_client, space_id, [("a.png", picture())]).status_code == 302
    ((photo_id, *_),) = _rows(app, booking_on, space_id)
    base = f"{BASE}/manage/spaces/{space_id}/photos"
    assert member_client.get(base).status_code == 403
    assert _upload(member_client, space_id, [("b.png", picture())]).status_code == 403
    move = member_client.post(f"{base}/{photo_id}/move", data={"direction": "up"})
    assert move.status_code == 403
    assert member_client.get(f"{base}/{photo_id}/remove").status_code == 403
    assert member_client.post(f"{base}/{photo_id}/remove").status_code == 403
    assert len(_rows(app, booking_on, space_id)) == 1


def test_another_communitys_photos_are_not_found(
    app, booking_on, space_id, staff_client, client, other_community, enable_plugin, in_community
):
    enable_plugin(other_community, "booking")
    with in_community(other_community):
        beta_space = add_space(name="乙社区活动室")
        beta_photo = photos.add(
            db.session.get(Space, beta_space), [photos.store.process(picture(), "b.png")], "", 1
        )[0]
        commit()
        beta_id = beta_photo.id
    assert _upload(staff_client, space_id, [("a.png", picture())]).status_code == 302
    ((own_photo, *_),) = _rows(app, booking_on, space_id)
    for s, p in ((beta_space, beta_id), (space_id, beta_id), (beta_space, own_photo)):
        base = f"{BASE}/manage/spaces/{s}/photos"
        assert staff_client.get(f"{BASE}/spaces/{s}/photos/{p}").status_code == 404
        assert client.get(f"{BASE}/free/spaces/{s}/photos/{p}").status_code == 404
        assert staff_client.get(f"{base}/{p}/remove").status_code == 404
        assert staff_client.post(f"{base}/{p}/remove").status_code == 404
        assert staff_client.post(f"{base}/{p}/move", data={"direction": "up"}).status_code == 404
    assert staff_client.get(f"{BASE}/manage/spaces/{beta_space}/photos").status_code == 404
    assert _upload(staff_client, beta_space, [("a.png", picture())]).status_code == 404
    assert len(_rows(app, other_community, beta_space)) == 1


def test_many_desks_adding_at_once_never_pass_the_limit(
    app, booking_on, space_id, staff, in_community
):
    threads = 20
    start = threading.Barrier(threads)
    outcomes: list[str] = []

    def attempt() -> None:
        with app.test_request_context(), community_scope(booking_on.id):
            try:
                photo = photos.store.process(picture(), "a.png")
                space = db.session.get(Space, space_id)
                db.session.rollback()
                start.wait(timeout=60)
                photos.add(space, [photo], "", staff.id)
                commit()
                outcomes.append("added")
            except photos.TooMany:
                db.session.rollback()
                outcomes.append("full")
            except Exception as exc:  # noqa: BLE001  (anything else is the failure shown)
                db.session.rollback()
                outcomes.append(f"ERROR {type(exc).__name__}: {exc}")
            finally:
                db.session.remove()

    workers = [threading.Thread(target=attempt) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=180)
    assert outcomes.count("added") == MAX_SPACE_PHOTOS, outcomes
    assert outcomes.count("full") == threads - MAX_SPACE_PHOTOS
    positions = [p for _i, p, *_x in _rows(app, booking_on, space_id)]
    assert positions == list(range(1, MAX_SPACE_PHOTOS + 1))
