"""The points shop: redeem, hand over, cancel with points back; the last items redeemed by
many people at once never overdraw a balance or the stock."""

from __future__ import annotations

import threading

import pytest
from volunteers_helpers import BASE, balance, entries, grant, stock, told

from core.extensions import db
from plugins.volunteers.ledger import mismatches
from plugins.volunteers.models import Redemption


def _redemptions(app, community):
    from tenants.context import tenant_scope

    with app.app_context(), tenant_scope(community.id):
        return [
            (r.id, r.status, r.points)
            for r in db.session.execute(db.select(Redemption).order_by(Redemption.id)).scalars()
        ]


def test_redeem_then_hand_over(
    app, vol_on, setup, in_community, member, member_client, staff_client
):
    grant(in_community, vol_on, member.id, 120)
    page = member_client.get(f"{BASE}/shop").get_data(as_text=True)
    assert 'id="vol-balance">120<' in page and "东北大米" in page
    assert member_client.post(f"{BASE}/shop/{setup.item_id}/redeem").status_code == 302
    assert balance(app, vol_on, member.id) == 70
    assert stock(app, vol_on, setup.item_id) == 1
    [(rid, status, points)] = _redemptions(app, vol_on)
    assert (status, points) == ("pending", 50)
    manage = staff_client.get(f"{BASE}/shop/manage").get_data(as_text=True)
    assert f'id="redemption-{rid}"' in manage
    assert staff_client.post(f"{BASE}/shop/redemptions/{rid}/ready").status_code == 302
    assert told(app, member.id)[-1] == (
        "volunteers.redemption",
        "您兑换的东北大米 5kg已备好，请前来领取。",
    )
    assert staff_client.post(f"{BASE}/shop/redemptions/{rid}/handover").status_code == 302
    assert _redemptions(app, vol_on)[0][1] == "handed_over"
    # Handed over: it cannot be cancelled any more.
    late = staff_client.post(f"{BASE}/shop/redemptions/{rid}/cancel", follow_redirects=True)
    assert "已处理过" in late.get_data(as_text=True)
    assert balance(app, vol_on, member.id) == 70


def test_cancel_gives_points_back_as_a_reversal_and_the_item_back(
    app, vol_on, setup, in_community, member, member_client, staff_client
):
    grant(in_community, vol_on, member.id, 50)
    member_client.post(f"{BASE}/shop/{setup.item_id}/redeem")
    [(rid, _s, _p)] = _redemptions(app, vol_on)
    assert staff_client.post(f"{BASE}/shop/redemptions/{rid}/cancel").status_code == 302
    assert balance(app, vol_on, member.id) == 50
    assert entries(app, vol_on, member.id) == [(50, "grant"), (-50, "redeem"), (50, "refund")]
    assert stock(app, vol_on, setup.item_id) == 2
    assert told(app, member.id)[-1][0] == "volunteers.redemption"
    again = staff_client.post(f"{BASE}/shop/redemptions/{rid}/cancel")
    assert again.status_code == 302
    assert balance(app, vol_on, member.id) == 50  # not twice


def test_not_enough_points_or_out_of_stock_say_so(
    app, vol_on, setup, in_community, member, member_client
):
    poor = member_client.post(f"{BASE}/shop/{setup.item_id}/redeem")
    assert poor.status_code == 409 and "需要 50 积分" in poor.get_data(as_text=True)
    assert stock(app, vol_on, setup.item_id) == 2  # rolled back with the refused debit
    grant(in_community, vol_on, member.id, 500)
    for _ in range(2):
        assert member_client.post(f"{BASE}/shop/{setup.item_id}/redeem").status_code == 302
    gone = member_client.post(f"{BASE}/shop/{setup.item_id}/redeem")
    assert gone.status_code == 409 and "已兑完" in gone.get_data(as_text=True)
    assert balance(app, vol_on, member.id) == 400


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"price": "0"}, "1 到 1,000,000"),
        ({"price": "abc"}, ""),
        ({"stock": "-1"}, "0 到 100,000"),
        ({"name": ""}, "请填写物品名称"),
    ],
)
def test_item_form_bad_input(vol_on, setup, staff_client, fields, message):
    data = {
        "name": "洗衣液",
        "description": "我写的说明",
        "price": "100",
        "stock": "5",
        "active": "y",
        **fields,
    }
    answer = staff_client.post(f"{BASE}/shop/items/new", data=data)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert message in html and "我写的说明" in html


def test_staff_add_and_change_items(app, vol_on, setup, staff_client, member_client):
    data = {"name": "爱心理发一次", "description": "", "price": "80", "stock": "3", "active": "y"}
    assert staff_client.post(f"{BASE}/shop/items/new", data=data).status_code == 302
    assert "爱心理发一次" in member_client.get(f"{BASE}/shop").get_data(as_text=True)
    edit = staff_client.post(
        f"{BASE}/shop/items/{setup.item_id}/edit",
        data={"name": "东北大米 5kg", "price": "60", "stock": "9"},
    )
    assert edit.status_code == 302  # unticked "on offer": off the shelf
    assert "东北大米" not in member_client.get(f"{BASE}/shop").get_data(as_text=True)


@pytest.mark.parametrize("threads", [8])
def test_many_people_redeem_the_last_items_at_once(
    app, vol_on, in_community, make_user, login, threads
):
    from volunteers_helpers import make_setup

    # Two left; each person can afford exactly one.
    setup = make_setup(in_community, vol_on, price=50, stock=2)
    people = [make_user(f"v{n}@alpha.example", vol_on) for n in range(threads)]
    for person in people:
        grant(in_community, vol_on, person.id, 50)
    clients = [login(p) for p in people]
    start = threading.Barrier(threads)
    answers: list[tuple[int, str]] = []

    def redeem(client):
        start.wait()
        response = client.post(f"{BASE}/shop/{setup.item_id}/redeem")
        answers.append((response.status_code, response.get_data(as_text=True)))

    workers = [threading.Thread(target=redeem, args=(c,)) for c in clients]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    codes = sorted(code for code, _ in answers)
    assert codes == [302, 302] + [409] * (threads - 2)
    assert all("已兑完" in html for code, html in answers if code == 409)
    assert stock(app, vol_on, setup.item_id) == 0
    assert sorted(balance(app, vol_on, p.id) for p in people) == [0, 0] + [50] * (threads - 2)
    with in_community(vol_on):
        assert mismatches() == []


def test_one_person_redeems_from_many_tabs_at_once_without_overdrawing(
    app, vol_on, in_community, member, login
):
    from volunteers_helpers import make_setup

    setup = make_setup(in_community, vol_on, price=50, stock=100)
    grant(in_community, vol_on, member.id, 120)  # enough for two
    clients = [login(member) for _ in range(6)]
    start = threading.Barrier(len(clients))
    codes: list[int] = []

    def redeem(client):
        start.wait()
        codes.append(client.post(f"{BASE}/shop/{setup.item_id}/redeem").status_code)

    workers = [threading.Thread(target=redeem, args=(c,)) for c in clients]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert sorted(codes) == [302, 302, 409, 409, 409, 409]
    assert balance(app, vol_on, member.id) == 20
    assert stock(app, vol_on, setup.item_id) == 98
