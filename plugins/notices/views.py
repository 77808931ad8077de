from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.plugin_api import audit, commit, db, emit, paginate, plugin_settings, public, requires
from plugins.notices import can_manage
from plugins.notices.forms import NoticeForm
from plugins.notices.i18n import _
from plugins.notices.models import Notice

bp = Blueprint("notices", __name__, template_folder="templates")


def _notice_or_404(notice_id: int) -> Notice:
    notice = db.session.execute(
        db.select(Notice).where(Notice.id == notice_id)
    ).scalar_one_or_none()
    if notice is None:
        abort(404)
    return notice


def _listing(select, template: str):
    q = request.args.get("q", "").strip()
    if q:
        select = select.where(db.or_(Notice.title.contains(q), Notice.body.contains(q)))
    page = paginate(select, Notice.id, per_page=plugin_settings("notices")["per_page"])
    return render_template(template, page=page, q=q, can_manage=can_manage())


@bp.route("/")
def index():
    return _listing(db.select(Notice), "notices/index.html")


@bp.route("/public")
@public
def public_board():
    if not plugin_settings("notices")["public_board"]:
        abort(404)
    return _listing(db.select(Notice).where(Notice.public.is_(True)), "notices/public.html")


@bp.route("/<int:notice_id>")
def show(notice_id: int):
    return render_template(
        "notices/show.html", notice=_notice_or_404(notice_id), can_manage=can_manage()
    )


@bp.route("/new", methods=["GET", "POST"])
@requires("notices.manage")
def create():
    form = NoticeForm()
    if form.validate_on_submit():
        notice = Notice(author_id=current_user.id)
        form.populate_obj(notice)
        db.session.add(notice)
        db.session.flush()
        emit("notice_published", notice_id=notice.id, title=notice.title, public=notice.public)
        commit()
        flash(_("Notice published."), "success")
        return redirect(url_for("notices.show", notice_id=notice.id))
    status = 422 if request.method == "POST" else 200
    return render_template("notices/form.html", form=form, notice=None), status


@bp.route("/<int:notice_id>/edit", methods=["GET", "POST"])
@requires("notices.manage")
def edit(notice_id: int):
    notice = _notice_or_404(notice_id)
    form = NoticeForm(obj=notice)
    if form.validate_on_submit():
        form.populate_obj(notice)
        commit()
        flash(_("Notice saved."), "success")
        return redirect(url_for("notices.show", notice_id=notice.id))
    status = 422 if request.method == "POST" else 200
    return render_template("notices/form.html", form=form, notice=notice), status


@bp.route("/<int:notice_id>/delete", methods=["POST"])
@requires("notices.manage")
def delete(notice_id: int):
    notice = _notice_or_404(notice_id)
    audit("notice.deleted", notice.title)
    db.session.delete(notice)
    commit()
    flash(_("Notice deleted."), "success")
    return redirect(url_for("notices.index"))
