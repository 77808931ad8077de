"""The ledger (民情台账) page and its CSV/Excel export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import render_template, request

from core.plugin_api import (
    csv_response,
    current_tenant,
    db,
    paginate,
    requires,
    to_local,
    xlsx_response,
)
from plugins.requests import catalogue, clock, counts, ledger, workflow
from plugins.requests.labels import CLOSED_HOW_LABELS, KIND_SHORT, STATUS_LABELS
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


EXPORT_HEADER = [
    "编号 Number",
    "类别 Kind",
    "状态 Status",
    "分类 Category",
    "事项 Matter",
    "地点 Place",
    "网格 Grid",
    "责任主体 Owner",
    "承办科室 Office",
    "承办人 Handler",
    "限时 Deadline",
    "受理时间 Received",
    "首次响应(分) First response (min)",
    "办结时间 Closed",
    "办结方式 Closed how",
    "结果 Outcome",
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
        ).outerjoin(Category, with_category(Request)),
        tz,
    ).order_by(Request.id)

    # Labels and the zone are resolved once, not per row: at 100,000 rows it matters.
    zone = ZoneInfo(tz)
    kinds = {k: str(v) for k, v in KIND_SHORT.items()}
    statuses = {k: str(v) for k, v in STATUS_LABELS.items()}
    closed_how = {k: str(v) for k, v in CLOSED_HOW_LABELS.items()}

    def when(value):
        if value is None:
            return ""
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")

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
                when(r.deadline),
                when(r.created_at),
                round(minutes / 60, 1) if minutes is not None else "",
                when(r.closed_at),
                closed_how.get(r.closed_how, ""),
                r.outcome,
            ]
        )
    return rows


@bp.route("/ledger.csv")
@requires("requests.handle")
def ledger_csv():
    filters = ledger.Filters.from_args(request.args)
    return csv_response(
        f"requests-{current_tenant().slug}.csv", EXPORT_HEADER, _export_rows(filters)
    )


@bp.route("/ledger.xlsx")
@requires("requests.handle")
def ledger_xlsx():
    filters = ledger.Filters.from_args(request.args)
    return xlsx_response(
        f"requests-{current_tenant().slug}.xlsx", EXPORT_HEADER, _export_rows(filters)
    )
