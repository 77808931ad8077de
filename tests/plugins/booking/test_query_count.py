"""The booking pages run the same SQL statements with 42 bookings as with 1,974: their
cost does not grow with the data. The ceilings catch a page that starts asking for more
(raise one only with a reason). Speed itself is measured by ``make bench``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from core.plugin_api import db
from core.testing import count_statements, is_postgres
from plugins.booking.models import Booking, Claim
from tenants.context import community_scope
from tests.plugins.booking.helpers import BASE, add_space, next_weekday


@pytest.fixture
def gongzhi_config(gongzhi_config):
    """The page's own cost is measured, not the copy kept for the next view
    (core/web/page_cache.py; tests/plugins/requests/test_kept_pages.py)."""
    return {**gongzhi_config, "PAGE_CACHE_SECONDS": 0}


HEADER = 2  # the signed-in header: unread notifications, pending join requests (staff)
PAGES = {  # name: (path, most statements); the base is the community, settings, membership
    # + space, hours, closures, bookings, the space's photos (one query for all)
    "week": ("/spaces/{space}?week={day}", 9 + HEADER),
    "rooms, one day": ("/?day={day}", 8 + HEADER),
    "public free slots": ("/free", 9 + HEADER),  # + every listed space's photos, at once
    "day sheet": ("/manage/day?day={day}", 6 + HEADER),
    "to approve": ("/manage/pending", 5 + HEADER),
    "figures": ("/manage/report?from={monday}&to={sunday}", 9 + HEADER),
    "my bookings": ("/mine", 7 + HEADER),
    "desk": ("/manage", 6 + HEADER),
}


def _statements(app, client, path: str) -> list[str]:
    client.get(path)  # warm: compiled statements, catalogues
    with count_statements(app) as seen:
        assert client.get(path).status_code == 200, path
    return seen


def _fill(app, community, space_ids, people, first_day, days: int, first_id: int) -> int:
    """Book every hour 08:00-22:00 (local) of ``days`` days in each space, in bulk."""
    bookings, claims, next_id = [], [], first_id
    start0 = datetime.combine(first_day, datetime.min.time(), UTC) - timedelta(hours=8)
    for space_id in space_ids:
        for d in range(days):
            for h in range(8, 22):
                starts = start0 + timedelta(days=d, hours=h)
                bookings.append(
                    {
                        "id": next_id,
                        "tenant_id": community.id,
                        "space_id": space_id,
                        "person_id": people[next_id % len(people)],
                        "person_name": "居民",
                        "starts_at": starts,
                        "ends_at": starts + timedelta(hours=1),
                        "status": "pending" if next_id % 7 == 0 else "confirmed",
                        "purpose": "活动",
                        "use": "排练",
                        "attendees": 5,
                        "channel": "online",
                        "series": "",
                        "fee_fen": 0,
                        "payment": "",
                        "reason": "",
                        "created_at": starts - timedelta(days=3),
                    }
                )
                for half in (0, 30):
                    claims.append(
                        {
                            "tenant_id": community.id,
                            "space_id": space_id,
                            "booking_id": next_id,
                            "slot_start": starts + timedelta(minutes=half),
                        }
                    )
                next_id += 1
    with app.app_context(), community_scope(community.id):
        db.session.execute(sa.insert(Booking.__table__), bookings)
        db.session.execute(sa.insert(Claim.__table__), claims)
        db.session.commit()
    return next_id


def test_pages_run_a_fixed_number_of_statements(
    app, booking_on, staff, staff_client, make_members, in_community, gongzhi_db_url
):
    people = [*make_members(booking_on, 30), staff.id]
    with in_community(booking_on):
        spaces = [add_space(name=f"活动室{i}", capacity=30) for i in range(3)]
        day = next_weekday(1)
    monday = day - timedelta(days=day.weekday())
    values = dict(
        space=spaces[0],
        day=day.isoformat(),
        monday=monday.isoformat(),
        sunday=(monday + timedelta(days=6)).isoformat(),
    )

    def measure() -> dict[str, list[str]]:
        return {
            name: _statements(app, staff_client, BASE + path.format(**values))
            for name, (path, _most) in PAGES.items()
        }

    next_id = _fill(app, booking_on, spaces, people, monday + timedelta(days=1), 1, 1)
    small = measure()  # 42 bookings
    next_id = _fill(app, booking_on, spaces, people, monday - timedelta(days=40), 41, next_id)
    _fill(app, booking_on, spaces, people, monday + timedelta(days=2), 5, next_id)
    large = measure()  # 1,974: the rest of the week and the 40 days before
    extra = 1 if is_postgres(gongzhi_db_url) else 0  # set_config of the RLS scope
    for name, (_path, most) in PAGES.items():
        assert len(small[name]) == len(large[name]), (name, small[name], large[name])
        assert len(large[name]) <= most + extra, (name, len(large[name]), large[name])
        # A page view only reads: no write lock (SQLite), no savepoints.
        assert not [s for s in large[name] if s.startswith(("BEGIN IMMEDIATE", "SAVEPOINT"))]
        assert len([s for s in large[name] if "FROM tenant_plugins" in s]) == 1, name


def test_the_bench_part_builds_and_its_pages_answer(tmp_path):
    """bench/data/booking.py writes what the app reads: the small platform, built through
    the migrations, and the booking pages of bench/mix.py on it."""
    from bench.data import build
    from bench.mix import PAGES as BENCH_PAGES
    from bench.run import count_statements as bench_statements

    url = f"sqlite:///{tmp_path / 'bench.db'}"
    info = build(url, "small", log=lambda *_: None)
    assert int(info["rows.booking_booking"]) >= 40 and int(info["rows.booking_claim"]) > 40
    pages = [p for p in BENCH_PAGES if p.plugin == "booking"]
    assert {p.name for p in pages} >= {"booking_week", "booking_rooms", "booking_free"}
    counts = bench_statements(url, pages, [])
    assert all(0 < n <= 10 for n in counts.values()), counts
