"""Matters sent up (挂单销号): a 大事 a community refers to a department waits for its street
office, which answers it once; the answer reaches the request as its reply."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from core.extensions import db
from core.models import DomainEvent
from core.offices import matters
from core.offices.models import Office, OfficeCommunity, OfficeMatter, OfficeMember
from core.services.time import utcnow
from plugins.requests import workflow
from plugins.requests.models import Request, Step
from plugins.requests.sla import Targets
from tenants.context import all_tenants, community_scope


@pytest.fixture
def streets(app, make_community, make_user, enable_plugin):
    alpha = make_community("alpha", name_zh="甲社区", name_en="Alpha")
    lone = make_community("lone", name_zh="独立社区", name_en="Lone")
    for c in (alpha, lone):
        enable_plugin(c, "requests")
    clerk = make_user("clerk@east.example", name="东街道干部")
    boss = make_user("boss@district.example", name="区干部")
    other = make_user("clerk@west.example", name="西街道干部")
    staff = make_user("staff@alpha.example", alpha, "staff")
    with app.app_context():
        district = Office(slug="yunlong", kind="district", name_zh="云龙区", name_en="Yunlong")
        db.session.add(district)
        db.session.flush()
        east = Office(
            slug="east", kind="street", name_zh="东街道", name_en="East", parent_id=district.id
        )
        west = Office(
            slug="west", kind="street", name_zh="西街道", name_en="West", parent_id=district.id
        )
        db.session.add_all([east, west])
        db.session.flush()
        db.session.add_all(
            [
                OfficeCommunity(community_id=alpha.id, office_id=east.id),
                OfficeMember(office_id=east.id, user_id=clerk.id),
                OfficeMember(office_id=west.id, user_id=other.id),
                OfficeMember(office_id=district.id, user_id=boss.id),
            ]
        )
        db.session.commit()
    return {
        "alpha": alpha,
        "lone": lone,
        "clerk": clerk,
        "boss": boss,
        "other": other,
        "staff": staff,
    }


def _referred(app, community, staff, title="主干道路灯全部不亮") -> int:
    with app.test_request_context(), community_scope(community.id):
        targets = Targets()
        req = workflow.create(targets, title=title, actor_id=staff.id, details="需要市政维修")
        workflow.classify(req, targets, staff.id, "red", None)
        workflow.refer(
            req,
            targets,
            staff.id,
            department="区城管局",
            office="市政科",
            handler="刘工",
            deadline=utcnow() + timedelta(days=5),
        )
        db.session.commit()
        return req.id


def _matter_id(app) -> int:
    with app.app_context(), all_tenants():
        return db.session.scalar(db.select(OfficeMatter.id))


def test_a_referred_matter_waits_for_the_street_and_its_answer_closes_the_loop(app, streets, login):
    request_id = _referred(app, streets["alpha"], streets["staff"])
    clerk = login(streets["clerk"])
    listing = clerk.get("/o/east/matters").get_data(as_text=True)
    assert "主干道路灯全部不亮" in listing
    matter_id = _matter_id(app)
    page = clerk.get(f"/o/east/matters/{matter_id}").get_data(as_text=True)
    assert "区城管局 · 市政科 · 刘工" in page and "需要市政维修" in page
    answer = "已安排市政科今晚抢修，明早恢复照明。"
    sent = clerk.post(f"/o/east/matters/{matter_id}", data={"answer": answer})
    assert sent.status_code == 303
    with app.app_context(), community_scope(streets["alpha"].id):
        req = db.session.get(Request, request_id)
        assert req.status == "replied" and req.reply == answer
        steps = (
            db.session.execute(
                db.select(Step.action).where(Step.request_id == request_id).order_by(Step.id)
            )
            .scalars()
            .all()
        )
        assert steps[-2:] == ["office_answered", "replied"]
    assert (
        "主干道路灯全部不亮"
        not in clerk.get("/o/east/matters").get_data(as_text=True).split('id="answered-matters"')[0]
    )
    # Answered once: a second answer is refused and changes nothing.
    again = clerk.post(f"/o/east/matters/{matter_id}", data={"answer": "另一个答复"})
    assert again.status_code == 303
    with app.app_context(), all_tenants():
        assert db.session.get(OfficeMatter, matter_id).answer == answer


def test_who_sees_and_who_answers(app, streets, login):
    _referred(app, streets["alpha"], streets["staff"])
    matter_id = _matter_id(app)
    other = login(streets["other"])
    assert other.get(f"/o/west/matters/{matter_id}").status_code == 404  # not west's
    assert other.get(f"/o/east/matters/{matter_id}").status_code == 403
    boss = login(streets["boss"])  # the district looks, the street answers
    assert boss.get(f"/o/east/matters/{matter_id}").status_code == 200
    assert boss.post(f"/o/east/matters/{matter_id}", data={"answer": "x"}).status_code == 403
    assert login(streets["staff"]).get("/o/east/matters").status_code == 403
    assert app.test_client().get("/o/east/matters").status_code == 302  # sign in first


def test_bad_answers_are_422_and_keep_what_was_typed(app, streets, login):
    _referred(app, streets["alpha"], streets["staff"])
    matter_id = _matter_id(app)
    clerk = login(streets["clerk"])
    assert clerk.post(f"/o/east/matters/{matter_id}", data={"answer": "  "}).status_code == 422
    long = "很长的答复" * 500
    response = clerk.post(f"/o/east/matters/{matter_id}", data={"answer": long})
    assert response.status_code == 422 and long in response.get_data(as_text=True)
    assert clerk.get("/o/east/matters/999999").status_code == 404


def test_a_community_under_no_street_sends_nothing(app, streets):
    _referred(app, streets["lone"], streets["staff"])
    assert _matter_id(app) is None


def test_two_clerks_answering_at_once_answer_once(app, streets):
    _referred(app, streets["alpha"], streets["staff"])
    matter_id = _matter_id(app)
    results = []

    def answer(n: int) -> None:
        with app.app_context(), all_tenants():
            office = db.session.execute(db.select(Office).where(Office.slug == "east")).scalar_one()
            matter = db.session.get(OfficeMatter, matter_id)
            try:
                matters.answer(matter, office, f"答复 {n}", streets["clerk"].id)
                results.append("answered")
            except matters.AlreadyAnswered:
                results.append("refused")

    threads = [threading.Thread(target=answer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["answered"] + ["refused"] * 7
    with app.app_context(), all_tenants():
        events = db.session.scalar(
            db.select(db.func.count(DomainEvent.id)).where(DomainEvent.name == "office_answered")
        )
        assert events == 1
