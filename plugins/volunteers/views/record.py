"""A volunteer's own page, the leaderboard, downloads, certificates and their check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from core.plugin_api import (
    cached_page,
    commit,
    csv_response,
    current_tenant,
    db,
    get_member,
    get_members,
    paginate,
    public,
    render,
    requires,
    to_local,
    xlsx_response,
)
from plugins.volunteers import ledger, record
from plugins.volunteers.forms import ProfileForm
from plugins.volunteers.i18n import _
from plugins.volunteers.models import Certificate, Entry, HourLog, Profile, ServiceCategory
from plugins.volunteers.points import hours_text
from plugins.volunteers.views import bp, can_manage, settings

FORMATS = "<string(maxlength=4):fmt>"  # csv or xlsx; anything else 404 (_respond)
EXPORT_LIMIT = 50_000


def _profile(user_id: int) -> Profile | None:
    return db.session.execute(
        sa.select(Profile).where(Profile.user_id == user_id)
    ).scalar_one_or_none()


def _render_record(user_id: int, name: str, own: bool):
    figures = record.totals(user_id)
    earned, next_honour = record.honours(figures.minutes)
    entries = paginate(
        sa.select(Entry).where(Entry.user_id == user_id),
        Entry.id,
        per_page=settings()["per_page"],
    )
    logs = list(
        db.session.execute(
            sa.select(HourLog)
            .where(HourLog.user_id == user_id)
            .order_by(HourLog.id.desc())
            .limit(settings()["per_page"])
        ).scalars()
    )
    category_names = dict(
        db.session.execute(sa.select(ServiceCategory.id, ServiceCategory.name)).all()
    )
    return render(
        "volunteers/me.html",
        user_id=user_id,
        name=name,
        own=own,
        figures=figures,
        balance=ledger.balance_of(user_id),
        earned=earned,
        next_honour=next_honour,
        entries=entries,
        logs=logs,
        category_names=category_names,
        hours_text=hours_text,
    )


@bp.route("/me")
@cached_page
def me():
    return _render_record(current_user.id, current_user.name, True)


@bp.route("/volunteers/<int:user_id>")
@requires("volunteers.manage")
def member_record(user_id: int):
    member = get_member(user_id)
    if member is None:
        abort(404)
    return _render_record(member.user_id, member.name, member.user_id == current_user.id)


@bp.route("/me/profile", methods=["GET", "POST"])
def profile():
    existing = _profile(current_user.id)
    form = ProfileForm(obj=existing)
    if form.validate_on_submit():
        if existing is None:
            existing = Profile(user_id=current_user.id)
            db.session.add(existing)
        existing.skills = form.skills.data or ""
        existing.availability = form.availability.data or ""
        existing.leaderboard_opt_out = bool(form.leaderboard_opt_out.data)
        commit()
        flash(_("Saved."), "success")
        return redirect(url_for("volunteers.me"))
    status = 422 if request.method == "POST" else 200
    return render("volunteers/profile.html", form=form), status


@bp.route("/leaderboard")
@cached_page
def leaderboard():
    period = request.args.get("period", "month")
    if period not in record.PERIODS:
        period = "month"
    return render(
        "volunteers/leaderboard.html",
        period=period,
        ranks=record.leaderboard(period),
        hours_text=hours_text,
    )


def _local(value) -> str:
    return to_local(value, current_tenant().timezone).strftime("%Y-%m-%d %H:%M") if value else ""


def _hours_rows(select) -> tuple[list, list]:
    logs = db.session.execute(select.order_by(HourLog.id.desc()).limit(EXPORT_LIMIT)).scalars()
    logs = list(logs)
    people = get_members(log.user_id for log in logs)
    category_names = dict(
        db.session.execute(sa.select(ServiceCategory.id, ServiceCategory.name)).all()
    )
    header = [
        _("Volunteer"),
        _("Date"),
        _("From"),
        _("Until"),
        _("Hours"),
        _("Category"),
        _("Status"),
        _("Points"),
        _("Note"),
    ]
    rows = [
        (
            people[log.user_id].name if log.user_id in people else str(log.user_id),
            log.work_date.isoformat(),
            _local(log.starts_at),
            _local(log.ends_at),
            float(hours_text(log.minutes)),
            category_names.get(log.category_id, ""),
            log.status,
            log.points,
            log.note,
        )
        for log in logs
    ]
    return header, rows


def _points_rows(select) -> tuple[list, list]:
    entries = list(
        db.session.execute(select.order_by(Entry.id.desc()).limit(EXPORT_LIMIT)).scalars()
    )
    people = get_members(e.user_id for e in entries)
    header = [_("Volunteer"), _("Time"), _("Points"), _("Kind"), _("Reason"), _("Reference")]
    rows = [
        (
            people[e.user_id].name if e.user_id in people else str(e.user_id),
            _local(e.created_at),
            e.amount,
            e.kind,
            e.reason,
            e.reference,
        )
        for e in entries
    ]
    return header, rows


def _format(fmt: str) -> str:
    if fmt not in ("csv", "xlsx"):
        abort(404)
    return fmt


def _respond(fmt: str, name: str, header, rows):
    respond = csv_response if fmt == "csv" else xlsx_response
    return respond(f"{name}.{fmt}", header, rows)


@bp.route(f"/me/hours.{FORMATS}")
def my_hours_download(fmt: str):
    fmt = _format(fmt)
    header, rows = _hours_rows(sa.select(HourLog).where(HourLog.user_id == current_user.id))
    return _respond(fmt, "my-volunteer-hours", header, rows)


@bp.route(f"/me/points.{FORMATS}")
def my_points_download(fmt: str):
    fmt = _format(fmt)
    header, rows = _points_rows(sa.select(Entry).where(Entry.user_id == current_user.id))
    return _respond(fmt, "my-points", header, rows)


@bp.route(f"/hours.{FORMATS}")
@requires("volunteers.manage")
def hours_download(fmt: str):
    fmt = _format(fmt)
    header, rows = _hours_rows(sa.select(HourLog))
    return _respond(fmt, "volunteer-hours", header, rows)


@bp.route(f"/points.{FORMATS}")
@requires("volunteers.manage")
def points_download(fmt: str):
    fmt = _format(fmt)
    header, rows = _points_rows(sa.select(Entry))
    return _respond(fmt, "points-ledger", header, rows)


@bp.route("/me/certificate", methods=["POST"])
def issue_certificate():
    if record.totals(current_user.id).minutes == 0:
        flash(_("A certificate needs approved hours first."), "error")
        return redirect(url_for("volunteers.me"))
    certificate = record.issue_certificate(current_user.id, current_user.name)
    commit()
    return redirect(url_for("volunteers.certificate", certificate_id=certificate.id))


@bp.route("/certificates/<int:certificate_id>")
def certificate(certificate_id: int):
    found = db.session.execute(
        sa.select(Certificate).where(Certificate.id == certificate_id)
    ).scalar_one_or_none()
    if found is None or (found.user_id != current_user.id and not can_manage()):
        abort(404)
    return render(
        "volunteers/certificate.html",
        certificate=found,
        hours_text=hours_text,
        verify_url=url_for("volunteers.verify", code=found.code, _external=True),
    )


@bp.route("/verify")
@public
def verify():
    raw = request.args.get("code")
    code = record.normalise_code(raw)
    found = None
    if code:
        found = db.session.execute(
            sa.select(Certificate).where(Certificate.code == code)
        ).scalar_one_or_none()
    status = 200
    if raw and found is None:
        status = 404 if code else 422
    return render(
        "volunteers/verify.html",
        raw=(raw or "")[:40],
        code=code,
        certificate=found,
        hours_text=hours_text,
    ), status
