"""Photos (随手拍) of requests: the platform's photo store (``PhotoStore``: checked by
content, re-encoded upright at most ``MAX_EDGE`` px without EXIF, kept across a failed
form under a token tied to the sender, stored per community under a random name) with the
requests plugin's own limit. Files are served only through views that check who may see
them (views/resident.py); ``REQUESTS_UPLOAD_DIR`` still moves the folder.
"""

from __future__ import annotations

from core.plugin_api import PHOTO_KINDS, PHOTO_MAX_EDGE, Photo, PhotoError, PhotoStore

MAX_PHOTOS = 3
MAX_EDGE = PHOTO_MAX_EDGE
KINDS = PHOTO_KINDS

_store = PhotoStore("requests")
process = _store.process
keep = _store.keep
kept = _store.kept
kept_path = _store.kept_path
store = _store.store
path_of = _store.path_of
upload_dir = _store.folder

__all__ = [
    "KINDS",
    "MAX_EDGE",
    "MAX_PHOTOS",
    "Photo",
    "PhotoError",
    "keep",
    "kept",
    "kept_path",
    "path_of",
    "process",
    "store",
    "upload_dir",
]
