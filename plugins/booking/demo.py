"""Demo data: the rooms named in the seeds (排练室, 音乐室, 书法室, 大讲堂, 生日室,
近邻活动室), open evenings and weekends, a drawn photo of each, a registered social
organisation, and a week of realistic bookings (choir on Tuesday evening, calligraphy
class on Saturday …)."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

from core.plugin_api import db, to_local, utcnow
from plugins.booking import photos, rules, workflow
from plugins.booking.models import Closure, OpeningHours, Organisation, Space

EVENINGS_AND_WEEKENDS = {
    **{d: [(9 * 60, 12 * 60), (14 * 60, 17 * 60), (18 * 60, 22 * 60)] for d in range(5)},
    5: [(9 * 60, 21 * 60)],
    6: [(9 * 60, 21 * 60)],
}
SPACES = [
    dict(name="近邻活动室", capacity=40, uses="议事协商, 兴趣小组, 亲子活动, 会议",
         equipment="桌椅40套、投影、白板", slot_minutes=60, min_minutes=60, max_minutes=240),
    dict(name="排练室", capacity=25, uses="合唱, 舞蹈, 戏曲, 排练", equipment="镜墙、音响、钢琴",
         slot_minutes=60, min_minutes=60, max_minutes=180, weekly_quota_minutes=360),
    dict(name="音乐室", capacity=10, uses="器乐练习, 乐队排练", equipment="电子琴、架子鼓",
         slot_minutes=60, min_minutes=60, max_minutes=120, fee_fen=1000),
    dict(name="书法室", capacity=16, uses="书法, 国画, 课程", equipment="书画桌16张、笔墨纸砚",
         slot_minutes=60, min_minutes=60, max_minutes=180),
    dict(name="大讲堂", capacity=120, uses="讲座, 居民大会, 文艺演出", approval="staff",
         equipment="舞台、音响、投影、120座", slot_minutes=60, min_minutes=60, max_minutes=240),
    dict(name="生日室", capacity=15, uses="生日会, 亲子活动", equipment="长桌、冰箱、装饰",
         slot_minutes=120, min_minutes=120, max_minutes=240),
]  # fmt: skip
# (space index, weekday, start, end, use, purpose, organisation?, who)
WEEK = [
    (1, 1, 19, 21, "合唱", "夕阳红合唱团每周排练", True, "member"),
    (1, 3, 19, 21, "舞蹈", "广场舞队冬季室内排练", False, "member2"),
    (0, 2, 19, 21, "议事协商", "3栋加装电梯议事会", False, "staff"),
    (0, 5, 9, 11, "亲子活动", "周末亲子绘本共读", True, "member"),
    (3, 5, 14, 16, "书法", "少儿书法公益课", True, "member"),
    (3, 0, 19, 21, "国画", "老年国画兴趣小组", False, "member2"),
    (2, 4, 19, 21, "乐队排练", "居民乐队排练", False, "member2"),
    (4, 6, 14, 16, "讲座", "防范电信诈骗讲座", True, "staff"),
    (5, 6, 10, 12, "生日会", "小朋友生日会", False, "member"),
    (0, 0, 9, 11, "兴趣小组", "编织互助小组", False, "member"),
    (4, 2, 19, 21, "居民大会", "业委会换届说明会（待审核）", False, "member2"),
]


def add_demo_bookings(tenant, users: dict) -> None:
    spaces = []
    for position, fields in enumerate(SPACES, start=1):
        space = Space(position=position, advance_days=21, **fields)
        db.session.add(space)
        db.session.flush()
        db.session.add_all(
            OpeningHours(space_id=space.id, weekday=d, opens=o, closes=c)
            for d, periods in EVENINGS_AND_WEEKENDS.items()
            for o, c in periods
        )
        spaces.append(space)
    for index, space in enumerate(spaces):
        picture = photos.store.process(_drawn_room(index), "demo.png")
        photos.add(space, [picture], space.name, users["member"].id)
    member = users["member"]
    org = Organisation(name="微益坊·夕阳红合唱团", contact_id=member.id, free=True, priority=True)
    db.session.add(org)
    today = to_local(utcnow(), tenant.timezone).date()
    db.session.add(
        Closure(space_id=None, first_day=date(today.year + 1, 1, 1),
                last_day=date(today.year + 1, 1, 1), reason="元旦")
    )  # fmt: skip
    db.session.flush()
    now = utcnow()
    monday = rules.week_of(today + timedelta(days=1))
    for index, weekday, start, end, use, purpose, by_org, who in WEEK:
        for week in (0, 1):
            day = monday + timedelta(days=weekday, weeks=week)
            person = users.get(who, member)
            req = rules.Request(spaces[index], day, time(start), time(end), person.id, use=use,
                                attendees=8, priority=by_org, desk=True)  # fmt: skip
            details = workflow.Details(purpose=purpose, organisation=org if by_org else None,
                                       created_by_id=person.id)  # fmt: skip
            try:
                workflow.place(req, details, now)
            except rules.Refused:
                continue  # the past (early in the week) or a closure: skip that one


WALLS = [(235, 222, 200), (214, 230, 240), (240, 225, 225), (228, 236, 214), (236, 230, 245)]


def _drawn_room(index: int) -> bytes:
    """A small drawn picture of a room (wall, floor, window, tables): cheap demo photos."""
    from PIL import Image, ImageDraw

    width, height = 640, 420
    image = Image.new("RGB", (width, height), WALLS[index % len(WALLS)])
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 280, width, height), fill=(170, 130, 90))  # wooden floor
    for x in range(0, width, 80):
        draw.line((x, 280, x - 60, height), fill=(150, 112, 76), width=2)
    draw.rectangle((60, 50, 260, 200), fill=(190, 220, 245), outline=(255, 255, 255), width=8)
    draw.line((160, 50, 160, 200), fill=(255, 255, 255), width=6)
    for n in range(3):  # tables with chairs
        left = 300 + n * 105 - index * 10
        draw.rectangle((left, 250, left + 80, 265), fill=(120, 80, 50))
        draw.rectangle((left + 8, 265, left + 14, 320), fill=(100, 66, 40))
        draw.rectangle((left + 66, 265, left + 72, 320), fill=(100, 66, 40))
        draw.rectangle((left + 25, 290, left + 55, 300), fill=(60, 110, 160))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
