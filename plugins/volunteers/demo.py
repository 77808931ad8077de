"""Demo volunteering from DOMAIN.md: party-member teams, 常态化 services and a points shop
(积分超市) with everyday goods and services."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.plugin_api import db
from plugins.volunteers import clock, hours, monthly
from plugins.volunteers.models import (
    Activity,
    HourLog,
    Item,
    Profile,
    ServiceCategory,
    Signup,
    Team,
)

CATEGORIES = [("环境整治", 10, 100), ("助老服务", 12, 150), ("党员先锋", 10, 120)]
TEAMS = [
    ("党员志愿服务队", "每周六上午 · 社区党群服务中心", "在职党员进社区，环境整治、政策宣传。"),
    ("邻里互助队", "随时联系 · 网格员", "帮独居老人买菜、取药、陪诊。"),
    ("银发帮帮团", "工作日下午", "低龄老人帮高龄老人。"),
]
ITEMS = [
    ("东北大米 5kg", "社区超市提供", 200, 10),
    ("爱心理发一次", "每月第一个周三，社区活动室", 80, 20),
    ("洗衣液 2kg", "", 120, 15),
    ("家电清洗上门一次", "合作家政公司提供", 300, 5),
]


def add_demo(tenant, users: dict) -> None:
    zone = ZoneInfo(tenant.timezone)
    staff, member = users["staff"].id, users["member"].id
    member2 = users.get("member2", users["member"]).id
    categories = [
        ServiceCategory(name=n, rate_per_hour=r, multiplier_pct=m) for n, r, m in CATEGORIES
    ]
    teams = [Team(name=n, contact=c, description=d) for n, c, d in TEAMS]
    db.session.add_all(categories + teams)
    db.session.add_all(Item(name=n, description=d, price=p, stock=s) for n, d, p, s in ITEMS)
    db.session.flush()
    today = clock.now().astimezone(zone).date()

    def at(days: int, hour: int) -> datetime:
        return datetime.combine(today + timedelta(days=days), time(hour), zone)

    plan = [
        ("周六小区环境大扫除", -14, 9, 3, "中心花园集合", 20, "", 0, 0),
        ("独居老人上门探访", -7, 14, 2, "3栋、5栋", 6, "陪伴聊天, 量血压", 1, 1),
        ("周六小区环境大扫除", 2, 9, 3, "中心花园集合", 20, "", 0, 0),
        ("防诈骗宣传进楼栋", 4, 19, 2, "各楼栋大堂", 8, "宣讲, 普通话", 2, 0),
        ("助老陪诊（社区医院）", 6, 8, 4, "社区卫生服务中心", 3, "陪诊, 驾驶", 1, 1),
    ]
    activities = []
    for title, day, hour, length, place, slots, skills, cat, team in plan:
        activity = Activity(
            title=title,
            starts_at=at(day, hour),
            ends_at=at(day, hour + length),
            place=place,
            slots=slots,
            taken=0,
            skills=skills,
            category_id=categories[cat].id,
            team_id=teams[team].id,
            created_by_id=staff,
            description="请穿志愿者马甲，提前10分钟到场签到。",
        )
        db.session.add(activity)
        activities.append(activity)
    db.session.flush()
    for activity in activities:
        for user_id in (member, member2):
            if activity.taken < activity.slots:
                db.session.add(Signup(activity_id=activity.id, user_id=user_id))
                activity.taken += 1
    db.session.add(Profile(user_id=member, skills="量血压, 陪伴聊天", availability="周六上午"))
    db.session.add(Profile(user_id=member2, skills="驾驶, 普通话", availability="工作日晚上"))
    db.session.flush()
    for activity, user_id in (
        (activities[0], member),
        (activities[0], member2),
        (activities[1], member),
    ):
        log = HourLog(
            user_id=user_id,
            activity_id=activity.id,
            category_id=activity.category_id,
            source="qr",
            status="pending",
            starts_at=activity.starts_at,
            ends_at=activity.ends_at,
            work_date=activity.starts_at.astimezone(zone).date(),
            minutes=int((activity.ends_at - activity.starts_at).total_seconds() // 60),
        )
        db.session.add(log)
        db.session.flush()
        monthly.moved(log, None, ("pending", log.minutes, 0))
        hours.approve(log, staff)
    reported = HourLog(
        user_id=member2,
        category_id=categories[1].id,
        source="self",
        status="pending",
        starts_at=at(-1, 15),
        ends_at=at(-1, 17),
        work_date=today - timedelta(days=1),
        minutes=120,
        note="帮 5栋 王奶奶取药、买菜",
    )
    db.session.add(reported)
    db.session.flush()
    monthly.moved(reported, None, ("pending", reported.minutes, 0))
