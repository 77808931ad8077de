"""What a resident does: report, follow their own requests, check the result."""

from __future__ import annotations

from flask import abort, flash, render_template, request, send_file, url_for
from flask_login import current_user

from core.plugin_api import (
    Once,
    commit,
    db,
    form_success,
    paginate,
    requires,
    run_once,
    show_messages_in,
)
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


def save_photos(req: Request, files: list[photos.Photo]) -> None:
    for photo in files:
        db.session.add(
            Photo(
                request_id=req.id,
                stored_name=photos.store(photo, current_user.id),
                content_type=photo.content_type,
                size=len(photo.data),
            )
        )


def report_form(form_class: type[ReportForm]) -> ReportForm:
    """The report form, with the photos this person chose in an earlier, failed try."""
    return form_class(
        categories=catalogue.active_categories(),
        max_photo_mb=settings()["max_photo_mb"],
        kept=request.form.getlist("kept_photo"),
        user_id=current_user.id,
    )


def render_report(form: ReportForm, desk: bool):
    """The form again; after a failed POST its good photos are kept and shown (422)."""
    if request.method != "POST":
        return render_template("requests/new.html", form=form, desk=desk, kept=[]), 200
    kept = [photos.keep(photo, current_user.id) for photo in form.photo_files]
    return render_template("requests/new.html", form=form, desk=desk, kept=kept), 422


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


def report_filed(once: Once, message: str):
    """After a report: its page, with ``message``, or with a note that a repeat of the
    same form (a second tap, a resent form) stored nothing new."""
    if once.repeated:
        return form_success(
            _("This request was already received; it was not stored twice."),
            redirect_to=url_for("requests.show", request_id=once.result_id),
            category="info",
        )
    return form_success(message, redirect_to=url_for("requests.show", request_id=once.result_id))


@bp.route("/new", methods=["GET", "POST"])
@requires("requests.report")
def create():
    form = report_form(ReportForm)
    if form.validate_on_submit():
        once, number = file_report(
            form, actor_id=current_user.id, requester_id=current_user.id, channel="online"
        )
        return report_filed(
            once,
            _("Thank you. Your request %(number)s was received.", number=number),
        )
    return render_report(form, desk=False)


@bp.route("/new/photos/<token>")
def kept_photo(token: str):
    """A photo kept from a failed try of the form: only for the person who chose it."""
    path = photos.kept_path(token, current_user.id)
    if path is None:
        abort(404)
    return send_file(path, mimetype=photos.KINDS[path.suffix[1:]], max_age=0)


@bp.route("/<int:request_id>")
def show(request_id: int):
    return render_show(request_or_404(request_id))


def _own_request(request_id: int) -> Request:
    req = request_or_404(request_id)
    if req.requester_id != current_user.id:
        abort(404)  # only the requester checks the result (首诉人验收)
    return req


def _checked(req: Request, message: str):
    return form_success(
        message,
        redirect_to=url_for("requests.show", request_id=req.id),
        region="rq-check",
        render=lambda: render_show(request_or_404(req.id)),
    )


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
        show_messages_in("rq-check")
        return render_show(req, 409)
    commit()
    return _checked(req, _("Thank you. The request is closed."))


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
        show_messages_in("rq-check")
        return render_show(req, 409)
    commit()
    return _checked(req, _("Noted. The request is open again and will be handled further."))


@bp.route("/<int:request_id>/photos/<int:photo_id>")
def photo(request_id: int, photo_id: int):
    req = request_or_404(request_id)
    row = db.session.execute(
        db.select(Photo).where(Photo.id == photo_id, Photo.request_id == req.id)
    ).scalar_one_or_none()
    if row is None or not photos.path_of(row.stored_name).exists():
        abort(404)
    return send_file(photos.path_of(row.stored_name), mimetype=row.content_type, max_age=3600)
