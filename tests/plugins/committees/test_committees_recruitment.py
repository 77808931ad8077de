"""专委会 recruitment: set up from the menu, apply, vet, appoint for a term, step down."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from plugins.committees.models import Committee, Seat
from tenants.context import tenant_scope
from tests.plugins.committees.committees_helpers import (
    BASE,
    active_seats,
    application_id,
    apply,
    appoint,
    committee_row,
    set_up,
)


def test_disabled_means_not_found(community, member_client):
    assert member_client.get(f"{BASE}/").status_code == 404


def test_the_plugin_keeps_the_contract(plugin_contract):
    assert plugin_contract("committees") == []


def test_every_text_is_translated(app):
    result = app.test_cli_runner().invoke(args=["plugins", "i18n", "committees", "check"])
    assert result.exit_code == 0, result.output


def test_apply_vet_appoint_then_step_down(app, committees_on, staff_client, member_client, member):
    committee_id = set_up(staff_client)
    page = member_client.get(f"{BASE}/{committee_id}").get_data(as_text=True)
    assert "环境管护专委会" in page and "报名" in page

    assert apply(member_client, committee_id).status_code == 302
    again = apply(member_client, committee_id)  # one open application at a time
    assert again.status_code == 409 and "您已报名" in again.get_data(as_text=True)
    app_id = application_id(app, committees_on, member.id)

    # Not vetted yet: no appointment.
    early = appoint(staff_client, committee_id, app_id)
    assert early.status_code == 409
    assert "已经处理" in early.get_data(as_text=True) or "已处理" in early.get_data(as_text=True)

    assert staff_client.post(f"{BASE}/{committee_id}/applications/{app_id}/vet").status_code == 302
    assert appoint(staff_client, committee_id, app_id, role="convener").status_code == 302
    assert active_seats(app, committees_on, committee_id) == [(member.id, "convener")]
    assert committee_row(app, committees_on, committee_id).seats_taken == 1
    page = member_client.get(f"{BASE}/{committee_id}").get_data(as_text=True)
    assert "召集人" in page and "Alpha Member" in page

    # A sitting member cannot apply again.
    refused = apply(member_client, committee_id)
    assert refused.status_code == 409
    assert "已是该专委会委员" in refused.get_data(as_text=True)

    with app.app_context(), tenant_scope(committees_on.id):
        seat_id = db.session.execute(db.select(Seat.id)).scalar_one()
    stepped = member_client.post(f"{BASE}/{committee_id}/seats/{seat_id}/end")
    assert stepped.status_code == 302
    assert active_seats(app, committees_on, committee_id) == []
    assert committee_row(app, committees_on, committee_id).seats_taken == 0
    with app.app_context(), tenant_scope(committees_on.id):
        seat = db.session.get(Seat, seat_id)
        assert seat.end_reason == "stepped_down" and seat.ended_at is not None
    twice = member_client.post(f"{BASE}/{committee_id}/seats/{seat_id}/end")
    assert twice.status_code == 409


def test_staff_end_a_term_and_the_seat_is_free_again(
    app, committees_on, staff_client, member_client, member, make_user, login
):
    committee_id = set_up(staff_client, max_seats="1")
    apply(member_client, committee_id)
    first = application_id(app, committees_on, member.id)
    staff_client.post(f"{BASE}/{committee_id}/applications/{first}/vet")
    assert appoint(staff_client, committee_id, first).status_code == 302

    other = make_user("second@alpha.example", committees_on, name="第二位居民")
    apply(login(other), committee_id)
    second = application_id(app, committees_on, other.id)
    staff_client.post(f"{BASE}/{committee_id}/applications/{second}/vet")
    full = appoint(staff_client, committee_id, second)
    assert full.status_code == 409
    html = full.get_data(as_text=True)
    assert "席位已满" in html and 'value="2029-06-30"' in html  # what staff typed is kept

    with app.app_context(), tenant_scope(committees_on.id):
        seat_id = db.session.execute(db.select(Seat.id)).scalar_one()
    assert staff_client.post(f"{BASE}/{committee_id}/seats/{seat_id}/end").status_code == 302
    with app.app_context(), tenant_scope(committees_on.id):
        assert db.session.get(Seat, seat_id).end_reason == "term_end"
    assert appoint(staff_client, committee_id, second).status_code == 302
    assert active_seats(app, committees_on, committee_id) == [(other.id, "member")]


def test_decline_and_withdraw(app, committees_on, staff_client, member_client, member):
    committee_id = set_up(staff_client)
    apply(member_client, committee_id)
    app_id = application_id(app, committees_on, member.id)
    assert (
        member_client.post(f"{BASE}/{committee_id}/applications/{app_id}/withdraw").status_code
        == 302
    )
    apply(member_client, committee_id, "再次报名")  # a new application after withdrawing
    again = application_id(app, committees_on, member.id)
    assert again != app_id
    assert (
        staff_client.post(f"{BASE}/{committee_id}/applications/{again}/reject").status_code == 302
    )
    assert appoint(staff_client, committee_id, again).status_code == 409


def test_residents_may_not_set_up_vet_appoint_or_end_others_terms(
    app, committees_on, staff_client, member_client, member, make_user, login
):
    committee_id = set_up(staff_client)
    assert member_client.get(f"{BASE}/new").status_code == 403
    assert member_client.post(f"{BASE}/new", data={"name": "x"}).status_code == 403
    assert member_client.get(f"{BASE}/{committee_id}/edit").status_code == 403
    apply(member_client, committee_id)
    app_id = application_id(app, committees_on, member.id)
    assert member_client.post(f"{BASE}/{committee_id}/applications/{app_id}/vet").status_code == 403
    assert appoint(member_client, committee_id, app_id).status_code == 403
    staff_client.post(f"{BASE}/{committee_id}/applications/{app_id}/vet")
    appoint(staff_client, committee_id, app_id)
    with app.app_context(), tenant_scope(committees_on.id):
        seat_id = db.session.execute(db.select(Seat.id)).scalar_one()
    neighbour = login(make_user("neighbour@alpha.example", committees_on))
    assert neighbour.post(f"{BASE}/{committee_id}/seats/{seat_id}/end").status_code == 403
    # Someone else's application cannot be withdrawn by a neighbour either.
    assert active_seats(app, committees_on, committee_id) == [(member.id, "member")]


def test_bad_input_answers_in_the_users_language_and_keeps_the_values(
    committees_on, staff_client, member_client
):
    wrong = staff_client.post(
        f"{BASE}/new",
        data={
            "kind": "environment",
            "name": "老幼照理",
            "remit": "保留的职责",
            "min_seats": "5",
            "max_seats": "2",
        },
    )
    assert wrong.status_code == 422
    html = wrong.get_data(as_text=True)
    assert "上限不能低于下限" in html and "保留的职责" in html and "老幼照理" in html
    for bad in (
        {"max_seats": "abc"},
        {"max_seats": "１２"},
        {"max_seats": "100000"},
        {"kind": "nope"},
        {"name": ""},
    ):
        form = {"kind": "care", "name": "老幼照理", "min_seats": "1", "max_seats": "5", **bad}
        assert staff_client.post(f"{BASE}/new", data=form).status_code == 422, bad
    committee_id = set_up(staff_client)
    duplicate = staff_client.post(
        f"{BASE}/new",
        data={"kind": "other", "name": "环境管护专委会", "min_seats": "1", "max_seats": "3"},
    )
    assert duplicate.status_code == 422 and "已有同名" in duplicate.get_data(as_text=True)
    empty = apply(member_client, committee_id, "")
    assert empty.status_code == 422 and "必填" in empty.get_data(as_text=True)
    too_long = apply(member_client, committee_id, "长" * 501)
    assert too_long.status_code == 422 and "长" * 501 in too_long.get_data(as_text=True)


def test_bad_term_and_role_are_refused_with_the_form_kept(
    app, committees_on, staff_client, member_client, member
):
    committee_id = set_up(staff_client)
    apply(member_client, committee_id)
    app_id = application_id(app, committees_on, member.id)
    staff_client.post(f"{BASE}/{committee_id}/applications/{app_id}/vet")
    backwards = appoint(
        staff_client, committee_id, app_id, term_start="2026-07-01", term_end="2026-01-01"
    )
    assert backwards.status_code == 422 and "任期结束不能早于开始" in backwards.get_data(
        as_text=True
    )
    assert appoint(staff_client, committee_id, app_id, role="king").status_code == 422
    assert appoint(staff_client, committee_id, app_id, term_end="2026-13-45").status_code == 422
    assert appoint(staff_client, committee_id, app_id, term_end="99999-01-01").status_code == 422
    assert active_seats(app, committees_on, committee_id) == []


def test_maximum_cannot_drop_below_the_seats_taken(
    app, committees_on, staff_client, member_client, member
):
    committee_id = set_up(staff_client, max_seats="3")
    apply(member_client, committee_id)
    app_id = application_id(app, committees_on, member.id)
    staff_client.post(f"{BASE}/{committee_id}/applications/{app_id}/vet")
    appoint(staff_client, committee_id, app_id)
    lower = staff_client.post(
        f"{BASE}/{committee_id}/edit",
        data={"kind": "environment", "name": "环境管护专委会", "min_seats": "0", "max_seats": "0"},
    )
    assert lower.status_code == 422
    ok = staff_client.post(
        f"{BASE}/{committee_id}/edit",
        data={"kind": "environment", "name": "环境管护专委会", "min_seats": "1", "max_seats": "1"},
    )
    assert ok.status_code == 302
    assert committee_row(app, committees_on, committee_id).max_seats == 1


def test_the_database_refuses_a_second_active_seat_and_an_overfull_committee(
    app, committees_on, member
):
    with app.app_context(), tenant_scope(committees_on.id):
        committee = Committee(name="公共安全", kind="safety", min_seats=0, max_seats=1)
        db.session.add(committee)
        db.session.flush()
        args = dict(
            committee_id=committee.id,
            user_id=member.id,
            term_start=date(2026, 1, 1),
            term_end=date(2027, 1, 1),
        )
        db.session.add(Seat(**args))
        db.session.flush()
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.add(Seat(**args))
        with pytest.raises(IntegrityError), db.session.begin_nested():
            committee.seats_taken = 2
        db.session.rollback()


def test_public_pages_show_no_personal_data(
    app, committees_on, client, staff_client, member_client, member
):
    committee_id = set_up(staff_client)
    apply(member_client, committee_id, "我的私人陈述")
    app_id = application_id(app, committees_on, member.id)
    staff_client.post(f"{BASE}/{committee_id}/applications/{app_id}/vet")
    appoint(staff_client, committee_id, app_id, role="inspector")
    board = client.get(f"{BASE}/public")
    assert board.status_code == 200 and "环境管护专委会" in board.get_data(as_text=True)
    page = client.get(f"{BASE}/public/{committee_id}").get_data(as_text=True)
    assert "巡查员" in page and "小区环境卫生与绿化管护" in page
    assert "Alpha Member" not in page and "我的私人陈述" not in page and "member@alpha" not in page
    assert client.get(f"{BASE}/{committee_id}").status_code == 302  # the member page needs login


def test_empty_states(committees_on, member_client, staff_client, client):
    assert "还没有专委会" in member_client.get(f"{BASE}/").get_data(as_text=True)
    assert "设立第一个" in staff_client.get(f"{BASE}/").get_data(as_text=True)
    assert "还没有专委会" in client.get(f"{BASE}/public").get_data(as_text=True)


def test_a_member_who_leaves_the_community_frees_their_seat(
    app, committees_on, staff_client, member_client, member, admin_client
):
    from tenants.models import Membership

    committee_id = set_up(staff_client)
    assert apply(member_client, committee_id).status_code == 302
    app_id = application_id(app, committees_on, member.id)
    assert staff_client.post(f"{BASE}/{committee_id}/applications/{app_id}/vet").status_code == 302
    assert appoint(staff_client, committee_id, app_id).status_code == 302
    assert committee_row(app, committees_on, committee_id).seats_taken == 1

    with app.app_context(), tenant_scope(committees_on.id):
        membership_id = db.session.execute(
            db.select(Membership.id).where(Membership.user_id == member.id)
        ).scalar_one()
    removed = admin_client.post(f"/c/alpha/members/{membership_id}/remove")
    assert removed.status_code in (302, 303)
    assert active_seats(app, committees_on, committee_id) == []
    assert committee_row(app, committees_on, committee_id).seats_taken == 0
    with app.app_context(), tenant_scope(committees_on.id):
        seat = db.session.execute(db.select(Seat)).scalar_one()
        assert seat.end_reason == "stepped_down" and seat.ended_at is not None
