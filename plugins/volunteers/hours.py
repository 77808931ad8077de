"""Hour logs: QR check-in and check-out, self-reports, and the coordinator's review.

Rules every log keeps, whatever its source: no two logs of one volunteer overlap, no day
holds more than 24 hours, nothing is logged in the future, and a log for an activity
does not start before the activity. Approval awards points (``points.points_for``) in the
same transaction; approving is a conditional UPDATE from ``pending``, so a log is never
approved, or awarded, twice.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from core.plugin_api import community_lock, current_tenant, current_tenant_id, db, to_local
from plugins.volunteers import clock, ledger, monthly, notifying
from plugins.volunteers.i18n import _
from plugins.volunteers.models import Activity, HourLog, ServiceCategory
from plugins.volunteers.points import hours_text, points_for

COUNTED = ("open", "pending", "approved")  # a rejected log frees its time
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=ZoneInfo("UTC"))


class HoursError(Exception):
    """A log that breaks a rule; ``str()`` says which, for people."""


def tz() -> ZoneInfo:
    return ZoneInfo(current_tenant().timezone)


def local_date(moment: datetime) -> date:
    return to_local(moment, current_tenant().timezone).date()


def _lock(user_id: int) -> None:
    community_lock(f"volunteers.hours.{user_id}")
    close_forgotten(user_id)


def close_forgotten(user_id: int) -> None:
    """A check-in never checked out once the activity's check-out window has closed is
    sent for review as if checked out at the activity's end (with a note saying so), so
    a forgotten scan neither blocks later logs nor is lost."""
    from core.plugin_api import plugin_settings

    late = timedelta(minutes=plugin_settings("volunteers")["qr_late_minutes"])
    stale = db.session.execute(
        sa.select(HourLog, Activity)
        .join(
            Activity,
            sa.and_(Activity.id == HourLog.activity_id, Activity.tenant_id == HourLog.tenant_id),
        )
        .where(HourLog.user_id == user_id, HourLog.status == "open")
    ).all()
    for log, activity in stale:
        if activity.ends_at + late >= clock.now():
            continue
        ends = max(activity.ends_at, log.starts_at + timedelta(minutes=1))
        log.ends_at = ends
        log.minutes = min(int((ends - log.starts_at).total_seconds() // 60), 24 * 60)
        log.status = "pending"
        log.note = _("No check-out: counted until the activity's end.")
        db.session.flush()
        monthly.moved(log, ("open", 0, 0), ("pending", log.minutes, 0))


def _overlapping(user_id: int, starts: datetime, ends: datetime) -> HourLog | None:
    return db.session.execute(
        sa.select(HourLog)
        .where(
            HourLog.user_id == user_id,
            HourLog.status.in_(COUNTED),
            HourLog.starts_at < ends,
            sa.func.coalesce(HourLog.ends_at, FAR_FUTURE) > starts,
        )
        .limit(1)
    ).scalar_one_or_none()


def _day_minutes(user_id: int, day: date) -> int:
    return int(
        db.session.execute(
            sa.select(sa.func.coalesce(sa.func.sum(HourLog.minutes), 0)).where(
                HourLog.user_id == user_id,
                HourLog.status.in_(COUNTED),
                HourLog.work_date == day,
            )
        ).scalar_one()
    )


def check_rules(user_id: int, starts: datetime, ends: datetime, activity: Activity | None) -> None:
    """Raise ``HoursError`` for a log that overlaps, overfills a day, lies in the future
    or starts before its activity."""
    now = clock.now()
    if ends > now + timedelta(minutes=1):
        raise HoursError(_("Hours cannot be logged in the future."))
    if activity is not None and local_date(starts) < local_date(activity.starts_at):
        raise HoursError(_("These hours are before the activity started."))
    minutes = int((ends - starts).total_seconds() // 60)
    if minutes > 24 * 60:
        raise HoursError(_("No more than 24 hours can be logged for a day."))
    clash = _overlapping(user_id, starts, ends)
    if clash is not None:
        raise HoursError(
            _(
                "These hours overlap hours you already logged on %(day)s.",
                day=clash.work_date.isoformat(),
            )
        )
    if _day_minutes(user_id, local_date(starts)) + minutes > 24 * 60:
        raise HoursError(_("No more than 24 hours can be logged for a day."))


def self_report(
    user_id: int,
    *,
    day: date,
    start: time | None,
    minutes: int,
    note: str,
    activity: Activity | None,
    category: ServiceCategory,
) -> HourLog:
    """A volunteer's own report, pending review (not committed)."""
    _lock(user_id)
    if start is None:
        start = to_local(activity.starts_at, tz().key).time() if activity else time(9, 0)
    starts = datetime.combine(day, start, tz())
    ends = starts + timedelta(minutes=minutes)
    if day > local_date(clock.now()):
        raise HoursError(_("Hours cannot be logged in the future."))
    check_rules(user_id, starts, ends, activity)
    log = HourLog(
        user_id=user_id,
        activity_id=activity.id if activity else None,
        category_id=activity.category_id if activity else category.id,
        source="self",
        status="pending",
        starts_at=starts,
        ends_at=ends,
        work_date=day,
        minutes=minutes,
        note=note[:300],
    )
    db.session.add(log)
    db.session.flush()
    monthly.moved(log, None, ("pending", minutes, 0))
    notifying.to_review(log)
    return log


