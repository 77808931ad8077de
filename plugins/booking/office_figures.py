"""The figures street and district offices compare: hours booked in the month, the share
of them in the evening, and bookings, counted by the usage report's own rules."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.plugin_api import FigureKind, plugin_settings, to_local
from plugins.booking import figures

KINDS = [
    FigureKind("booking.hours", {"zh_Hans": "场地使用时长", "en": "Hours booked"},
               unit="minutes", public=True, order=30),
    FigureKind("booking.evening_share", {"zh_Hans": "晚间使用占比", "en": "Evening share"},
               unit="permille", public=True, order=31),
    FigureKind("booking.bookings", {"zh_Hans": "预约次数", "en": "Bookings"}, order=32),
]  # fmt: skip


def month_figures(start: datetime, end: datetime, zone: str) -> dict[str, int]:
    first = to_local(start, zone).date()
    last = to_local(end, zone).date() - timedelta(days=1)
    report = figures.build(first, last, zone, plugin_settings("booking")["evening_from"])
    total = report.totals
    out = {"booking.hours": round(total.hours * 60), "booking.bookings": total.bookings}
    if total.hours:
        out["booking.evening_share"] = round(1000 * total.evening / total.hours)
    return out
