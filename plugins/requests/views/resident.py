"""What a resident does: report, follow their own requests, check the result."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from core.plugin_api import Once, commit, db, paginate, requires, run_once
from plugins.requests import catalogue, photos, workflow
from plugins.requests.forms import CheckForm, RejectForm, ReportForm
from plugins.requests.i18n import _
from plugins.requests.models import Photo, Request
from plugins.requests.views import bp, request_or_404, settings, targets
from plugins.requests.views.detail import render_show


@bp.route("/")
@requires("requests.report")
def index():
    """The signed-in resident's own requests, newest first."""
    select = db.select(Request).where(Request.requester_id == current_user.id)
    page = paginate(select, Request.id, per_page=settings()["per_page"])
    return render_template("requests/index.html", page=page)


def save_photos(req: Request, files: list[tuple[bytes, str, str]]) -> None:
    for data, content_type, extension in files:
        db.session.add(
            Photo(
                request_id=req.id,
                stored_name=photos.save(data, extension),
                content_type=content_type,
                size=len(data),
            )
        )


def report_fields(form: ReportForm) -> dict:
    return {
        "details": form.details.data or "",
        "building": form.building.data.strip(),
        "grid": (form.grid.data or "").strip(),
        "category_id": form.category_id.data,
        "contact_preference": form.contact_preference.data,
        "contact_phone": (form.contact_phone.data or "").strip(),
        "anonymous": bool(form.anonymous.data),
    }


def file_report(form: ReportForm, **fields) -> tuple[Once, str]:
    """Store a report once per form key (a repeat submit finds the first) and commit.
    Returns what was stored and its number ("" for a repeat), taken before the commit:
    nothing is read back afterwards, so a lost database after the commit cannot turn a
    stored report into an error page that invites a second one."""
    number = {}

    def store() -> int:
        req = workflow.create(
            targets(), title=form.title.data.strip(), **fields, **report_fields(form)
        )
        save_photos(req, form.photo_files)
        number["value"] = req.number
        return req.id

    once = run_once(form.idempotency_key.data, "requests.report", store)
    return once, number.get("value", "")


def flash_repeat() -> None:
    flash(_("This request was already received; it was not stored twice."), "info")


@bp.route("/new", methods=["GET", "POST"])
@requires("requests.report")
def create():
    form = ReportForm(
        categories=catalogue.active_categories(), max_photo_mb=settings()["max_photo_mb"]
    )
    if form.validate_on_submit():
        once, number = file_report(
            form, actor_id=current_user.id, requester_id=current_user.id, channel="online"
        )
        if once.repeated:
            flash_repeat()
        else:
            flash(_("Thank you. Your request %(number)s was received.", number=number), "success")
        return redirect(url_for("requests.show", request_id=once.result_id))
    status = 422 if request.method == "POST" else 200
    return render_template("requests/new.html", form=form, desk=False), status


@bp.route("/<int:request_id>")
def show(request_id: int):
    return render_show(request_or_404(request_id))


def _own_request(request_id: int) -> Request:
    req = request_or_404(request_id)
    if req.requester_id != current_user.id:
        abort(404)  # only the requester checks the result (首诉人验收)
    return req


@bp.route("/<int:request_id>/accept", methods=["POST"])
@requires("requests.report")
def accept(request_id: int):
    req = _own_request(request_id)
    form = CheckForm()
    if not form.validate_on_submit():
        return render_show(req, 422, accept=form)
    try:
        workflow.accept(req, current_user.id, form.note.data or "")
    except workflow.WorkflowError as exc:
        flash(str(exc), "error")
        return render_show(req, 409)
    commit()
    flash(_("Thank you. The request is closed."), "success")
    return redirect(url_for("requests.show", request_id=req.id))


@bp.route("/<int:request_id>/reject", methods=["POST"])
@requires("requests.report")
def reject(request_id: int):
    req = _own_request(request_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return render_show(req, 422, reject=form)
    try:
        workflow.reject(req, current_user.id, form.reason.data.strip())
    except workflow.WorkflowError as exc:
        flash(str(exc), "error")
        return render_show(req, 409)
    commit()
    flash(_("Noted. The request is open again and will be handled further."), "success")
    return redirect(url_for("requests.show", request_id=req.id))


@bp.route("/<int:request_id>/photos/<int:photo_id>")
def photo(request_id: int, photo_id: int):
    req = request_or_404(request_id)
    row = db.session.execute(
        db.select(Photo).where(Photo.id == photo_id, Photo.request_id == req.id)
    ).scalar_one_or_none()
    if row is None or not photos.path_of(row.stored_name).exists():
        abort(404)
    return send_file(photos.path_of(row.stored_name), mimetype=row.content_type, max_age=3600)
