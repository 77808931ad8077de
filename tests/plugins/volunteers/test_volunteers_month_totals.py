"""Kept month totals of hour logs: right after every kind of write (report, check-in and
out, a forgotten check-out, approval, rejection, withdrawal), read by the volunteer's page
and the leaderboard, exact with many writers at once, and checked by
``flask volunteers totals check``."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from volunteers_helpers import NOW, migrated_with_logs

from core.extensions import db
from plugins.volunteers import hours, monthly, record
from plugins.volunteers.models import (
    ALL_YEARS,
    Activity,
    HourLog,
    MonthTotal,
    ServiceCategory,
    YearTotal,
)
from tenants.context import community_scope

NOV, OCT = date(2026, 11, 1), date(2026, 10, 1)


def _kept(user_id: int) -> dict[date, tuple[int, int, int, int]]:
    rows = db.session.execute(sa.select(MonthTotal).where(MonthTotal.user_id == user_id))
    return {r.month: (r.minutes, r.services, r.pending_minutes, r.points) for r in rows.scalars()}


def _report(user_id: int, category_id: int, day: date, start: time, minutes: int) -> HourLog:
    category = db.session.get(ServiceCategory, category_id)
    return hours.self_report(
        user_id, day=day, start=start, minutes=minutes, note="", activity=None, category=category
    )


def test_totals_follow_every_kind_of_write(app, vol_on, setup, member, staff, in_community, frozen):
    with in_community(vol_on):
        a = _report(member.id, setup.category_id, date(2026, 11, 27), time(9), 120)
        b = _report(member.id, setup.category_id, date(2026, 10, 30), time(9), 60)
        db.session.commit()
        assert _kept(member.id) == {NOV: (0, 0, 120, 0), OCT: (0, 0, 60, 0)}

        points = hours.approve(a, staff.id)  # 2 h × 10 × 150 % = 30
        db.session.commit()
        assert points == 30 and _kept(member.id)[NOV] == (120, 1, 0, 30)
        assert hours.approve(a, staff.id) is None  # a second approval changes nothing
        assert _kept(member.id)[NOV] == (120, 1, 0, 30)

        assert hours.reject(b, staff.id, "不在场")
        db.session.commit()
        assert _kept(member.id)[OCT] == (0, 0, 0, 0)

        # QR: a check-in counts nothing yet; the check-out sends its minutes to review.
        activity = db.session.get(Activity, setup.activity_id)
        log = hours.check_in(member.id, activity)
        db.session.commit()
        assert _kept(member.id)[NOV] == (120, 1, 0, 30)
        frozen.move(NOW + timedelta(minutes=45))
        hours.check_out(member.id, activity)
        db.session.commit()
        assert _kept(member.id)[NOV] == (120, 1, 45, 30)
        assert hours.reject(log, member.id, "withdrawn", allowed=(log.status,))  # withdrawal
        db.session.commit()
        assert _kept(member.id)[NOV] == (120, 1, 0, 30)

        # A forgotten check-out goes to review as if checked out at the activity's end.
        frozen.move(NOW + timedelta(minutes=50))
        hours.check_in(staff.id, activity)
        db.session.commit()
        frozen.move(NOW + timedelta(days=1))
        hours.close_forgotten(staff.id)
        db.session.commit()
        assert _kept(staff.id) == {NOV: (0, 0, 70, 0)}  # 10:50 to 12:00

        assert monthly.mismatches() == []
        figures = record.totals(member.id)
        assert (figures.minutes, figures.services, figures.pending_minutes) == (120, 1, 0)
        assert figures.first_date == figures.last_date == date(2026, 11, 27)


def test_leaderboard_reads_the_months_of_its_period(
    app, vol_on, setup, member, staff, in_community, frozen
):
    with in_community(vol_on):
        for user_id, day, minutes in (
            (member.id, date(2026, 11, 2), 60),
            (staff.id, date(2026, 10, 5), 240),
            (staff.id, date(2025, 12, 5), 60),
            (member.id, date(2026, 11, 3), 90),
        ):
            hours.approve(_report(user_id, setup.category_id, day, time(9), minutes), staff.id)
        _report(staff.id, setup.category_id, date(2026, 11, 4), time(9), 600)  # pending
        db.session.commit()
        month = [(r.user_id, r.minutes) for r in record.leaderboard("month")]
        year = [(r.user_id, r.minutes) for r in record.leaderboard("year")]
        every = [(r.user_id, r.minutes, r.points) for r in record.leaderboard("all")]
        assert month == [(member.id, 150)]
        assert year == [(staff.id, 240), (member.id, 150)]
        assert every == [(staff.id, 300, 75), (member.id, 150, 15 + 23)]  # rounded per log
        totals = record.totals(staff.id)
        assert (totals.first_date, totals.last_date) == (date(2025, 12, 5), date(2026, 10, 5))
        assert totals.pending_minutes == 600


def test_many_threads_logging_and_approving_for_one_volunteer(
    app, vol_on, setup, member, staff, in_community, frozen
):
    threads = 40
    start = threading.Barrier(threads)
    errors: list[str] = []
    ids: list[int] = []

    def run(action) -> None:
        with app.test_request_context(), community_scope(vol_on.id):
            try:
                db.session.rollback()  # hold no (SQLite write) lock while waiting
                start.wait(timeout=60)
                action()
                db.session.commit()
            except Exception as exc:  # noqa: BLE001  (the failure shown)
                db.session.rollback()
                errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                db.session.remove()

    def report(i: int):
        day = date(2026, 11, 1 + i % 20)
        log = _report(member.id, setup.category_id, day, time(8 + 3 * (i // 20)), 30 + i)
        ids.append(log.id)

    def approve(log_id: int):
        assert hours.approve(db.session.get(HourLog, log_id), staff.id) is not None

    for phase in ([lambda i=i: report(i) for i in range(threads)], None):
        if phase is None:
            phase = [lambda log_id=log_id: approve(log_id) for log_id in list(ids)]
        workers = [threading.Thread(target=run, args=(action,)) for action in phase]
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=180)
        assert errors == []
    minutes = sum(30 + i for i in range(threads))
    with in_community(vol_on):
        points = db.session.execute(sa.select(sa.func.sum(HourLog.points))).scalar()
        assert _kept(member.id) == {NOV: (minutes, threads, 0, points)}
        assert monthly.mismatches() == []
        years = db.session.execute(
            sa.select(YearTotal.year, YearTotal.minutes, YearTotal.services, YearTotal.points)
            .where(YearTotal.user_id == member.id)
            .order_by(YearTotal.year)
        ).all()
        assert [tuple(r) for r in years] == [
            (ALL_YEARS, minutes, threads, points),
            (2026, minutes, threads, points),
        ]
        assert monthly.year_mismatches() == []


def test_cli_check_finds_and_repairs_a_total_that_differs(
    app, vol_on, setup, member, staff, in_community, frozen
):
    with in_community(vol_on):
        hours.approve(_report(member.id, setup.category_id, NOW.date(), time(8), 60), staff.id)
        db.session.commit()
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["volunteers", "totals", "check"])
    assert ok.exit_code == 0 and "0 differences" in ok.output, ok.output
    with in_community(vol_on):
        db.session.execute(sa.update(MonthTotal).values(minutes=61))  # tampered by hand
        db.session.commit()
    bad = runner.invoke(args=["volunteers", "totals", "check"])
    assert bad.exit_code == 1
    assert f"user {member.id} 2026-11 kept" in bad.output and "'minutes': 61" in bad.output
    with in_community(vol_on):
        db.session.execute(sa.update(YearTotal).where(YearTotal.year == ALL_YEARS).values(points=1))
        db.session.commit()
    bad = runner.invoke(args=["volunteers", "totals", "check"])
    assert bad.exit_code == 1 and f"user {member.id} all years kept" in bad.output, bad.output
    fixed = runner.invoke(args=["volunteers", "totals", "check", "--repair"])
    assert fixed.exit_code == 0 and "rewritten" in fixed.output
    assert runner.invoke(args=["volunteers", "totals", "check"]).exit_code == 0


def test_bulk_loaded_logs_are_counted_by_a_rebuild(app, vol_on, setup, member, in_community):
    with in_community(vol_on):
        at = datetime(2026, 9, 3, 1, tzinfo=UTC)
        db.session.execute(
            sa.insert(HourLog.__table__),
            [
                {
                    "tenant_id": vol_on.id, "user_id": member.id, "category_id": setup.category_id,
                    "source": "self", "status": status, "starts_at": at,
                    "ends_at": at + timedelta(hours=1),
                    "work_date": at.date(), "minutes": 60, "note": "", "reason": "",
                    "points": 15 if status == "approved" else 0, "created_at": at,
                }
                for status in ("approved", "approved", "pending", "rejected")
            ],
        )  # fmt: skip
        assert len(monthly.mismatches()) == 1
        assert monthly.rebuild() == 1
        assert _kept(member.id) == {date(2026, 9, 1): (120, 2, 60, 30)}
        assert monthly.mismatches() == []


def test_the_migration_fills_the_totals_of_logs_already_there(gongzhi_config, tmp_path):
    """volunteers_0002 on a database with logs: the kept totals are their sums."""
    at = datetime(2026, 10, 30, 1, tzinfo=UTC)
    logs = [
        (status, at.replace(month=10 if day > 1 else 11, day=day, hour=1 + n))
        for n, (status, day) in enumerate(
            [("approved", 30), ("approved", 31), ("pending", 31), ("rejected", 31)]
            + [("approved", 1)]
        )
    ]
    app, _ = migrated_with_logs(gongzhi_config, tmp_path, logs)
    with app.app_context(), db.engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "select month, minutes, services, pending_minutes, points"
                " from volunteers_month_total order by month"
            )
        ).all()
        assert [tuple(r)[1:] for r in rows] == [(120, 2, 60, 20), (60, 1, 0, 10)]
        assert [str(r[0]) for r in rows] == ["2026-10-01", "2026-11-01"]
    with app.app_context():
        db.engine.dispose()
