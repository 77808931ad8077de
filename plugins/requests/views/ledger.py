"""The ledger (民情台账) page and its CSV/Excel export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template, request

from core.plugin_api import (
    ExportColumn,
    cached_page,
    current_tenant,
    db,
    export_response,
    paginate,
    requires,
    to_local,
)
from plugins.requests import catalogue, clock, counts, ledger, workflow
from plugins.requests.i18n import _
from plugins.requests.labels import CLOSED_HOW_LABELS, KIND_SHORT, STATUS_LABELS, outcome_text
from plugins.requests.models import Category, Request, number, with_category
from plugins.requests.views import bp, settings, targets


@dataclass(frozen=True)
class Line:
    """One row of the ledger list: what it shows, read as columns, not whole requests."""

    id: int
    number: str
    kind: str | None
    title: str
    category: str
    status: str
    owner: str
    handler: str
    deadline: datetime | None
    created_at: datetime


LIST_COLUMNS = (
    Request.id,
    Request.year,
    Request.seq,
    Request.kind,
    Request.title,
    Category.name,
    Request.status,
    Request.owner,
    Request.handler,
    Request.deadline,
    Request.created_at,
)


@bp.route("/ledger")
@cached_page
@requires("requests.handle")
def ledger_page():
    filters = ledger.Filters.from_args(request.args)
    now = clock.now()
    tz = current_tenant().timezone
    base = filters.apply(db.select(Request), tz, now)
    listed = filters.apply(
        db.select(*LIST_COLUMNS).outerjoin(Category, with_category(Request)), tz, now
    )
    page = paginate(listed, Request.id, per_page=settings()["per_page"])
    page.items = [
        Line(
            r.id,
            number(r.year, r.seq),
            r.kind,
            r.title,
            r.name or "",
            r.status,
            r.owner,
            r.handler,
            r.deadline,
            r.created_at,
        )
        for r in page.items
    ]
    months = ledger.months_back(to_local(now, tz).date())
    if filters.counted:  # the whole ledger, or one kind/status: the kept counts
        figures = ledger.figures_from_counts(filters, targets(), now)
        table = counts.monthly(months, filters.kind, filters.status)
    else:  # a narrower filter: aggregate its rows
        figures = ledger.figures(base, targets(), now)
        table = ledger.monthly_counts(base, months)
    context = {
        "filters": filters,
        "page": page,
        "figures": figures,
        "targets": targets(),
        "table": table,
        "chart": ledger.chart_bars(table),
        "categories": catalogue.all_categories(),
        "owners": counts.owners(),
        "is_overdue": lambda r: workflow.is_overdue(r, now),
    }
    return render_template("requests/ledger.html", **context), 422 if filters.errors else 200


def export_columns() -> list[ExportColumn]:
    """The export's columns, headed in the reader's language."""
    return [
        ExportColumn(_("Number"), width=11),
        ExportColumn(_("Kind"), width=12),
        ExportColumn(_("Status")),
        ExportColumn(_("Category")),
        ExportColumn(_("Matter"), width=40),
        ExportColumn(_("Where"), width=18),
        ExportColumn(_("Grid")),
        ExportColumn(_("Owner"), width=20),
        ExportColumn(_("Office")),
        ExportColumn(_("Handler")),
        ExportColumn(_("Deadline"), "datetime"),
        ExportColumn(_("Received"), "datetime"),
        ExportColumn(_("First response (min)"), "number"),
        ExportColumn(_("Closed"), "datetime"),
        ExportColumn(_("Closed how"), width=18),
        ExportColumn(_("Outcome"), width=40),
    ]


def _export_rows(filters: ledger.Filters) -> list[list]:
    """Plain column rows (no ORM objects): the export streams after the request ends."""
    tz = current_tenant().timezone
    select = filters.apply(
        db.select(
            Request.year,
            Request.seq,
            Request.kind,
            Request.status,
            Category.name,
            Request.title,
            Request.building,
            Request.grid,
            Request.owner,
            Request.office,
            Request.handler,
            Request.deadline,
            Request.created_at,
            Request.first_response_seconds,
            Request.closed_at,
            Request.closed_how,
            Request.outcome,
            Request.assignee_key,
        ).outerjoin(Category, with_category(Request)),
        tz,
    ).order_by(Request.id)

    # Labels are resolved once, not per row: at 100,000 rows it matters. Times stay
    # datetimes: the export writes them as dates in the community's time zone.
    kinds = {k: str(v) for k, v in KIND_SHORT.items()}
    statuses = {k: str(v) for k, v in STATUS_LABELS.items()}
    closed_how = {k: str(v) for k, v in CLOSED_HOW_LABELS.items()}

    rows = []
    for r in db.session.execute(select):
        minutes = r.first_response_seconds
        rows.append(
            [
                f"{r.year}-{r.seq:04d}",
                kinds.get(r.kind, ""),
                statuses[r.status],
                r.name or "",
                r.title,
                r.building,
                r.grid,
                r.owner,
                r.office,
                r.handler,
                r.deadline,
                r.created_at,
                round(minutes / 60, 1) if minutes is not None else None,
                r.closed_at,
                closed_how.get(r.closed_how, ""),
                outcome_text(r.outcome, r.kind, r.assignee_key, r.owner),
            ]
        )
    return rows


@bp.route("/ledger.csv")
@requires("requests.handle")
def ledger_csv():
    filters = ledger.Filters.from_args(request.args)
    return export_response(
        _("Request ledger"), export_columns(), _export_rows(filters), fmt="csv", key="requests"
    )


@bp.route("/ledger.xlsx")
@requires("requests.handle")
def ledger_xlsx():
    filters = ledger.Filters.from_args(request.args)
    return export_response(
        _("Request ledger"), export_columns(), _export_rows(filters), key="requests"
    )
