"""The QR link: opening it shows the activity and one button, check in or check out.
Opening changes nothing (a GET); the button posts. A refused scan says why, with a 4xx."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from core.plugin_api import commit, db, render
from plugins.volunteers import hours, qr
from plugins.volunteers.i18n import _
from plugins.volunteers.points import hours_text
from plugins.volunteers.views import bp

TOKEN = "<string(maxlength=200):token>"


def _refused(message: str, status: int):
    return render("volunteers/scan.html", activity=None, log=None, token="", error=message), status


@bp.route(f"/scan/{TOKEN}")
def scan(token: str):
    try:
        activity = qr.activity_for(token)
    except qr.ScanError as exc:
        return _refused(str(exc), 404)
    error = None
    try:
        qr.window_check(activity)
    except qr.ScanError as exc:
        error = str(exc)
    log = hours.open_log(current_user.id, activity)
    if log is not None and log.status != "open":
        error = _("This code was already used: you checked in and out of this activity.")
    return render("volunteers/scan.html", activity=activity, log=log, token=token, error=error), (
        410 if error else 200
    )


@bp.route(f"/scan/{TOKEN}", methods=["POST"])
def scan_post(token: str):
    try:
        activity = qr.activity_for(token)
    except qr.ScanError as exc:
        return _refused(str(exc), 404)
    try:
        qr.window_check(activity)
        log = hours.open_log(current_user.id, activity)
        if log is None:
            hours.check_in(current_user.id, activity)
            message = _("Checked in. Scan again when you leave.")
        else:
            log = hours.check_out(current_user.id, activity)
            message = _(
                "Checked out: %(hours)s h sent for approval. Thank you!",
                hours=hours_text(log.minutes),
            )
    except (qr.ScanError, hours.HoursError) as exc:
        db.session.rollback()
        log = hours.open_log(current_user.id, activity)
        return render(
            "volunteers/scan.html", activity=activity, log=log, token=token, error=str(exc)
        ), 409
    commit()
    flash(message, "success")
    return redirect(url_for("volunteers.scan_done", activity_id=activity.id))


@bp.route("/activities/<int:activity_id>/scanned")
def scan_done(activity_id: int):
    return redirect(url_for("volunteers.activity", activity_id=activity_id))
