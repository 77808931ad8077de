"""A committee's convener (召集人) keeps its meetings: schedules them, records attendance,
minutes and decisions. Other members, and the convener of another committee, may not."""

from __future__ import annotations

from core.extensions import db
from plugins.committees.models import Attendance, Decision, Meeting
from tenants.context import tenant_scope
from tests.plugins.committees.committees_helpers import (
    BASE,
    application_id,
    apply,
    appoint,
    set_up,
)


def _seat(app, community, staff_client, client, user, committee_id, role):
    apply(client, committee_id)
    app_id = application_id(app, community, user.id)
    staff_client.post(f"{BASE}/{committee_id}/applications/{app_id}/vet")
    assert appoint(staff_client, committee_id, app_id, role=role).status_code == 302


def test_the_convener_records_meetings_of_their_own_committee_only(
    app, committees_on, staff_client, member_client, member, make_user, login
):
    ours = set_up(staff_client)
    theirs = set_up(staff_client, name="公共安全专委会", kind="safety")
    _seat(app, committees_on, staff_client, member_client, member, ours, "convener")
    plain = make_user("plain@alpha.example", committees_on, name="普通委员")
    plain_client = login(plain)
    _seat(app, committees_on, staff_client, plain_client, plain, ours, "member")

    page = member_client.get(f"{BASE}/{ours}").get_data(as_text=True)
    assert f"{BASE}/{ours}/meetings/new" in page
    assert f"{BASE}/{ours}/meetings/new" not in plain_client.get(f"{BASE}/{ours}").get_data(
        as_text=True
    )

    created = member_client.post(
        f"{BASE}/{ours}/meetings/new",
        data={"held_on": "2026-11-03", "place": "活动室", "agenda": "召集人排的议程"},
    )
    assert created.status_code == 302
    meeting_id = int(created.headers["Location"].rsplit("/", 1)[1])
    url = f"{BASE}/{ours}/meetings/{meeting_id}"
    assert (
        member_client.post(
            f"{url}/minutes", data={"present": [str(member.id), str(plain.id)], "minutes": "纪要"}
        ).status_code
        == 302
    )
    assert (
        member_client.post(
            f"{url}/decisions", data={"decided_on": "2026-11-03", "text": "召集人记的决定"}
        ).status_code
        == 302
    )
    with app.app_context(), tenant_scope(committees_on.id):
        assert db.session.get(Meeting, meeting_id).present_count == 2
        assert db.session.execute(db.select(db.func.count(Attendance.id))).scalar() == 2
        assert db.session.execute(db.select(Decision.text)).scalars().all() == ["召集人记的决定"]

    # A plain member of the committee: not allowed.
    assert plain_client.get(f"{BASE}/{ours}/meetings/new").status_code == 403
    assert plain_client.post(f"{url}/minutes", data={"minutes": "x"}).status_code == 403
    assert (
        plain_client.post(
            f"{url}/decisions", data={"decided_on": "2026-11-03", "text": "x"}
        ).status_code
        == 403
    )
    # The convener of ours is nobody on theirs.
    assert member_client.get(f"{BASE}/{theirs}/meetings/new").status_code == 403
    assert (
        member_client.post(
            f"{BASE}/{theirs}/meetings/new", data={"held_on": "2026-11-03", "agenda": "x"}
        ).status_code
        == 403
    )
    # Bad input from the convener: 422, told, kept.
    bad = member_client.post(
        f"{BASE}/{ours}/meetings/new", data={"held_on": "", "agenda": "保留的议程"}
    )
    assert bad.status_code == 422 and "保留的议程" in bad.get_data(as_text=True)
    # A convener who steps down loses it.
    with app.app_context(), tenant_scope(committees_on.id):
        from plugins.committees.models import Seat

        seat_id = db.session.execute(
            db.select(Seat.id).where(Seat.user_id == member.id)
        ).scalar_one()
    member_client.post(f"{BASE}/{ours}/seats/{seat_id}/end")
    assert member_client.get(f"{BASE}/{ours}/meetings/new").status_code == 403
