"""The pages cost the same number of SQL statements with 3 bookings as with 300."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from core.plugin_api import commit, db
from plugins.booking.models import Booking, Claim
from plugins.booking.reserve import grains
from tests.plugins.booking.helpers import BASE, add_space, next_weekday


def _statements(app, client, path: str) -> int:
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200, path
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def _fill(space_ids, people, first_day, days: int) -> None:
    """Book every free hour 08-22 of ``days`` days in each space, round-robin people."""
    at0 = datetime.combine(first_day, datetime.min.time(), UTC)
    n = 0
    for space_id in space_ids:
        for d in range(days):
            for h in range(8, 22):
                start = at0 + timedelta(days=d, hours=h - 8)  # UTC: 16:00-06:00 local
                b = Booking(
                    space_id=space_id,
                    person_id=people[n % len(people)],
                    person_name="居民",
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                    status="confirmed",
                    purpose="活动",
                )
                db.session.add(b)
                db.session.flush()
                db.session.add_all(
                    Claim(space_id=space_id, booking_id=b.id, slot_start=g)
                    for g in grains(b.starts_at, b.ends_at)
                )
                n += 1
    commit()


def test_pages_keep_a_fixed_number_of_statements(
    app, booking_on, staff, staff_client, make_members, in_community
):
    people = make_members(booking_on, 30)
    with in_community(booking_on):
        ids = [add_space(name=f"活动室{i}", capacity=30) for i in range(3)]
        day = next_weekday(1)
        monday = day - timedelta(days=day.weekday())
    pages = [
        f"/spaces/{ids[0]}?week={day.isoformat()}",
        f"/?day={day.isoformat()}",
        "/free",
        f"/manage/day?day={day.isoformat()}",
        "/manage/pending",
        f"/manage/report?from={monday.isoformat()}&to={(monday + timedelta(days=6)).isoformat()}",
        "/mine",
        "/manage",
    ]
    with in_community(booking_on):
        _fill(ids, people[:3], monday, 1)
    small = {p: _statements(app, staff_client, BASE + p) for p in pages}
    with in_community(booking_on):
        _fill(ids, [*people, staff.id], monday + timedelta(days=1), 6)
    large = {p: _statements(app, staff_client, BASE + p) for p in pages}
    assert large == small
