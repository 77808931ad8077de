"""Photos of spaces: staff add (up to six), order and remove them; members see them on
the space's page; anyone sees those of the spaces the public free-slots page lists.

Every photo is found through its space of this community (another community's ids: 404)
and served by ``PhotoStore.send`` after the check of who may see it."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from core.plugin_api import audit, commit, db, plugin_settings, public, requires
from plugins.booking import photos
from plugins.booking.forms import SpacePhotosForm
from plugins.booking.i18n import _
from plugins.booking.models import MAX_SPACE_PHOTOS, Space, SpacePhoto
from plugins.booking.views import bp, page, space_or_404

MANAGE = "booking.manage"


def _photo_or_404(space: Space, photo_id: int) -> SpacePhoto:
    photo = db.session.execute(
        db.select(SpacePhoto).where(SpacePhoto.id == photo_id, SpacePhoto.space_id == space.id)
    ).scalar_one_or_none()
    if photo is None:
        abort(404)
    return photo


def _photos_page(space: Space, form: SpacePhotosForm, status: int = 200):
    kept = [photos.store.keep(p, current_user.id) for p in form.photo_files]
    return page(
        "booking/photos.html",
        space=space,
        form=form,
        photos=photos.photos_of([space.id]).get(space.id, []),
        kept=kept,
        limit=MAX_SPACE_PHOTOS,
        max_mb=photos.MAX_PHOTO_MB,
    ), status


@bp.route("/manage/spaces/<int:space_id>/photos", methods=["GET", "POST"])
@requires(MANAGE)
def space_photos(space_id: int):
    """The space's photos in order, with a form to add more (a failed try keeps the
    good photos and the caption)."""
    space = space_or_404(space_id)
    form = SpacePhotosForm(
        stored=photos.count(space.id),
        kept=request.form.getlist("kept_photo"),
        user_id=current_user.id,
    )
    if not form.validate_on_submit():
        return _photos_page(space, form, 422 if request.method == "POST" else 200)
    try:
        added = photos.add(space, form.photo_files, form.caption.data or "", current_user.id)
    except photos.TooMany:
        db.session.rollback()
        form.photos.errors.append(
            _("This space has %(n)d photos already; remove one first.", n=MAX_SPACE_PHOTOS)
        )
        return _photos_page(space, form, 422)
    audit("booking.space_photos_added", f"{space.name}: {len(added)}")
    commit()
    flash(_("Photos added."), "success")
    return redirect(url_for("booking.space_photos", space_id=space.id))


@bp.route("/manage/spaces/<int:space_id>/photos/<int:photo_id>/move", methods=["POST"])
@requires(MANAGE)
def move_space_photo(space_id: int, photo_id: int):
    space = space_or_404(space_id)
    photo = _photo_or_404(space, photo_id)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is None:
        flash(_("Choose whether to move the photo up or down."), "error")
        form = SpacePhotosForm(formdata=None, stored=photos.count(space.id))
        return _photos_page(space, form, 422)
    photos.move(photo, step)
    commit()
    return redirect(url_for("booking.space_photos", space_id=space.id))


@bp.route("/manage/spaces/<int:space_id>/photos/<int:photo_id>/remove", methods=["GET", "POST"])
@requires(MANAGE)
def remove_space_photo(space_id: int, photo_id: int):
    """Ask first (the photo is shown), then remove it."""
    space = space_or_404(space_id)
    photo = _photo_or_404(space, photo_id)
    if request.method == "GET":
        return page("booking/photo_remove.html", space=space, photo=photo)
    name = photos.remove(photo)
    audit("booking.space_photo_removed", space.name)
    commit()
    photos.store.delete(name)
    flash(_("Photo removed."), "success")
    return redirect(url_for("booking.space_photos", space_id=space.id))


@bp.route("/manage/photos/kept/<token>")
@requires(MANAGE)
def kept_space_photo(token: str):
    """A photo kept from a failed try of the form: only for the person who chose it."""
    return photos.store.send_kept(token, current_user.id)


@bp.route("/spaces/<int:space_id>/photos/<int:photo_id>")
def space_photo(space_id: int, photo_id: int):
    """A photo of a space, for those who see the space's page."""
    space = space_or_404(space_id, active_only=True)
    photo = _photo_or_404(space, photo_id)
    return photos.store.send(photo.stored_name, photo.content_type)


@bp.route("/free/spaces/<int:space_id>/photos/<int:photo_id>")
@public
def public_space_photo(space_id: int, photo_id: int):
    """A photo of a space the public free-slots page lists (published, active): for
    anyone, and shared caches may keep it."""
    if not plugin_settings("booking")["public_free_slots"]:
        abort(404)
    space = space_or_404(space_id)
    if not space.active:
        abort(404)
    photo = _photo_or_404(space, photo_id)
    return photos.store.send(photo.stored_name, photo.content_type, public=True)