def open_log(user_id: int, activity: Activity) -> HourLog | None:
    return (
        db.session.execute(
            sa.select(HourLog).where(
                HourLog.user_id == user_id,
                HourLog.activity_id == activity.id,
                HourLog.source == "qr",
                HourLog.status != "rejected",
            )
        )
        .scalars()
        .first()
    )


def check_in(user_id: int, activity: Activity) -> HourLog:
    _lock(user_id)
    now = clock.now()
    existing = open_log(user_id, activity)
    if existing is not None:
        if existing.status == "open":
            raise HoursError(_("You are already checked in. Scan again to check out."))
        raise HoursError(_("This code was already used: you checked in and out of this activity."))
    clash = _overlapping(user_id, now, now + timedelta(minutes=1))
    if clash is not None:
        raise HoursError(_("You are still checked in elsewhere; check out there first."))
    log = HourLog(
        user_id=user_id,
        activity_id=activity.id,
        category_id=activity.category_id,
        source="qr",
        status="open",
        starts_at=now,
        work_date=local_date(now),
        minutes=0,
    )
    db.session.add(log)
    db.session.flush()
    return log


def check_out(user_id: int, activity: Activity) -> HourLog:
    _lock(user_id)
    now = clock.now()
    log = open_log(user_id, activity)
    if log is None:
        raise HoursError(_("You have not checked in to this activity."))
    if log.status != "open":
        raise HoursError(_("This code was already used: you checked in and out of this activity."))
    minutes = min(int((now - log.starts_at).total_seconds() // 60), 24 * 60)
    if minutes < 1:
        raise HoursError(_("You checked in less than a minute ago."))
    changed = db.session.execute(
        sa.update(HourLog.__table__)
        .where(
            HourLog.__table__.c.tenant_id == current_tenant_id(),
            HourLog.__table__.c.id == log.id,
            HourLog.__table__.c.status == "open",
        )
        .values(
            status="pending",
            ends_at=log.starts_at + timedelta(minutes=minutes),
            minutes=minutes,
        )
    ).rowcount
    if changed != 1:
        raise HoursError(_("This code was already used: you checked in and out of this activity."))
    db.session.refresh(log)
    monthly.moved(log, ("open", 0, 0), ("pending", minutes, 0))
    notifying.to_review(log)
    return log


def _rates(log: HourLog) -> ServiceCategory:
    return db.session.execute(
        sa.select(ServiceCategory).where(ServiceCategory.id == log.category_id)
    ).scalar_one()


def approve(log: HourLog, actor_id: int) -> int | None:
    """Approve a pending log and award its points; returns the points (None if the log
    was no longer pending: someone else reviewed it first)."""
    table = HourLog.__table__
    category = _rates(log)
    points = points_for(log.minutes, category.rate_per_hour, category.multiplier_pct)
    changed = db.session.execute(
        sa.update(table)
        .where(
            table.c.tenant_id == current_tenant_id(),
            table.c.id == log.id,
            table.c.status == "pending",
            # the minutes the points and the month totals were computed from
            table.c.minutes == log.minutes,
        )
        .values(
            status="approved",
            points=points,
            reviewed_by_id=actor_id,
            reviewed_at=clock.now(),
            reason="",
        )
    ).rowcount
    if changed != 1:
        return None
    monthly.moved(log, ("pending", log.minutes, 0), ("approved", log.minutes, points))
    if points:
        ledger.post(
            log.user_id,
            points,
            "award",
            _(
                "%(hours)s h of %(category)s on %(day)s",
                hours=hours_text(log.minutes),
                category=category.name,
                day=log.work_date.isoformat(),
            ),
            reference=f"hours:{log.id}",
            actor_id=actor_id,
        )
    db.session.refresh(log)
    notifying.approved(log)
    return points


def reject(
    log: HourLog, actor_id: int, reason: str, allowed: tuple[str, ...] = ("pending",)
) -> bool:
    table = HourLog.__table__
    # One status at a time, so the kept month totals know exactly what the log was.
    for before in allowed:
        changed = db.session.execute(
            sa.update(table)
            .where(
                table.c.tenant_id == current_tenant_id(),
                table.c.id == log.id,
                table.c.status == before,
            )
            .values(
                status="rejected",
                reason=reason[:300],
                reviewed_by_id=actor_id,
                reviewed_at=clock.now(),
            )
        ).rowcount
        if changed == 1:
            break
    else:
        return False
    db.session.refresh(log)  # minutes and points are not changed by a rejection
    monthly.moved(log, (before, log.minutes, log.points), ("rejected", log.minutes, log.points))
    notifying.rejected(log)
    return True
