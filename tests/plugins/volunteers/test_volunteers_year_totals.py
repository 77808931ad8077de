"""Kept year and all-years totals of approved hours (``volunteers_year_total``): changed
with the month totals on every write; the year is the community's local one (a check-in
at 23:30 on 31 December in Shanghai counts for that year though checked out after
midnight, and 06:00 on 1 January for the new one though it is still the old year in
UTC); exact with many approvers at once; filled by the migration for logs already there;
read by the leaderboard of one community only."""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from volunteers_helpers import make_setup, migrated_with_logs

from core.extensions import db
from plugins.volunteers import hours, monthly, record
from plugins.volunteers.models import ALL_YEARS, Activity, HourLog, ServiceCategory, YearTotal
from tenants.context import community_scope


def _years(user_id: int) -> dict[int, tuple[int, int, int]]:
    rows = db.session.execute(sa.select(YearTotal).where(YearTotal.user_id == user_id))
    return {r.year: (r.minutes, r.services, r.points) for r in rows.scalars()}


def _report(user_id: int, category_id: int, day: date, start: time, minutes: int) -> HourLog:
    category = db.session.get(ServiceCategory, category_id)
    return hours.self_report(
        user_id, day=day, start=start, minutes=minutes, note="", activity=None, category=category
    )


def _exact() -> None:
    """The kept totals are what the logs add up to, months and years alike."""
    db.session.commit()
    assert monthly.mismatches() == []
    assert monthly.year_mismatches() == []


def test_year_totals_follow_each_write_across_new_year_in_local_time(
    app, vol_on, setup, member, staff, in_community, frozen
):
    with in_community(vol_on):
        # An activity on New Year's Eve, 23:00 to 01:00 in Shanghai (15:00–17:00 UTC).
        activity = Activity(
            title="跨年夜巡逻",
            starts_at=datetime(2026, 12, 31, 15, tzinfo=UTC),
            ends_at=datetime(2026, 12, 31, 17, tzinfo=UTC),
            category_id=setup.category_id,
        )
        db.session.add(activity)
        db.session.commit()
        frozen.move(datetime(2026, 12, 31, 15, 30, tzinfo=UTC))  # 23:30 on 31 Dec, local
        night = hours.check_in(member.id, activity)
        db.session.commit()
        frozen.move(datetime(2026, 12, 31, 16, 20, tzinfo=UTC))  # 00:20 on 1 Jan 2027, local
        hours.check_out(member.id, activity)
        _exact()
        assert (night.work_date, night.minutes) == (date(2026, 12, 31), 50)
        assert _years(member.id) == {}  # nothing approved yet: no year row

        frozen.move(datetime(2027, 1, 1, 4, tzinfo=UTC))  # noon on 1 Jan 2027, local
        # 06:00 on 1 Jan 2027 in Shanghai is 22:00 on 31 Dec 2026 in UTC: a 2027 log.
        new_year = _report(member.id, setup.category_id, date(2027, 1, 1), time(6), 120)
        eve = _report(member.id, setup.category_id, date(2026, 12, 31), time(9), 60)
        before = _report(member.id, setup.category_id, date(2026, 12, 30), time(9), 90)
        withdrawn = _report(member.id, setup.category_id, date(2027, 1, 1), time(9), 30)
        _exact()
        assert new_year.starts_at.astimezone(UTC).year == 2026

        # 10 points an hour × 150 %, rounded half up per log: 50 min 13, 2 h 30, 1 h 15,
        # 1.5 h 23.
        assert hours.approve(night, staff.id) == 13
        _exact()
        assert _years(member.id) == {2026: (50, 1, 13), ALL_YEARS: (50, 1, 13)}
        for log in (new_year, eve, before):
            assert hours.approve(log, staff.id) is not None
            _exact()
        assert hours.approve(eve, staff.id) is None  # approved once only
        assert _years(member.id) == {
            2026: (200, 3, 51),
            2027: (120, 1, 30),
            ALL_YEARS: (320, 4, 81),
        }

        # Revoked after approval (a rejection of approved hours), and a withdrawal of
        # pending hours, which were never in the year's approved totals.
        assert hours.reject(eve, staff.id, "记错了日期", allowed=("approved",))
        _exact()
        assert hours.reject(withdrawn, member.id, "withdrawn", allowed=("pending",))
        _exact()
        assert _years(member.id) == {
            2026: (140, 2, 36),
            2027: (120, 1, 30),
            ALL_YEARS: (260, 3, 66),
        }

        def board(period: str) -> list[tuple[int, int, int]]:
            return [(r.user_id, r.minutes, r.points) for r in record.leaderboard(period)]

        assert board("year") == [(member.id, 120, 30)]  # 2027, it is New Year's Day
        assert board("month") == [(member.id, 120, 30)]
        assert board("all") == [(member.id, 260, 66)]
        frozen.move(datetime(2026, 12, 31, 15, 59, tzinfo=UTC))  # 23:59 on 31 Dec, local
        assert board("year") == [(member.id, 140, 36)]
        assert board("month") == [(member.id, 140, 36)]


