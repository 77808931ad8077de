"""Photos (随手拍) on disk under the instance folder, checked by size and by content.

The browser's content type and the file name are not trusted: the first bytes decide.
Files are stored per community under a random name, and served only through a view that
checks who may see the request.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app

from core.plugin_api import current_tenant_id

MAX_PHOTOS = 3
SIGNATURES = {
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a JPEG, PNG or WebP image, or None."""
    for magic, kind in SIGNATURES.items():
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ("image/webp", "webp")
    return None


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
