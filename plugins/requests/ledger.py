"""The request ledger (民情台账): filters, figures and the monthly chart.

The whole ledger, or one kind and/or status of it, reads its figures and chart from the
counts kept on every write (``counts.py``): the same cost at ten requests or a hundred
thousand. Other filters (category, owner, overdue, dates) aggregate the filtered rows in
one query each, over the index of that filter. The list itself is keyset paginated on the
indexes declared in ``models.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from core.plugin_api import DATE_MAX, DATE_MIN, db, parse_date, parse_id
from plugins.requests import clock, counts
from plugins.requests.i18n import _
from plugins.requests.models import KINDS, OPEN_STATUSES, STATUSES, Request
from plugins.requests.sla import Targets


@dataclass
class Filters:
    kind: str = ""
    status: str = ""
    category_id: int | None = None
    owner: str = ""
    overdue: bool = False
    date_from: date | None = None
    date_to: date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> Filters:
        f = cls()
        f.kind = args.get("kind", "") if args.get("kind", "") in KINDS else ""
        if args.get("kind") and not f.kind:
            f.errors["kind"] = _("Unknown kind.")
        f.status = args.get("status", "") if args.get("status", "") in STATUSES else ""
        if args.get("status") and not f.status:
            f.errors["status"] = _("Unknown status.")
        raw = args.get("category", "")
        f.category_id = parse_id(raw)
        if raw and f.category_id is None:
            f.errors["category"] = _("Unknown category.")
        f.owner = args.get("owner", "").strip()[:120]
        f.overdue = args.get("overdue") in ("1", "on", "true")
        for name in ("date_from", "date_to"):
            value = args.get(name, "")
            setattr(f, name, parse_date(value))
            if value and getattr(f, name) is None:  # the filter is left out, and said so
                f.errors[name] = _(
                    "Enter a date from %(first)s to %(last)s as YYYY-MM-DD.",
                    first=DATE_MIN.isoformat(),
                    last=DATE_MAX.isoformat(),
                )
        if f.date_from and f.date_to and f.date_from > f.date_to:
            f.errors["date_to"] = _("The end date is before the start date.")
        return f

    def as_args(self) -> dict[str, str]:
        out = {
            "kind": self.kind,
            "status": self.status,
            "category": str(self.category_id or ""),
            "owner": self.owner,
            "overdue": "1" if self.overdue else "",
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {k: v for k, v in out.items() if v}

    @property
    def counted(self) -> bool:
        """Whether the pre-aggregated counts answer these filters (kind and status only)."""
        return not (
            self.category_id or self.owner or self.overdue or self.date_from or self.date_to
        )

    def apply(self, select, timezone: str, now: datetime | None = None):
        zone = ZoneInfo(timezone)
        if self.kind:
            select = select.where(Request.kind == self.kind)
        if self.status:
            select = select.where(Request.status == self.status)
        if self.category_id:
            select = select.where(Request.category_id == self.category_id)
        if self.owner:
            select = select.where(Request.owner == self.owner)
        if self.overdue:
            select = select.where(overdue_clause(now or clock.now()))
        if self.date_from:
            start = datetime.combine(self.date_from, time(0), zone)
            select = select.where(Request.created_at >= start)
        if self.date_to:
            end = datetime.combine(self.date_to + timedelta(days=1), time(0), zone)
            select = select.where(Request.created_at < end)
        return select


def overdue_clause(now: datetime):
    return sa.and_(
        Request.deadline.is_not(None),
        Request.deadline < now,
        Request.status.in_(OPEN_STATUSES),
    )


@dataclass
class Figures:
    total: int
    open: int
    overdue: int
    responded: int
    response_met: int
    avg_response_minutes: float | None
    closed: int
    close_met: int
    avg_close_days: float | None

    @classmethod
    def from_sums(
        cls,
        *,
        total: int,
        open: int,
        overdue: int,
        responded: int,
        response_met: int,
        response_seconds: int,
        closed: int,
        close_met: int,
        close_seconds: int,
    ) -> Figures:
        """The figures from counts and sums: one formula whether rows or counts gave them."""
        return cls(
            total=total,
            open=open,
            overdue=overdue,
            responded=responded,
            response_met=response_met,
            avg_response_minutes=(
                round(response_seconds / responded / 60, 1) if response_seconds else None
            ),
            closed=closed,
            close_met=close_met,
            avg_close_days=round(close_seconds / closed / 86400, 1) if close_seconds else None,
        )

    @property
    def response_rate(self) -> int | None:
        return round(100 * self.response_met / self.responded) if self.responded else None

    @property
    def close_rate(self) -> int | None:
        return round(100 * self.close_met / self.closed) if self.closed else None


def figures(select_filtered, targets: Targets, now: datetime) -> Figures:
    """Counts and response/close times of the filtered requests, in one query over rows."""
    close_limit = targets.close_days * 86400
    sub = select_filtered.with_only_columns(
        Request.status,
        Request.deadline,
        Request.first_response_seconds,
        Request.first_response_met,
        Request.close_seconds,
    ).subquery()

    def count_if(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    def total(column):
        return sa.func.coalesce(sa.func.sum(column), 0)

    row = db.session.execute(
        sa.select(
            sa.func.count(),
            count_if(sub.c.status.in_(OPEN_STATUSES)),
            count_if(
                sa.and_(
                    sub.c.deadline.is_not(None),
                    sub.c.deadline < now,
                    sub.c.status.in_(OPEN_STATUSES),
                )
            ),
            sa.func.count(sub.c.first_response_seconds),
            count_if(sub.c.first_response_met.is_(True)),
            total(sub.c.first_response_seconds),
            sa.func.count(sub.c.close_seconds),
            count_if(sub.c.close_seconds <= close_limit),
            total(sub.c.close_seconds),
        )
    ).one()
    return Figures.from_sums(
        total=row[0],
        open=int(row[1]),
        overdue=int(row[2]),
        responded=row[3],
        response_met=int(row[4]),
        response_seconds=int(row[5]),
        closed=row[6],
        close_met=int(row[7]),
        close_seconds=int(row[8]),
    )


def figures_from_counts(filters: Filters, targets: Targets, now: datetime) -> Figures:
    """The same figures for the whole ledger or one kind/status, from the kept counts."""
    got = counts.totals(filters.kind, filters.status, targets.close_days)
    return Figures.from_sums(
        total=got.total,
        open=got.open,
        overdue=counts.overdue(now, filters.kind, filters.status),
        responded=got.responded,
        response_met=got.response_met,
        response_seconds=got.response_seconds,
        closed=got.closed,
        close_met=got.close_met,
        close_seconds=got.close_seconds,
    )


def months_back(today: date, count: int = 12) -> list[str]:
    year, month = today.year, today.month
    out = []
    for _i in range(count):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(out))


def monthly_counts(select_filtered, months: list[str]) -> dict[str, dict[str, int]]:
    """{month: {kind: count}} for the given months (one grouped query)."""
    sub = select_filtered.with_only_columns(Request.received_month, Request.kind).subquery()
    rows = db.session.execute(
        sa.select(sub.c.received_month, sub.c.kind, sa.func.count())
        .where(sub.c.received_month >= months[0], sub.c.received_month <= months[-1])
        .group_by(sub.c.received_month, sub.c.kind)
    )
    table = {m: {k: 0 for k in (*KINDS, "")} for m in months}
    for month, kind, count in rows:
        if month in table:
            table[month][kind or ""] += count
    return table


@dataclass
class Bar:
    x: float
    y: float
    height: float
    kind: str
    count: int
    month: str


def chart_bars(table: dict[str, dict[str, int]], width: int = 360, height: int = 160) -> dict:
    """Stacked bars per month (red, orange, yellow), scaled to the busiest month."""
    months = list(table)
    peak = max([sum(v for k, v in table[m].items() if k) for m in months] + [1])
    slot = width / max(len(months), 1)
    bars: list[Bar] = []
    for index, month in enumerate(months):
        base = height
        for kind in KINDS:
            count = table[month][kind]
            if not count:
                continue
            h = height * count / peak
            base -= h
            bars.append(Bar(index * slot + slot * 0.15, base, h, kind, count, month))
    labels = [(index * slot + slot / 2, m[5:]) for index, m in enumerate(months)]
    return {"bars": bars, "labels": labels, "width": width, "height": height, "peak": peak}
