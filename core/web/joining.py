"""Finding and joining a community: the directory, the request to join (楼栋/房号), and the
staff's page of pending requests. The rules are in ``core.community.joining``."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.community import joining
from core.community.permissions import has_permission, membership, public, requires
from core.extensions import db
from core.services.pagination import paginate
from core.web.forms import DeclineForm, JoinForm
from tenants.context import all_tenants, current_community
from tenants.models import JoinRequest, Membership, Tenant

bp = Blueprint("joining", __name__)


# ----- the directory ---------------------------------------------------------------------
def _search(q: str):
    select = db.select(Tenant)
    for word in q.split()[:5]:  # every word must match one of the fields
        select = select.where(
            db.or_(
                *(
                    column.icontains(word, autoescape=True)
                    for column in (Tenant.name_zh, Tenant.name_en, Tenant.street, Tenant.city)
                )
            )
        )
    return select


@bp.route("/communities")
def directory():
    q = request.args.get("q", "").strip()[:100]
    with all_tenants():
        page = paginate(_search(q), Tenant.id, per_page=30)
        mine: dict[int, str] = {}
        if current_user.is_authenticated and page.items:
            ids = [t.id for t in page.items]
            for tenant_id in db.session.execute(
                db.select(Membership.tenant_id).where(
                    Membership.user_id == current_user.id, Membership.tenant_id.in_(ids)
                )
            ).scalars():
                mine[tenant_id] = "member"
            for tenant_id, status in db.session.execute(
                db.select(JoinRequest.tenant_id, JoinRequest.status).where(
                    JoinRequest.user_id == current_user.id, JoinRequest.tenant_id.in_(ids)
                )
            ).all():
                mine.setdefault(tenant_id, status)
    template = "joining/_directory_results.html" if request.htmx else "joining/directory.html"
    return render_template(template, page=page, q=q, mine=mine)


# ----- asking to join ----------------------------------------------------------------------
@bp.route("/c/<tenant>/join/apply", methods=["GET", "POST"])
@public  # open to anyone signed in who is not a member yet
def apply():
    tenant = current_community()
    if not current_user.is_authenticated:
        return redirect(url_for("auth.signup", next=request.path))
    if membership() is not None:
        return redirect(url_for("community.dashboard"))
    if not tenant.open_registration:
        return render_template("joining/apply.html", form=None, req=None), 403
    req = joining.request_of(current_user.id)
    form = JoinForm(obj=req if req is not None and request.method == "GET" else None)
    if req is not None and req.status == "declined" and request.method == "GET":
        form.note.data = ""
    if form.validate_on_submit():
        req = joining.ask(
            current_user,
            building=form.building.data.strip(),
            room=form.room.data.strip(),
            note=(form.note.data or "").strip(),
        )
        db.session.commit()
        if req.status == "approved":
            flash(_("Welcome to %(community)s.", community=tenant.name()), "success")
            return redirect(url_for("community.dashboard"), 303)
        flash(_("Your request is sent. You will be told when staff have answered."), "success")
        return redirect(url_for("joining.apply"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("joining/apply.html", form=form, req=req), status


# ----- staff: pending requests -------------------------------------------------------------
def _request_or_404(request_id: int) -> JoinRequest:
    req = db.session.execute(
        db.select(JoinRequest).where(JoinRequest.id == request_id)
    ).scalar_one_or_none()
    if req is None:
        abort(404)
    return req


def _requests_page(status: int = 200, failed: JoinRequest | None = None, form=None):
    page = paginate(joining.pending(), JoinRequest.id, per_page=30)
    return render_template(
        "joining/requests.html",
        page=page,
        count=joining.pending_count(),
        failed=failed,
        failed_form=form,
    ), status


@bp.route("/c/<tenant>/join-requests")
@requires("core.join_requests")
def requests():
    return _requests_page()


@bp.route("/c/<tenant>/join-requests/<int:request_id>/approve", methods=["POST"])
@requires("core.join_requests")
def approve(request_id: int):
    req = _request_or_404(request_id)
    try:
        joining.approve(req, current_user.id)
    except joining.JoinError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _requests_page(409)
    db.session.commit()
    flash(_("%(name)s is now a member.", name=req.user.name), "success")
    return redirect(url_for("joining.requests"), 303)


@bp.route("/c/<tenant>/join-requests/<int:request_id>/decline", methods=["POST"])
@requires("core.join_requests")
def decline(request_id: int):
    req = _request_or_404(request_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _requests_page(422, failed=req, form=form)
    try:
        joining.decline(req, current_user.id, form.reason.data)
    except joining.JoinError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _requests_page(409)
    db.session.commit()
    flash(_("Declined. %(name)s reads your reason.", name=req.user.name), "success")
    return redirect(url_for("joining.requests"), 303)


def pending_join_requests() -> int:
    """For the menu: pending requests, if the person answers them (else 0)."""
    if current_community() is None or not has_permission("core.join_requests"):
        return 0
    return joining.pending_count()


def install(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["pending_join_requests"] = pending_join_requests
