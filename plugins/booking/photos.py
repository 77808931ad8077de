"""Photos of spaces: up to ``MAX_SPACE_PHOTOS`` per space, in the order staff give them.

The files go through the platform's ``PhotoStore`` (checked by content, re-encoded upright
without EXIF, kept across a failed form); this module keeps the rows: adding under the
community's lock (two desks adding at once never pass the limit), moving one place up or
down, removing (the file after the commit). Photos of spaces are not personal data: the
public free-slots page shows those of the spaces it lists.
"""

from __future__ import annotations

from collections import defaultdict

from core.plugin_api import Photo, PhotoStore, community_lock, db
from plugins.booking.models import MAX_SPACE_PHOTOS, Space, SpacePhoto

MAX_PHOTO_MB = 20  # what a phone sends, before it is scaled down
store = PhotoStore("booking")


class TooMany(ValueError):
    """The space already has ``MAX_SPACE_PHOTOS`` photos."""


def photos_of(space_ids: list[int]) -> dict[int, list[SpacePhoto]]:
    """The photos of these spaces, in order, with one query."""
    if not space_ids:
        return {}
    rows = db.session.execute(
        db.select(SpacePhoto)
        .where(SpacePhoto.space_id.in_(space_ids))
        .order_by(SpacePhoto.space_id, SpacePhoto.position, SpacePhoto.id)
    ).scalars()
    found: dict[int, list[SpacePhoto]] = defaultdict(list)
    for row in rows:
        found[row.space_id].append(row)
    return found


def count(space_id: int) -> int:
    return db.session.execute(
        db.select(db.func.count(SpacePhoto.id)).where(SpacePhoto.space_id == space_id)
    ).scalar_one()


def add(space: Space, photos: list[Photo], caption: str, user_id: int) -> list[SpacePhoto]:
    """Store these photos after the space's others; TooMany (nothing stored) if they do
    not fit. The caller commits."""
    community_lock(f"booking.space_photos.{space.id}")
    existing = db.session.execute(
        db.select(db.func.count(SpacePhoto.id), db.func.max(SpacePhoto.position)).where(
            SpacePhoto.space_id == space.id
        )
    ).one()
    if existing[0] + len(photos) > MAX_SPACE_PHOTOS:
        raise TooMany(space.id)
    position = (existing[1] or 0) + 1
    rows = []
    for offset, photo in enumerate(photos):
        rows.append(
            SpacePhoto(
                space_id=space.id,
                stored_name=store.store(photo, user_id),
                content_type=photo.content_type,
                size=len(photo.data),
                caption=caption,
                position=position + offset,
            )
        )
    db.session.add_all(rows)
    return rows


def move(photo: SpacePhoto, step: int) -> None:
    """Swap the photo with its neighbour before (-1) or after (+1); at an end, nothing."""
    ordered = photos_of([photo.space_id])[photo.space_id]
    index = next(i for i, p in enumerate(ordered) if p.id == photo.id)
    other = index + step
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, row in enumerate(ordered, start=1):
        row.position = position


def remove(photo: SpacePhoto) -> str:
    """Delete the row; returns the stored name, whose file the caller removes with
    ``store.delete`` after its commit (a failed commit keeps both)."""
    db.session.delete(photo)
    return photo.stored_name
