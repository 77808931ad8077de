"""Many people ask for one slot at the same moment: the database lets exactly one in."""

from __future__ import annotations

import threading
from datetime import time

import pytest

from core.plugin_api import commit, community_scope, db, utcnow
from plugins.booking import rules, workflow
from plugins.booking.models import Booking, Claim, Space
from tests.plugins.booking.helpers import next_weekday

THREADS = 100


@pytest.mark.parametrize("threads", [THREADS])
def test_one_slot_many_threads_exactly_one_wins(
    app, booking_on, space_id, make_members, in_community, threads
):
    people = make_members(booking_on, threads)
    with in_community(booking_on):
        day = next_weekday(1)
    start = threading.Barrier(threads)
    outcomes: list[str] = []

    def attempt(person_id: int) -> None:
        with app.test_request_context(), community_scope(booking_on.id):
            try:
                space = db.session.get(Space, space_id)
                req = rules.Request(space, day, time(19), time(21), person_id, use="排练")
                db.session.rollback()  # hold no (SQLite write) lock while waiting
                start.wait(timeout=60)
                workflow.place(req, workflow.Details(purpose="合唱排练"), utcnow())
                commit()
                outcomes.append("booked")
            except rules.Taken as taken:
                db.session.rollback()
                outcomes.append(str(taken))
            except Exception as exc:  # noqa: BLE001  (anything else is the failure shown)
                db.session.rollback()
                outcomes.append(f"ERROR {type(exc).__name__}: {exc}")
            finally:
                db.session.remove()

    workers = [threading.Thread(target=attempt, args=(p,)) for p in people]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=180)
    assert len(outcomes) == threads
    assert outcomes.count("booked") == 1, [o for o in outcomes if o.startswith("ERROR")][:3]
    assert set(outcomes) == {"booked", "抱歉，这个时段刚刚被别人约走了。"}
    with in_community(booking_on):
        assert db.session.execute(db.select(db.func.count(Booking.id))).scalar() == 1
        assert db.session.execute(db.select(db.func.count(Claim.id))).scalar() == 4


def test_overlapping_not_equal_periods_also_refused(
    app, booking_on, space_id, member, staff, in_community
):
    with in_community(booking_on):
        space = db.session.get(Space, space_id)
        day = next_weekday(2)
        workflow.place(
            rules.Request(space, day, time(19), time(21), member.id), workflow.Details(), utcnow()
        )
        commit()
        with pytest.raises(rules.Taken):
            workflow.place(
                rules.Request(space, day, time(20), time(22), staff.id),
                workflow.Details(),
                utcnow(),
            )
        db.session.rollback()
        # Touching ends are fine: 21:00-22:00 follows 19:00-21:00.
        workflow.place(
            rules.Request(space, day, time(21), time(22), staff.id), workflow.Details(), utcnow()
        )
        commit()


@pytest.mark.postgres
def test_postgres_exclusion_constraint_refuses_overlap_without_claims(
    app, booking_on, space_id, member, in_community
):
    """Even a writer that forgets the claims cannot store an overlap on PostgreSQL."""
    from datetime import timedelta

    from sqlalchemy.exc import IntegrityError

    with in_community(booking_on):
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only")
        at = utcnow() + timedelta(days=2)
        db.session.add(
            Booking(
                space_id=space_id,
                person_id=member.id,
                starts_at=at,
                ends_at=at + timedelta(hours=2),
                status="confirmed",
            )
        )
        commit()
        db.session.add(
            Booking(
                space_id=space_id,
                person_id=member.id,
                starts_at=at + timedelta(hours=1),
                ends_at=at + timedelta(hours=3),
                status="pending",
            )
        )
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
