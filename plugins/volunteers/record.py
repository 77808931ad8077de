"""A volunteer's record: totals, honours, the leaderboard and certificates.

Every function here is a fixed number of queries, whatever the number of logs: sums and
the top rows are computed by the database (indexes on ``(tenant_id, user_id, id)`` and
``(tenant_id, status, work_date, user_id)``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from core.plugin_api import db, get_members, plugin_settings
from plugins.volunteers import clock
from plugins.volunteers.hours import local_date
from plugins.volunteers.models import Certificate, HourLog, Profile

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
    approved = HourLog.status == "approved"
    row = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(sa.case((approved, HourLog.minutes), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((approved, 1), else_=0)), 0),
            sa.func.coalesce(
                sa.func.sum(sa.case((HourLog.status == "pending", HourLog.minutes), else_=0)), 0
            ),
            sa.func.min(sa.case((approved, HourLog.work_date))),
            sa.func.max(sa.case((approved, HourLog.work_date))),
        ).where(HourLog.user_id == user_id)
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


def period_start(period: str) -> date | None:
    today = local_date(clock.now())
    if period == "month":
        return today.replace(day=1)
    if period == "year":
        return today.replace(month=1, day=1)
    return None


@dataclass(frozen=True)
class Rank:
    place: int
    user_id: int
    name: str
    minutes: int
    points: int


def leaderboard(period: str, limit: int = LEADERBOARD_SIZE) -> list[Rank]:
    """Approved hours per volunteer in the period, most first; those who opted out are
    left out. Two queries (the ranking, then the names)."""
    minutes = sa.func.sum(HourLog.minutes).label("minutes")
    select = (
        sa.select(HourLog.user_id, minutes, sa.func.sum(HourLog.points))
        .where(HourLog.status == "approved")
        .where(
            HourLog.user_id.not_in(
                sa.select(Profile.user_id).where(Profile.leaderboard_opt_out.is_(True))
            )
        )
        .group_by(HourLog.user_id)
        .order_by(minutes.desc(), HourLog.user_id)
        .limit(limit)
    )
    start = period_start(period)
    if start is not None:
        select = select.where(HourLog.work_date >= start)
    rows = db.session.execute(select).all()
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
