"""Demo committees from seed 001 (富锦: 专委会 chosen from a menu, elastic seats)."""

from __future__ import annotations

from datetime import timedelta

from core.plugin_api import current_tenant, db, to_local, utcnow
from plugins.committees import rewards, scoring, seats
from plugins.committees.models import (
    Assessor,
    Attendance,
    Committee,
    Criterion,
    Decision,
    Mark,
    Meeting,
    Result,
    Review,
    Sheet,
)

# A scored half-year review (the worked example of docs/committees.md).
DEMO_SHEETS = [
    (0, "party", "社区党委 1", 36, 54),
    (0, "units", "成员单位 1", 30, 50),
    (0, "units", "成员单位 2", 35, None),
    (0, "residents", "居民代表 1", 40, 45),
    (0, "residents", "居民代表 2", 20, 40),
    (0, "residents", "居民代表 3", 38, 57),
    (1, "party", "社区党委 1", 28, 42),
    (1, "units", "成员单位 1", 30, 46),
]

COMMITTEES = [
    (
        "环境管护专委会",
        "environment",
        "小区环境卫生、绿化管护和小广告清理；事务多，委员名额多一些。",
        "社区活动室，周二、周四上午定点接待",
        "每月第一个周二晚上",
        5,
        11,
    ),
    (
        "法律咨询专委会",
        "legal",
        "为老旧弃管小区居民提供法律咨询，调解邻里纠纷；专业性强，委员少一些。",
        "社区服务大厅，周五下午",
        "每季度一次",
        2,
        4,
    ),
    (
        "关心关爱青少年专委会",
        "youth",
        "学区附近小区的青少年课后看护、安全教育和假期活动。",
        "社区青少年活动中心",
        "每月一次",
        3,
        7,
    ),
]


def add_demo_committees(tenant, users: dict) -> None:
    staff = users["staff"].id
    start = to_local(utcnow(), current_tenant().timezone).date() - timedelta(days=180)
    end = start.replace(year=start.year + 3)
    made = []
    for name, kind, remit, contact, schedule, low, high in COMMITTEES:
        committee = Committee(
            name=name,
            kind=kind,
            remit=remit,
            contact=contact,
            schedule=schedule,
            min_seats=low,
            max_seats=high,
        )
        db.session.add(committee)
        made.append(committee)
    db.session.flush()
    environment, legal, _youth = made
    member = users["member"]
    application = seats.apply(
        environment, member.id, member.name or "", "退休干部，住本小区二十年，愿意带头做环境巡查。"
    )
    db.session.flush()
    seats.vet(application, staff)
    seats.appoint(environment, application, "inspector", start, end, staff)
    meeting = Meeting(
        committee_id=environment.id,
        held_on=start + timedelta(days=30),
        place="社区活动室",
        agenda="一、小广告清理分工；二、3号楼垃圾分类点位调整。",
        minutes="委员分片包干清理小广告；垃圾分类点位调整方案报社区党委。",
        present_count=1,
    )
    db.session.add(meeting)
    db.session.flush()
    db.session.add(Attendance(meeting_id=meeting.id, user_id=member.id, name=member.name or ""))
    db.session.add(
        Decision(
            committee_id=environment.id,
            meeting_id=meeting.id,
            decided_on=meeting.held_on,
            text="每周六上午开展小广告清理，委员分片包干。",
        )
    )
    _demo_review(made[:2], staff, start.year)
    _open_round(member, start.year + 1)
    member2 = users.get("member2")
    if member2 is not None:
        waiting = seats.apply(
            legal, member2.id, member2.name or "", "从事律师工作十年，可以每周抽半天接待咨询。"
        )
        db.session.flush()
        seats.vet(waiting, staff)


def _demo_review(committees: list[Committee], staff_id: int, year: int) -> None:
    """A scored, published year-end round whose rewards are confirmed (以奖代投), and the
    next round open, with the demo resident as an assessor."""
    review = Review(name=f"{year}年度述职评议", year=year, year_end=True, published_at=utcnow())
    db.session.add(review)
    db.session.flush()
    work = Criterion(review_id=review.id, name="工作成效", max_points=40, position=0)
    satisfaction = Criterion(review_id=review.id, name="群众满意度", max_points=60, position=1)
    db.session.add_all([work, satisfaction])
    db.session.flush()
    maxima = {work.id: 40, satisfaction.id: 60}
    per_committee: dict[int, list[scoring.Sheet]] = {}
    for index, group, assessor, a, b in DEMO_SHEETS:
        committee = committees[index]
        sheet = Sheet(
            review_id=review.id, committee_id=committee.id, assessor_group=group, assessor=assessor
        )
        db.session.add(sheet)
        db.session.flush()
        marks = {work.id: a, satisfaction.id: b}
        db.session.add_all(
            Mark(sheet_id=sheet.id, criterion_id=c, points=p)
            for c, p in marks.items()
            if p is not None
        )
        per_committee.setdefault(committee.id, []).append(scoring.Sheet(group, marks))
    results = []
    for committee in committees:
        outcome = scoring.weighted_result(per_committee[committee.id], maxima, review.weights)
        results.append(
            Result(
                review_id=review.id,
                committee_id=committee.id,
                committee_name=committee.name,
                total=outcome.total,
                sheets=len(per_committee[committee.id]),
                **outcome.groups,
            )
        )
    db.session.add_all(results)
    db.session.flush()
    rewards.confirm(review, results, staff_id)
    review.rewards_confirmed_at = utcnow()


def _open_round(member, year: int) -> None:
    review = Review(name=f"{year}年上半年述职评议", year=year)
    db.session.add(review)
    db.session.flush()
    db.session.add_all(
        [
            Criterion(review_id=review.id, name="工作成效", max_points=40, position=0),
            Criterion(review_id=review.id, name="群众满意度", max_points=60, position=1),
            Assessor(
                review_id=review.id,
                user_id=member.id,
                name=member.name or "",
                assessor_group="residents",
            ),
        ]
    )
