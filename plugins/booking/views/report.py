"""Usage figures and the bookings ledger as CSV or Excel (staff)."""

from __future__ import annotations

from datetime import timedelta

from flask import request

from core.plugin_api import (
    csv_response,
    db,
    parse_date,
    plugin_settings,
    requires,
    to_local,
    xlsx_response,
)
from plugins.booking import figures, rules
from plugins.booking.i18n import _
from plugins.booking.labels import ATTENDANCE_LABELS, CHANNEL_LABELS, STATUS_LABELS
from plugins.booking.models import Booking, Organisation, Space
from plugins.booking.views import bp, page, today, tz

MAX_DAYS = 400


def _period() -> tuple:
    """(first, last, error): the period asked for, or the last four weeks and why."""
    this_monday = rules.week_of(today())
    default = (this_monday - timedelta(weeks=3), this_monday + timedelta(days=6))
    raw_first, raw_last = request.args.get("from", ""), request.args.get("to", "")
    if not raw_first and not raw_last:
        return (*default, None)
    first, last = parse_date(raw_first), parse_date(raw_last)
    if first is None or last is None:
        return (*default, _("Give both dates as YYYY-MM-DD; showing the last four weeks."))
    if last < first or (last - first).days > MAX_DAYS:
        return (*default, _("Choose a period of at most 400 days, the end after the start."))
    return first, last, None


@bp.route("/manage/report")
@requires("booking.manage")
def report():
    first, last, error = _period()
    data = figures.build(first, last, tz(), plugin_settings("booking")["evening_from"])
    html = page(
        "booking/report.html",
        report=data,
        error=error,
        raw_from=request.args.get("from", first.isoformat()),
        raw_to=request.args.get("to", last.isoformat()),
    )
    return html, 422 if error else 200


@bp.route("/manage/bookings.csv")
@requires("booking.manage")
def download_csv():
    return _download("csv")


@bp.route("/manage/bookings.xlsx")
@requires("booking.manage")
def download_xlsx():
    return _download("xlsx")


def _download(fmt: str):
    first, last, error = _period()
    if error:
        return page("booking/report_error.html", error=error), 422
    rows = db.session.execute(
        db.select(Booking, Space.name)
        .join(Space, Space.id == Booking.space_id)
        .where(
            Booking.starts_at >= rules.midnight(first, tz()),
            Booking.starts_at < rules.midnight(last + timedelta(days=1), tz()),
        )
        .order_by(Booking.starts_at, Booking.id)
    ).all()
    orgs = dict(db.session.execute(db.select(Organisation.id, Organisation.name)).all())
    header = [
        _("Day"), _("From"), _("Until"), _("Space"), _("Who"), _("Organisation"), _("Use"),
        _("What for"), _("People"), _("Status"), _("Channel"), _("Came?"), _("Fee (yuan)"),
        _("Paid with"), _("Booked at"),
    ]  # fmt: skip
    out = []
    for b, space_name in rows:
        start, end = to_local(b.starts_at, tz()), to_local(b.ends_at, tz())
        out.append(
            (
                start.strftime("%Y-%m-%d"), start.strftime("%H:%M"), end.strftime("%H:%M"),
                space_name, b.person_name, orgs.get(b.organisation_id, ""), b.use, b.purpose,
                b.attendees, str(STATUS_LABELS[b.status]), str(CHANNEL_LABELS[b.channel]),
                str(ATTENDANCE_LABELS[b.attendance]) if b.attendance else "",
                b.fee_fen / 100, b.payment,
                to_local(b.created_at, tz()).strftime("%Y-%m-%d %H:%M"),
            )
        )  # fmt: skip
    respond = csv_response if fmt == "csv" else xlsx_response
    return respond(f"bookings-{first.isoformat()}-{last.isoformat()}.{fmt}", header, out)
