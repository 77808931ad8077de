"""A volunteer's record: totals, honours, the leaderboard and certificates.

Every function here is a fixed number of queries, whatever the number of logs: totals read
the kept month totals (``monthly.py``), not the logs; the first and last approved day are
index probes on ``(tenant_id, user_id, status, work_date)``. The leaderboard reads the top
rows of the kept month or year totals in the order of their ranking index, whatever the
number of volunteers.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from core.plugin_api import db, get_members, plugin_settings
from plugins.volunteers import clock
from plugins.volunteers.hours import local_date
from plugins.volunteers.models import (
    ALL_YEARS,
    Certificate,
    HourLog,
    MonthTotal,
    Profile,
    YearTotal,
)

PERIODS = ("month", "year", "all")
LEADERBOARD_SIZE = 20
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


@dataclass(frozen=True)
class Totals:
    minutes: int
    services: int
    pending_minutes: int
    first_date: date | None
    last_date: date | None


def totals(user_id: int) -> Totals:
    """The volunteer's figures from their kept month totals (a row per month they served),
    the first and last approved day by two index probes: one statement, whatever the
    number of logs."""
    approved_days = sa.select(HourLog.work_date).where(
        HourLog.user_id == user_id, HourLog.status == "approved"
    )
    first = approved_days.order_by(HourLog.work_date).limit(1).scalar_subquery()
    last = approved_days.order_by(HourLog.work_date.desc()).limit(1).scalar_subquery()
    row = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(MonthTotal.minutes), 0),
            sa.func.coalesce(sa.func.sum(MonthTotal.services), 0),
            sa.func.coalesce(sa.func.sum(MonthTotal.pending_minutes), 0),
            first,
            last,
        ).where(MonthTotal.user_id == user_id)
    ).one()
    return Totals(int(row[0]), int(row[1]), int(row[2]), row[3], row[4])


def honour_rules(text: str | None = None) -> list[tuple[int, str]]:
    """Thresholds from the setting, one per line or comma: ``社区最美义工=200`` (hours);
    lines that cannot be read are skipped. Highest first."""
    if text is None:
        text = plugin_settings("volunteers")["honours"]
    rules = []
    for part in text.replace("，", ",").replace("\n", ",").split(","):
        name, sep, hours = part.rpartition("=")
        if not sep:
            name, sep, hours = part.rpartition("：")
        name, hours = name.strip(), hours.strip()
        if name and hours.isascii() and hours.isdigit() and 0 < int(hours) <= 100000:
            rules.append((int(hours), name[:40]))
    return sorted(rules, reverse=True)


def honours(minutes: int) -> tuple[list[str], tuple[int, str] | None]:
    """The titles earned with ``minutes`` of approved service, and the next one."""
    rules = honour_rules()
    earned = [name for hours, name in rules if minutes >= hours * 60]
    ahead = [(hours, name) for hours, name in rules if minutes < hours * 60]
    return earned, (ahead[-1] if ahead else None)


@dataclass(frozen=True)
class Rank:
    place: int
    user_id: int
    name: str
    minutes: int
    points: int


def leaderboard(period: str, limit: int = LEADERBOARD_SIZE) -> list[Rank]:
    """Approved hours per volunteer in the period (this month, this local year, all time),
    most first; those who opted out are left out. Two queries: the first ``limit`` rows of
    the kept totals of the period, read in their ranking index's order (minutes, most
    first, then the earlier account), each opt-out an index probe; then the names."""
    today = local_date(clock.now())
    if period == "month":
        model, row = MonthTotal, MonthTotal.month == today.replace(day=1)
    else:
        model = YearTotal
        row = YearTotal.year == (today.year if period == "year" else ALL_YEARS)
    opted_out = (
        sa.select(Profile.id)
        .where(Profile.user_id == model.user_id, Profile.leaderboard_opt_out.is_(True))
        .exists()
    )
    rows = db.session.execute(
        sa.select(model.user_id, model.minutes, model.points)
        .where(row, model.services > 0, ~opted_out)
        .order_by(model.minutes.desc(), model.user_id)
        .limit(limit)
    ).all()
    people = get_members(r[0] for r in rows)
    out = []
    for user_id, total, points in rows:
        member = people.get(user_id)
        if member is None:
            continue  # left the community
        out.append(Rank(len(out) + 1, user_id, member.name, int(total), int(points or 0)))
    return out


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def issue_certificate(user_id: int, holder_name: str) -> Certificate:
    figures = totals(user_id)
    certificate = Certificate(
        user_id=user_id,
        holder_name=holder_name[:80],
        code=new_code(),
        minutes=figures.minutes,
        services=figures.services,
        first_date=figures.first_date,
        last_date=figures.last_date,
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


def normalise_code(raw: str | None) -> str | None:
    if not isinstance(raw, str):
        return None
    text = "".join(ch for ch in raw.upper() if ch.isascii() and ch.isalnum())
    if len(text) != 12 or any(ch not in CODE_ALPHABET for ch in text):
        return None
    return f"{text[:4]}-{text[4:8]}-{text[8:]}"
