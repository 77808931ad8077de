"""Staff appointing at the same moment never fill more seats than the committee has."""

from __future__ import annotations

import threading

import pytest

from core.extensions import db
from plugins.committees.models import Application, Committee, Seat
from tenants.context import tenant_scope
from tests.plugins.committees.committees_helpers import BASE, set_up

MAX_SEATS = 3


@pytest.mark.parametrize("threads", [8])
def test_simultaneous_appointments_stop_at_the_maximum(
    app, committees_on, staff_client, make_user, login, threads
):
    committee_id = set_up(staff_client, max_seats=str(MAX_SEATS))
    applicants = [make_user(f"applicant{n}@alpha.example", committees_on) for n in range(threads)]
    for user in applicants:
        assert (
            login(user)
            .post(f"{BASE}/{committee_id}/apply", data={"statement": "愿意服务"})
            .status_code
            == 302
        )
    with app.app_context(), tenant_scope(committees_on.id):
        app_ids = (
            db.session.execute(db.select(Application.id).order_by(Application.id)).scalars().all()
        )
    for app_id in app_ids:
        staff_client.post(f"{BASE}/{committee_id}/applications/{app_id}/vet")
    # Every thread is a different staff member, each appointing a different applicant.
    staffers = [
        login(make_user(f"staff{n}@alpha.example", committees_on, role="staff"))
        for n in range(threads)
    ]
    start = threading.Barrier(threads)
    statuses: list[int] = []

    def appoint(client, app_id):
        start.wait()
        response = client.post(
            f"{BASE}/{committee_id}/applications/{app_id}/appoint",
            data={"role": "member", "term_start": "2026-07-01", "term_end": "2029-06-30"},
        )
        statuses.append(response.status_code)

    pairs = zip(staffers, app_ids, strict=True)
    workers = [threading.Thread(target=appoint, args=pair) for pair in pairs]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert sorted(statuses) == [302] * MAX_SEATS + [409] * (threads - MAX_SEATS)
    with app.app_context(), tenant_scope(committees_on.id):
        seats = db.session.execute(db.select(Seat).where(Seat.active_key == 1)).scalars().all()
        committee = db.session.get(Committee, committee_id)
        appointed = db.session.execute(
            db.select(db.func.count()).where(Application.status == "appointed")
        ).scalar_one()
    assert len(seats) == MAX_SEATS == committee.seats_taken == appointed


@pytest.mark.parametrize("threads", [6])
def test_the_same_application_appointed_by_several_staff_at_once_takes_one_seat(
    app, committees_on, staff_client, member_client, member, make_user, login, threads
):
    committee_id = set_up(staff_client, max_seats="5")
    member_client.post(f"{BASE}/{committee_id}/apply", data={"statement": "愿意服务"})
    with app.app_context(), tenant_scope(committees_on.id):
        app_id = db.session.execute(db.select(Application.id)).scalar_one()
    staff_client.post(f"{BASE}/{committee_id}/applications/{app_id}/vet")
    staffers = [
        login(make_user(f"staff{n}@alpha.example", committees_on, role="staff"))
        for n in range(threads)
    ]
    start = threading.Barrier(threads)
    statuses: list[int] = []

    def appoint(client):
        start.wait()
        response = client.post(
            f"{BASE}/{committee_id}/applications/{app_id}/appoint",
            data={"role": "member", "term_start": "2026-07-01", "term_end": "2029-06-30"},
        )
        statuses.append(response.status_code)

    workers = [threading.Thread(target=appoint, args=(c,)) for c in staffers]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert sorted(statuses) == [302] + [409] * (threads - 1)
    with app.app_context(), tenant_scope(committees_on.id):
        assert db.session.execute(db.select(db.func.count()).select_from(Seat)).scalar_one() == 1
        assert db.session.get(Committee, committee_id).seats_taken == 1