def test_many_threads_approving_one_volunteers_logs_across_a_year_end(
    app, vol_on, setup, member, staff, in_community, frozen
):
    per_day = 12
    days = (date(2025, 12, 31), date(2026, 1, 1))
    with in_community(vol_on):
        ids = [
            _report(member.id, setup.category_id, day, time(hour), 50).id
            for day in days
            for hour in range(per_day)
        ]
        db.session.commit()
    start = threading.Barrier(len(ids))
    errors: list[str] = []

    def approve(log_id: int) -> None:
        with app.test_request_context(), community_scope(vol_on.id):
            try:
                db.session.rollback()  # hold no (SQLite write) lock while waiting
                start.wait(timeout=60)
                assert hours.approve(db.session.get(HourLog, log_id), staff.id) == 13
                db.session.commit()
            except Exception as exc:  # noqa: BLE001  (the failure shown)
                db.session.rollback()
                errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                db.session.remove()

    workers = [threading.Thread(target=approve, args=(log_id,)) for log_id in ids]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=180)
    assert errors == []
    with in_community(vol_on):
        one_year = (50 * per_day, per_day, 13 * per_day)
        both = tuple(2 * n for n in one_year)
        assert _years(member.id) == {2025: one_year, 2026: one_year, ALL_YEARS: both}
        assert monthly.year_mismatches() == [] and monthly.mismatches() == []


def test_another_communitys_volunteers_never_reach_the_leaderboard(
    app, vol_on, setup, member, staff, other_community, enable_plugin, in_community,
    make_user, login, frozen,
):  # fmt: skip
    enable_plugin(other_community, "volunteers")
    beta = make_setup(in_community, other_community)
    star = make_user("star@alpha.example", vol_on, name="甲社区之星")
    both = make_user("both@alpha.example", vol_on, name="两边都住")
    make_user("both@alpha.example", other_community)  # a member of beta too
    beta_volunteer = make_user("vol@beta.example", other_community, name="乙社区志愿者")
    with in_community(vol_on):
        for user_id, minutes in ((star.id, 600), (both.id, 300)):
            log = _report(user_id, setup.category_id, date(2026, 11, 27), time(9), minutes)
            hours.approve(log, staff.id)
        db.session.commit()
    with in_community(other_community):
        log = _report(beta_volunteer.id, beta.category_id, date(2026, 11, 27), time(9), 60)
        hours.approve(log, beta_volunteer.id)
        db.session.commit()

    def names(client, slug: str, period: str) -> list[str]:
        page = client.get(f"/c/{slug}/volunteers/leaderboard?period={period}")
        assert page.status_code == 200
        return re.findall(r"<td>\d+</td><td><bdi data-user>([^<]+)</bdi></td>", page.text)

    beta_client, alpha_client = login(beta_volunteer), login(member)
    for period in record.PERIODS:
        assert names(beta_client, "beta", period) == ["乙社区志愿者"], period
        assert names(alpha_client, "alpha", period) == ["甲社区之星", "两边都住"], period
    with in_community(other_community):
        assert {r.user_id for r in record.leaderboard("all")} == {beta_volunteer.id}
        assert set(_years(star.id)) == set(_years(both.id)) == set()  # alpha's rows unseen


def test_the_migration_fills_the_year_totals_of_logs_already_there(gongzhi_config, tmp_path):
    """volunteers_0003 on a database with logs on both sides of a new year."""
    days = [
        ("approved", date(2025, 12, 31)),
        ("approved", date(2025, 12, 31)),
        ("pending", date(2025, 12, 31)),
        ("rejected", date(2026, 1, 1)),
        ("approved", date(2026, 1, 1)),
        ("pending", date(2024, 6, 1)),  # only pending: no year row
    ]
    logs = [
        (status, datetime.combine(day, time(1 + n), UTC)) for n, (status, day) in enumerate(days)
    ]
    app, tenant_id = migrated_with_logs(gongzhi_config, tmp_path, logs)
    with app.app_context(), db.engine.connect() as conn:
        rows = conn.execute(
            sa.text("select year, minutes, services, points from volunteers_year_total order by 1")
        ).all()
        assert [tuple(r) for r in rows] == [(0, 180, 3, 30), (2025, 120, 2, 20), (2026, 60, 1, 10)]
    with app.app_context():
        with community_scope(tenant_id):
            assert monthly.year_mismatches() == []
        db.engine.dispose()
