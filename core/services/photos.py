"""Photos that plugins accept from people: checked by content, scaled down, kept across a
failed form, stored per community under a random name, served only by views that check.

The browser's content type and the file name are not trusted: Pillow must read the file as
a JPEG, PNG or WebP image. Every photo is re-encoded, turned upright and scaled to at most
``max_edge`` pixels: a phone's 12-megapixel photo is accepted (not refused for its size)
and stored at a few hundred KB, and its EXIF data (where it was taken: often someone's
home) is dropped.

A photo chosen in a form that fails validation for another reason is *kept*: stored as
pending under a random token tied to the person who sent it, so the form can show it
again and send the token back instead of asking for the file twice.

Each plugin makes one ``PhotoStore("<plugin id>")``; its files live in
``<UPLOAD_DIR>/<plugin id>/<community id>/`` (``<ID>_UPLOAD_DIR`` overrides the folder of
one plugin, e.g. ``REQUESTS_UPLOAD_DIR``; the default is ``<instance>/uploads``). The
store never decides who may see a photo: the plugin's view does, then calls ``send``.
"""

from __future__ import annotations

import io
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import Response, abort, current_app, send_file
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from tenants.context import current_tenant_id

MAX_EDGE = 2048  # px: sharp on any phone screen, a few hundred KB
QUALITY = 85
MAX_PIXELS = 60_000_000  # a 60-megapixel picture is the largest decoded (memory)
PENDING_HOURS = 24
FORMATS = {"JPEG", "PNG", "WEBP"}
TOKEN = re.compile(r"^[0-9a-f]{32}$")
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|webp)$")
KINDS = {"jpg": "image/jpeg", "webp": "image/webp"}  # what we store, by extension
OWNER = re.compile(r"^[a-z][a-z0-9_]*$")


class PhotoError(ValueError):
    """A file that is not a photo we can use; the message names it for the person."""


@dataclass
class Photo:
    """A checked, re-encoded photo (not yet stored); ``token`` once kept as pending."""

    data: bytes
    content_type: str
    extension: str
    token: str = ""


