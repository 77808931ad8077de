"""The platform's photo store (PhotoStore): by content, re-encoded, per plugin and
community, kept photos only for their sender, served only as stored names."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound

from core.plugin_api import PHOTO_MAX_EDGE, PhotoError, PhotoStore, community_scope


def _png(size=(30, 20), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (10, 20, 30, 128) if mode == "RGBA" else (10, 20, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def store(app, community, tmp_path):
    app.config["SURVEY_UPLOAD_DIR"] = str(tmp_path / "survey")
    with app.test_request_context(), community_scope(community.id):
        yield PhotoStore("survey")


def test_by_content_scaled_and_transparency_kept(store):
    big = io.BytesIO()
    Image.new("RGB", (PHOTO_MAX_EDGE * 2, PHOTO_MAX_EDGE), "red").save(big, "JPEG")
    photo = store.process(big.getvalue(), "x.gif")  # the name is not looked at
    assert (photo.content_type, Image.open(io.BytesIO(photo.data)).size) == (
        "image/jpeg",
        (PHOTO_MAX_EDGE, PHOTO_MAX_EDGE // 2),
    )
    assert store.process(_png(mode="RGBA"), "a.png").content_type == "image/webp"
    with pytest.raises(PhotoError):
        store.process(b"GIF89a" + b"\0" * 40, "photo.jpg")


def test_accept_counts_limits_and_sizes(store):
    files = [FileStorage(io.BytesIO(_png()), f"{i}.png") for i in range(3)]
    files.insert(1, FileStorage(io.BytesIO(b"x" * 2000), "big.png"))
    into: list = []
    errors = store.accept(files, into, max_photos=2, max_bytes=1000, limit=5)
    assert len(into) == 2 and len(errors) == 2
    assert "big.png" in str(errors[0]) and "5" in str(errors[1])


def test_kept_only_for_the_sender_and_stored_files_only(store, tmp_path):
    photo = store.process(_png(), "a.png")
    token = store.keep(photo, 7)
    assert store.kept(token, 8) is None and store.kept_photos([token, "zz"], 7)[0].token == token
    with pytest.raises(NotFound):
        store.send_kept(token, 8)
    name = store.store(store.kept(token, 7), 7)
    assert store.kept(token, 7) is None  # moved, not copied
    assert (tmp_path / "survey").is_dir() and store.path_of(name).is_file()
    response = store.send(name, public=True)
    assert response.mimetype == "image/png" or response.mimetype == "image/jpeg"
    assert "public" in response.headers["Cache-Control"]
    for bad in ("../../etc/passwd", "pending", "x.jpg"):
        with pytest.raises(NotFound):
            store.send(bad)
    store.delete(name)
    with pytest.raises(NotFound):
        store.send(name)


def test_owner_is_a_plugin_id():
    with pytest.raises(ValueError):
        PhotoStore("../core")
