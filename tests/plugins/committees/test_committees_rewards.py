"""以奖代投: a year-end round's results set rewards by the community's tiers; staff confirm
them once; each is recorded once (DB-unique) and proposed with committee_reward_proposed."""

from __future__ import annotations

import threading

import pytest

from core.extensions import db
from core.models import DomainEvent
from plugins.committees.models import Reward
from plugins.committees.rewards import Tier, amount_for, parse_tiers, score_text
from tenants.context import all_tenants, tenant_scope
from tests.plugins.committees.committees_helpers import (
    BASE,
    criteria_ids,
    open_round,
    paper_sheet,
    set_up,
)

WORKED = [  # docs/committees.md: Committee X 85.13, Committee Y 72.57
    ("x", "party", "党委1", "36", "54"),
    ("x", "units", "单位1", "30", "50"),
    ("x", "units", "单位2", "35", ""),
    ("x", "residents", "居民代表1", "40", "45"),
    ("x", "residents", "居民代表2", "20", "40"),
    ("x", "residents", "居民代表3", "38", "57"),
    ("y", "party", "党委1", "28", "42"),
    ("y", "units", "单位1", "30", "46"),
    ("z", "party", "党委1", "20", "30"),  # 50.00: below every tier
]


def test_the_rule_parses_tiers_in_yuan_to_fen():
    assert parse_tiers("90:2000, 80:1000.50，70：500") == [
        Tier(9000, 200000),
        Tier(8000, 100050),
        Tier(7000, 50000),
    ]
    assert parse_tiers("") == []
    for bad in ("abc", "90", "101:5", "90:0", "90:1.001", "85.125:10"):
        with pytest.raises(ValueError):
            parse_tiers(bad)
    tiers = parse_tiers("90:2000, 80:1000, 70:500")
    assert amount_for(8513, tiers) == 100000  # 85.13 → 1,000 yuan
    assert amount_for(7257, tiers) == 50000  # 72.57 → 500 yuan
    assert amount_for(9000, tiers) == 200000  # exactly on a tier counts
    assert amount_for(6999, tiers) == 0
    assert amount_for(None, tiers) == 0
    assert score_text(8513) == "85.13" and score_text(7000) == "70.00"


def _scored_year_end(app, community, staff_client, **round_data):
    ids = {
        "x": set_up(staff_client, name="环境管护专委会"),
        "y": set_up(staff_client, name="法律咨询专委会", kind="legal"),
        "z": set_up(staff_client, name="公共安全专委会", kind="safety"),
    }
    review_id = open_round(
        staff_client, name="2026年度述职评议", year="2026", year_end="y", **round_data
    )
    crit = criteria_ids(app, community, review_id)
    for key, *sheet in WORKED:
        assert paper_sheet(staff_client, review_id, crit, ids[key], *sheet).status_code == 302
    assert staff_client.post(f"{BASE}/reviews/{review_id}/publish").status_code == 302
    return review_id, ids


def _events(app):
    with app.app_context(), all_tenants():
        return [
            e.payload
            for e in db.session.execute(
                db.select(DomainEvent)
                .where(DomainEvent.name == "committee_reward_proposed")
                .order_by(DomainEvent.id)
            ).scalars()
        ]


def test_confirming_records_and_proposes_each_reward_once(
    app, committees_on, staff_client, member_client, client
):
    review_id, ids = _scored_year_end(app, committees_on, staff_client)
    page = staff_client.get(f"{BASE}/reviews/{review_id}").get_data(as_text=True)
    assert "¥1000.00" in page and "¥500.00" in page and "确认年度奖励" in page
    assert member_client.post(f"{BASE}/reviews/{review_id}/rewards").status_code == 403
    assert _events(app) == []  # nothing before staff confirm

    assert staff_client.post(f"{BASE}/reviews/{review_id}/rewards").status_code == 302
    again = staff_client.post(f"{BASE}/reviews/{review_id}/rewards", follow_redirects=True)
    assert "奖励此前已确认，没有新增" in again.get_data(as_text=True)
    assert _events(app) == [
        {
            "committee_id": ids["x"],
            "committee_name": "环境管护专委会",
            "amount_fen": 100000,
            "year": 2026,
            "score": "85.13",
            "reference": f"committees:reward:{review_id}:{ids['x']}",
        },
        {
            "committee_id": ids["y"],
            "committee_name": "法律咨询专委会",
            "amount_fen": 50000,
            "year": 2026,
            "score": "72.57",
            "reference": f"committees:reward:{review_id}:{ids['y']}",
        },
    ]
    with app.app_context(), tenant_scope(committees_on.id):
        rows = db.session.execute(db.select(Reward.committee_id, Reward.amount_fen)).all()
    assert sorted(rows) == sorted([(ids["x"], 100000), (ids["y"], 50000)])
    # Without the funds plugin it is a plain figure: on the committee page and the results.
    assert "¥1000.00" in member_client.get(f"{BASE}/{ids['x']}").get_data(as_text=True)
    assert "¥500.00" in member_client.get(f"{BASE}/reviews/{review_id}").get_data(as_text=True)


def test_the_communitys_own_tiers_apply(app, committees_on, enable_plugin, staff_client):
    enable_plugin(committees_on, "committees", reward_tiers="80:3000, 60:800.50")
    review_id, ids = _scored_year_end(app, committees_on, staff_client)
    staff_client.post(f"{BASE}/reviews/{review_id}/rewards")
    assert [(e["committee_id"], e["amount_fen"]) for e in _events(app)] == [
        (ids["x"], 300000),
        (ids["y"], 80050),
    ]


def test_a_half_year_round_sets_no_reward(app, committees_on, staff_client):
    set_up(staff_client)
    review_id = open_round(staff_client)  # not year-end
    staff_client.post(f"{BASE}/reviews/{review_id}/publish")
    refused = staff_client.post(f"{BASE}/reviews/{review_id}/rewards")
    assert refused.status_code == 409 and "年终评议" in refused.get_data(as_text=True)
    assert _events(app) == []
    assert staff_client.post(f"{BASE}/reviews/999999/rewards").status_code == 404


def test_simultaneous_confirmations_propose_each_reward_once(
    app, committees_on, staff_client, make_user, login
):
    review_id, _ids = _scored_year_end(app, committees_on, staff_client)
    threads = 8
    staffers = [
        login(make_user(f"staff{n}@alpha.example", committees_on, role="staff"))
        for n in range(threads)
    ]
    start = threading.Barrier(threads)
    statuses: list[int] = []

    def confirm(client):
        start.wait()
        statuses.append(client.post(f"{BASE}/reviews/{review_id}/rewards").status_code)

    workers = [threading.Thread(target=confirm, args=(c,)) for c in staffers]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert statuses == [302] * threads
    assert len(_events(app)) == 2
    with app.app_context(), tenant_scope(committees_on.id):
        assert db.session.execute(db.select(db.func.count(Reward.id))).scalar() == 2


def test_a_rule_that_does_not_read_gives_no_reward_and_says_where(
    app, committees_on, enable_plugin, staff_client
):
    enable_plugin(committees_on, "committees", reward_tiers="90:2000, 八十:1000")
    review_id, _ids = _scored_year_end(app, committees_on, staff_client)
    page = staff_client.get(f"{BASE}/reviews/{review_id}").get_data(as_text=True)
    assert "奖励档次无法识别" in page and "八十:1000" in page
    staff_client.post(f"{BASE}/reviews/{review_id}/rewards")
    assert _events(app) == []