class PhotoStore:
    """The photos of one plugin (``owner``, its id), per community."""

    def __init__(self, owner: str, *, max_edge: int = MAX_EDGE) -> None:
        if not OWNER.match(owner):
            raise ValueError(f"photo store owner must be a plugin id, not {owner!r}")
        self.owner = owner
        self.max_edge = max_edge

    # ----- checking ---------------------------------------------------------------------
    def process(self, data: bytes, filename: str) -> Photo:
        """The photo re-encoded upright, at most ``max_edge`` px; PhotoError if it is no
        photo (by content: the name and the browser's content type are not looked at)."""
        edge = self.max_edge
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in FORMATS:
                    raise PhotoError(_l("%(name)s is not a photo (a picture file).", name=filename))
                if image.width * image.height > MAX_PIXELS:
                    raise PhotoError(_l("%(name)s has too many pixels.", name=filename))
                image.draft("RGB", (edge, edge))  # JPEG: decode at a reduced size
                upright = ImageOps.exif_transpose(image)
                upright.thumbnail((edge, edge), Image.Resampling.LANCZOS)
                return _encode(upright)
        except PhotoError:
            raise
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
            raise PhotoError(
                _l("%(name)s is not a photo (a picture file).", name=filename)
            ) from exc

    def accept(
        self,
        uploads: Iterable,
        into: list[Photo],
        *,
        max_photos: int,
        max_bytes: int,
        limit: int | None = None,
    ) -> list[str]:
        """Check a form's file uploads (werkzeug ``FileStorage``): each good one is added
        to ``into`` (which may already hold kept photos), up to ``max_photos`` in all.
        Returns the messages for the files refused (too many, too large, no photo); the
        good ones are accepted even when another fails, so a second try never asks for
        the same photo twice. ``limit`` is the number the "at most" message names when
        ``max_photos`` is what is left of it (photos stored before)."""
        errors: list[str] = []
        for upload in uploads or ():
            if not getattr(upload, "filename", ""):
                continue  # an empty file input
            if len(into) >= max_photos:
                errors.append(_l("At most %(n)d photos.", n=limit or max_photos))
                break
            data = upload.read(max_bytes + 1)
            if len(data) > max_bytes:
                errors.append(
                    _l(
                        "%(name)s is larger than %(mb)d MB.",
                        name=upload.filename,
                        mb=max(1, max_bytes // (1024 * 1024)),
                    )
                )
                continue
            try:
                into.append(self.process(data, upload.filename))
            except PhotoError as exc:
                errors.append(exc.args[0])
        return errors

    # ----- storing ----------------------------------------------------------------------
    def folder(self) -> Path:
        """This plugin's folder for the community in scope (created if need be)."""
        config = current_app.config
        base = config.get(f"{self.owner.upper()}_UPLOAD_DIR")
        if not base:
            root = config.get("UPLOAD_DIR") or Path(current_app.instance_path) / "uploads"
            base = Path(root) / self.owner
        folder = Path(base) / str(int(current_tenant_id()))
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def path_of(self, stored_name: str) -> Path:
        """Where a stored photo lives (only its base name is used: no way out)."""
        return self.folder() / Path(stored_name).name

    def store(self, photo: Photo, user_id: int | None = None) -> str:
        """Store a photo for good (a kept one of ``user_id`` is moved); its stored name."""
        name = f"{secrets.token_hex(16)}.{photo.extension}"
        pending = self._pending_path(user_id, photo.token) if photo.token and user_id else None
        if pending is None:
            (self.folder() / name).write_bytes(photo.data)
        else:
            pending.replace(self.folder() / name)
        return name

    def delete(self, stored_name: str) -> None:
        """Remove a stored photo's file (call it after the commit that dropped its row)."""
        self.path_of(stored_name).unlink(missing_ok=True)

    def send(
        self, stored_name: str, content_type: str | None = None, *, public: bool = False,
        max_age: int = 3600,
    ) -> Response:  # fmt: skip
        """The stored photo as a response (404 if it is gone). Stored names are random and
        never reused, so browsers may keep the file; ``public`` lets shared caches keep it
        too (only for photos anyone may see)."""
        path = self.path_of(stored_name)
        if not STORED_NAME.match(path.name) or not path.is_file():
            abort(404)
        mimetype = content_type or KINDS[path.suffix[1:]]
        response = send_file(path, mimetype=mimetype, max_age=max_age, conditional=True)
        response.cache_control.public = public
        response.cache_control.private = not public
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    # ----- kept across a failed form ----------------------------------------------------
    def _pending_dir(self) -> Path:
        folder = self.folder() / "pending"
        folder.mkdir(exist_ok=True)
        return folder

    def _pending_path(self, user_id: int, token: str) -> Path | None:
        if not TOKEN.match(token or ""):
            return None
        for extension in KINDS:
            path = self._pending_dir() / f"{int(user_id)}-{token}.{extension}"
            if path.is_file():
                return path
        return None

    def keep(self, photo: Photo, user_id: int) -> str:
        """Store a checked photo as pending for ``user_id``; returns its token."""
        if photo.token and self._pending_path(user_id, photo.token):
            return photo.token
        self._forget_stale()
        photo.token = secrets.token_hex(16)
        path = self._pending_dir() / f"{int(user_id)}-{photo.token}.{photo.extension}"
        path.write_bytes(photo.data)
        return photo.token

    def kept(self, token: str, user_id: int) -> Photo | None:
        """The pending photo ``user_id`` sent with this token, or None (another's, expired)."""
        path = self._pending_path(user_id, token)
        if path is None:
            return None
        extension = path.suffix[1:]
        return Photo(path.read_bytes(), KINDS[extension], extension, token)

    def kept_photos(self, tokens: Iterable[str], user_id: int | None) -> list[Photo]:
        """The pending photos of these tokens (a form's ``kept_photo`` values), in order;
        unknown, expired or another person's tokens are dropped without a word."""
        if not user_id:
            return []
        found = (self.kept(t, user_id) for t in dict.fromkeys(tokens))
        return [p for p in found if p is not None]

    def kept_path(self, token: str, user_id: int) -> Path | None:
        return self._pending_path(user_id, token)

    def send_kept(self, token: str, user_id: int) -> Response:
        """A kept photo, only for the person who chose it (404 for anyone else)."""
        path = self._pending_path(user_id, token)
        if path is None:
            abort(404)
        response = send_file(path, mimetype=KINDS[path.suffix[1:]], max_age=0)
        response.cache_control.private = True
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def _forget_stale(self) -> None:
        """Pending photos of forms never sent again are removed after a day."""
        limit = time.time() - PENDING_HOURS * 3600
        for path in self._pending_dir().iterdir():
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
            except OSError:
                pass  # another worker removed it first


def _encode(image: Image.Image) -> Photo:
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # Transparency survives in WebP; JPEG would turn it black.
        image.convert("RGBA").save(out, "WEBP", quality=QUALITY, method=4)
        return Photo(out.getvalue(), KINDS["webp"], "webp")
    image.convert("RGB").save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return Photo(out.getvalue(), KINDS["jpg"], "jpg")
