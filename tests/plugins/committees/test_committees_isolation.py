"""Another community's committees, applications and seats are not found (404) on any route."""

from __future__ import annotations

from core.extensions import db
from plugins.committees.models import Seat
from tenants.context import tenant_scope
from tests.plugins.committees.committees_helpers import application_id, apply, appoint, set_up


def test_every_route_answers_404_for_another_communitys_ids(
    app,
    committees_on,
    other_community,
    enable_plugin,
    make_user,
    login,
    staff_client,
    member_client,
    member,
):
    committee_id = set_up(staff_client)
    apply(member_client, committee_id)
    app_id = application_id(app, committees_on, member.id)
    staff_client.post(f"/c/alpha/committees/{committee_id}/applications/{app_id}/vet")
    appoint(staff_client, committee_id, app_id)
    with app.app_context(), tenant_scope(committees_on.id):
        seat_id = db.session.execute(db.select(Seat.id)).scalar_one()

    created = staff_client.post(
        f"/c/alpha/committees/{committee_id}/meetings/new",
        data={"held_on": "2026-11-03", "agenda": "议程"},
    )
    meeting_id = int(created.headers["Location"].rsplit("/", 1)[1])

    review = staff_client.post(
        "/c/alpha/committees/reviews/new",
        data={
            "name": "评议",
            "weight_party": "40",
            "weight_units": "30",
            "weight_residents": "30",
            "criteria": "工作成效 40",
        },
    )
    review_id = int(review.headers["Location"].rsplit("/", 1)[1])
    staff_client.post(f"/c/alpha/committees/reviews/{review_id}/publish")

    enable_plugin(other_community, "committees")
    beta_staff = login(make_user("staff@beta.example", other_community, role="staff"))
    base = "/c/beta/committees"
    gets = [
        f"{base}/{committee_id}",
        f"{base}/{committee_id}/edit",
        f"{base}/{committee_id}/applications/{app_id}/appoint",
        f"{base}/public/{committee_id}",
        f"{base}/{committee_id}/meetings/new",
        f"{base}/{committee_id}/meetings/{meeting_id}",
        f"{base}/reviews/{review_id}",
        f"{base}/public/reviews/{review_id}",
        f"{base}/reviews/{review_id}/score",
        f"{base}/{committee_id}/matters",
    ]
    posts = [
        f"{base}/{committee_id}/edit",
        f"{base}/{committee_id}/apply",
        f"{base}/{committee_id}/applications/{app_id}/vet",
        f"{base}/{committee_id}/applications/{app_id}/reject",
        f"{base}/{committee_id}/applications/{app_id}/withdraw",
        f"{base}/{committee_id}/applications/{app_id}/appoint",
        f"{base}/{committee_id}/seats/{seat_id}/end",
        f"{base}/{committee_id}/meetings/new",
        f"{base}/{committee_id}/meetings/{meeting_id}/minutes",
        f"{base}/{committee_id}/meetings/{meeting_id}/decisions",
        f"{base}/reviews/{review_id}/sheets",
        f"{base}/reviews/{review_id}/publish",
        f"{base}/reviews/{review_id}/assessors",
        f"{base}/reviews/{review_id}/score/{committee_id}",
        f"{base}/reviews/{review_id}/rewards",
        f"{base}/{committee_id}/matters/1/answer",
        f"{base}/{committee_id}/matters/1/hand-back",
    ]
    for url in gets:
        assert beta_staff.get(url).status_code == 404, url
    for url in posts:
        assert beta_staff.post(url, data={"statement": "x", "role": "member"}).status_code == 404, (
            url
        )
    assert "环境管护专委会" not in beta_staff.get(f"{base}/").get_data(as_text=True)
    assert "环境管护专委会" not in beta_staff.get(f"{base}/figures").get_data(as_text=True)
    assert "环境管护专委会" not in beta_staff.get(f"{base}/public").get_data(as_text=True)
    # Within alpha, an application id under the wrong committee is not found either.
    other_id = set_up(staff_client, name="公共安全专委会", kind="safety")
    assert (
        staff_client.post(f"/c/alpha/committees/{other_id}/applications/{app_id}/vet").status_code
        == 404
    )
    assert (
        staff_client.post(f"/c/alpha/committees/{other_id}/seats/{seat_id}/end").status_code == 404
    )
