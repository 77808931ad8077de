"""The volunteer's page, the leaderboard and the other main pages run the same SQL
statements with a handful of hour logs as with thousands across hundreds of volunteers:
their cost does not grow with the data (``make bench`` measures the speed, with the
1,000,000 logs of bench/data/volunteers.py). Ceilings catch a page that starts asking
for more (raise one only with a reason). The leaderboards read only the kept totals,
the top rows in their ranking index's order (no sort of every volunteer), and rank as
the logs say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from volunteers_helpers import BASE

from core.extensions import db
from core.testing import count_statements, is_postgres
from core.testing.statements import Statements
from plugins.volunteers import monthly, record
from plugins.volunteers.models import Balance, Entry, HourLog, Profile
from tenants.context import community_scope


@pytest.fixture
def gongzhi_config(gongzhi_config):
    """The page's own cost is measured, not the copy kept for the next view
    (core/web/page_cache.py; tests/plugins/requests/test_kept_pages.py)."""
    return {**gongzhi_config, "PAGE_CACHE_SECONDS": 0}


HEADER = 2  # the signed-in header: unread notifications, pending join requests (staff)
PAGES = {
    "volunteer's page": ("member", f"{BASE}/me", 8 + HEADER),
    "leaderboard, month": ("member", f"{BASE}/leaderboard?period=month", 5 + HEADER),
    "leaderboard, year": ("member", f"{BASE}/leaderboard?period=year", 5 + HEADER),
    "leaderboard, all time": ("member", f"{BASE}/leaderboard?period=all", 5 + HEADER),
    "activities": ("member", f"{BASE}/", 5 + HEADER),
    "shop": ("member", f"{BASE}/shop", 6 + HEADER),
    "review": ("staff", f"{BASE}/review", 8 + HEADER),
    "figures": ("staff", f"{BASE}/figures", 7 + HEADER),
    "dashboard": ("member", "/c/alpha/", 5 + HEADER),
}


def _statements(app, client, path: str) -> Statements:
    client.get(path)  # warm: compiled statements, catalogues
    with count_statements(app) as seen:
        assert client.get(path).status_code == 200, path
    return seen


def _logs(app, community, user_ids: list[int], category_id: int, count: int, offset: int):
    """``count`` logs, approved or pending, over the year, each with its award entry."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    logs, entries, totals = [], [], {}
    for n in range(offset, offset + count):
        user_id = user_ids[n % len(user_ids)]
        starts = start + timedelta(minutes=150 * (n % 100) + 15_000 * (n // 100))
        approved = n % 10 != 0
        logs.append(
            {
                "tenant_id": community.id,
                "user_id": user_id,
                "category_id": category_id,
                "source": "qr",
                "status": "approved" if approved else "pending",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "work_date": starts.date(),
                "minutes": 120,
                "note": "",
                "reason": "",
                "points": 30 if approved else 0,
                "created_at": starts,
            }
        )
        if approved:
            entries.append(
                {
                    "tenant_id": community.id,
                    "user_id": user_id,
                    "amount": 30,
                    "kind": "award",
                    "reason": "2 h",
                    "reference": f"bench:{n}",
                    "created_at": starts,
                }
            )
            totals[user_id] = totals.get(user_id, 0) + 30
    with app.app_context(), community_scope(community.id):
        db.session.execute(sa.insert(HourLog.__table__), logs)
        db.session.execute(sa.insert(Entry.__table__), entries)
        for user_id, points in totals.items():
            updated = db.session.execute(
                sa.update(Balance.__table__)
                .where(
                    Balance.__table__.c.tenant_id == community.id,
                    Balance.__table__.c.user_id == user_id,
                )
                .values(balance=Balance.__table__.c.balance + points)
            ).rowcount
            if not updated:
                db.session.execute(
                    sa.insert(Balance.__table__),
                    [{"tenant_id": community.id, "user_id": user_id, "balance": points}],
                )
        monthly.rebuild()  # the kept month totals of the bulk-loaded logs
        db.session.commit()


def test_volunteer_pages_run_a_fixed_number_of_statements(
    app,
    vol_on,
    setup,
    member,
    staff,
    login,
    make_members,
    in_community,
    gongzhi_db_url,
    frozen,
):
    frozen.move(datetime(2026, 1, 15, 2, tzinfo=UTC))  # month and year both have logs
    clients = {"member": login(member), "staff": login(staff)}
    _logs(app, vol_on, [member.id], setup.category_id, 5, 0)

    def measure() -> dict[str, list[str]]:
        return {
            name: _statements(app, clients[who], path) for name, (who, path, _most) in PAGES.items()
        }

    small = measure()
    others = make_members(vol_on, 300)
    with in_community(vol_on):
        db.session.add_all(
            Profile(user_id=u, skills="驾驶", leaderboard_opt_out=u % 7 == 0) for u in others[:100]
        )
        db.session.commit()
    _logs(app, vol_on, [member.id, *others], setup.category_id, 1_500, 5)
    large = measure()
    extra = 1 if is_postgres(gongzhi_db_url) else 0  # set_config of the RLS scope
    for name, (_who, _path, most) in PAGES.items():
        assert len(small[name]) == len(large[name]), (name, small[name], large[name])
        assert len(large[name]) <= most + extra, (name, len(large[name]), large[name])
        assert not [s for s in large[name] if s.startswith(("BEGIN IMMEDIATE", "SAVEPOINT"))]
    _check_leaderboards(app, clients["member"], vol_on, is_postgres(gongzhi_db_url))


def _check_leaderboards(app, client, community, postgres: bool) -> None:
    """Each period's ranking is one statement on its kept totals (the month's rows or the
    year's), never on the logs; on SQLite its plan walks the ranking index, with no
    temporary B-tree to sort or group every volunteer. The all-time board is what the
    logs say: most minutes first, ties to the earlier account, opt-outs left out."""
    kept = {"month": "volunteers_month_total", "year": "volunteers_year_total"}
    kept["all"] = kept["year"]
    for period, table in kept.items():
        texts = _statements(app, client, f"{BASE}/leaderboard?period={period}")
        executed = list(zip(texts, texts.parameters, strict=True))
        assert not [t for t in texts if "volunteers_hour_log" in t], period
        (other,) = set(kept.values()) - {table}
        assert not [t for t in texts if other in t], (period, texts)
        ranking = [(t, p) for t, p in executed if table in t]
        assert len(ranking) == 1, (period, texts)
        if not postgres:
            with app.app_context(), db.engine.connect() as conn:
                plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + ranking[0][0], ranking[0][1])
                plan = " | ".join(row[-1] for row in plan)
            assert "TEMP B-TREE" not in plan and "_total_rank" in plan, (period, plan)
    with app.app_context(), community_scope(community.id):
        minutes: dict[int, int] = {}
        for user_id, logged in db.session.execute(
            sa.select(HourLog.user_id, HourLog.minutes).where(HourLog.status == "approved")
        ):
            minutes[user_id] = minutes.get(user_id, 0) + logged
        shy = set(
            db.session.execute(
                sa.select(Profile.user_id).where(Profile.leaderboard_opt_out.is_(True))
            ).scalars()
        )
        want = sorted(((-m, u) for u, m in minutes.items() if u not in shy))
        board = record.leaderboard("all")
        assert [(r.user_id, r.minutes) for r in board] == [
            (u, -m) for m, u in want[: record.LEADERBOARD_SIZE]
        ]
        assert shy and len({r.minutes for r in board}) < len(board)  # opt-outs, and ties
