"""Photos (随手拍): checked by content, scaled down, kept across a failed form, stored on disk.

The browser's content type and the file name are not trusted: Pillow must read the file as
a JPEG, PNG or WebP image. Every photo is re-encoded, turned upright and scaled to at most
``MAX_EDGE`` pixels: a phone's 12-megapixel photo is accepted (not refused for its size)
and stored at a few hundred KB, and its EXIF data (the place it was taken: often the
resident's home) is dropped.

A photo chosen in a form that fails validation for another reason is *kept*: stored as
pending under a random token tied to the person who sent it, shown again as a thumbnail
and sent back with the form as ``kept_photo``. Files are stored per community under a
random name and served only through views that check who may see them.
"""

from __future__ import annotations

import io
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from core.plugin_api import current_tenant_id
from plugins.requests.i18n import _l

MAX_PHOTOS = 3
MAX_EDGE = 2048  # px: sharp on any phone screen, a few hundred KB
QUALITY = 85
MAX_PIXELS = 60_000_000  # a 60-megapixel picture is the largest decoded (memory)
PENDING_HOURS = 24
FORMATS = {"JPEG", "PNG", "WEBP"}
TOKEN = re.compile(r"^[0-9a-f]{32}$")
KINDS = {"jpg": "image/jpeg", "webp": "image/webp"}


class PhotoError(ValueError):
    """A file that is not a photo we can use; the message names it for the person."""


@dataclass
class Photo:
    data: bytes
    content_type: str
    extension: str
    token: str = ""  # set once kept as pending


def process(data: bytes, filename: str) -> Photo:
    """The photo re-encoded upright, at most MAX_EDGE px; PhotoError if it is no photo."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in FORMATS:
                raise PhotoError(_l("%(name)s is not a photo (a picture file).", name=filename))
            if image.width * image.height > MAX_PIXELS:
                raise PhotoError(_l("%(name)s has too many pixels.", name=filename))
            image.draft("RGB", (MAX_EDGE, MAX_EDGE))  # JPEG: decode at a reduced size
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
            return _encode(upright)
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoError(_l("%(name)s is not a photo (a picture file).", name=filename)) from exc


def _encode(image: Image.Image) -> Photo:
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # Transparency survives in WebP; JPEG would turn it black.
        image.convert("RGBA").save(out, "WEBP", quality=QUALITY, method=4)
        return Photo(out.getvalue(), KINDS["webp"], "webp")
    image.convert("RGB").save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return Photo(out.getvalue(), KINDS["jpg"], "jpg")


def upload_dir() -> Path:
    base = current_app.config.get("REQUESTS_UPLOAD_DIR") or (
        Path(current_app.instance_path) / "uploads" / "requests"
    )
    folder = Path(base) / str(current_tenant_id())
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save(data: bytes, extension: str) -> str:
    name = f"{secrets.token_hex(16)}.{extension}"
    (upload_dir() / name).write_bytes(data)
    return name


def path_of(stored_name: str) -> Path:
    return upload_dir() / Path(stored_name).name


# ----- kept across a failed form -------------------------------------------------------
def _pending_dir() -> Path:
    folder = upload_dir() / "pending"
    folder.mkdir(exist_ok=True)
    return folder


def _pending_path(user_id: int, token: str) -> Path | None:
    if not TOKEN.match(token or ""):
        return None
    for extension in KINDS:
        path = _pending_dir() / f"{int(user_id)}-{token}.{extension}"
        if path.is_file():
            return path
    return None


def keep(photo: Photo, user_id: int) -> str:
    """Store a checked photo as pending for ``user_id``; returns its token."""
    if photo.token and _pending_path(user_id, photo.token):
        return photo.token
    _forget_stale()
    photo.token = secrets.token_hex(16)
    (_pending_dir() / f"{int(user_id)}-{photo.token}.{photo.extension}").write_bytes(photo.data)
    return photo.token


def kept(token: str, user_id: int) -> Photo | None:
    """The pending photo ``user_id`` sent with this token, or None (another's, expired)."""
    path = _pending_path(user_id, token)
    if path is None:
        return None
    extension = path.suffix[1:]
    return Photo(path.read_bytes(), KINDS[extension], extension, token)


def kept_path(token: str, user_id: int) -> Path | None:
    return _pending_path(user_id, token)


def store(photo: Photo, user_id: int) -> str:
    """Store a photo for good (a kept one is moved); returns its stored name."""
    pending = _pending_path(user_id, photo.token) if photo.token else None
    if pending is None:
        return save(photo.data, photo.extension)
    name = f"{secrets.token_hex(16)}.{photo.extension}"
    pending.replace(upload_dir() / name)
    return name


def _forget_stale() -> None:
    """Pending photos of forms never sent again are removed after a day."""
    limit = time.time() - PENDING_HOURS * 3600
    for path in _pending_dir().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass  # another worker removed it first
