"""The booking plugin's part (邻里中心): the large community's ten rooms with 200,000
bookings over the years up to two weeks ahead (``Scale.bookings``), two rooms and a few
bookings in every other community.

Rooms open 09:00-12:00, 14:00-17:00 and 18:00-22:00 on weekdays, 09:00-21:00 at
weekends, in one-hour slots; about seven slots in ten are booked, evenings and weekends
more than working hours (DOMAIN.md: the rooms serve residents when they are free). Every
booking that holds its time has its slot claims (the no-double-booking rule), exactly as
the app writes them; past ones are mostly checked in, a few no-shows and cancellations.
The large community's rooms are spaces 1-10, so bench/mix.py can name ``/spaces/1``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bench.data import Platform

ZONE = ZoneInfo("Asia/Shanghai")
WEEKDAY_HOURS = ((9 * 60, 12 * 60), (14 * 60, 17 * 60), (18 * 60, 22 * 60))
WEEKEND_HOURS = ((9 * 60, 21 * 60),)
ROOMS = (
    ("近邻活动室", 40, "议事协商,兴趣小组,亲子活动,会议"),
    ("排练室", 25, "合唱,舞蹈,戏曲,排练"),
    ("音乐室", 10, "器乐练习,乐队排练"),
    ("书法室", 16, "书法,国画,课程"),
    ("大讲堂", 120, "讲座,居民大会,文艺演出"),
    ("生日室", 15, "生日会,亲子活动"),
    ("居民学校", 30, "课程,讲座"),
    ("儿童之家", 20, "亲子活动,课程"),
    ("健康小屋", 8, "义诊,健康讲座"),
    ("近邻小广场", 80, "舞蹈,文艺演出"),
)
PURPOSES = ("合唱团排练", "广场舞队排练", "楼栋议事会", "少儿书法课", "老年国画班",
            "亲子绘本共读", "防诈骗讲座", "居民乐队排练", "编织互助小组", "生日会")  # fmt: skip
OTHER_ROOMS, OTHER_BOOKINGS = 2, 5
SPACE_COLUMNS = (
    "id", "tenant_id", "name", "description", "capacity", "equipment", "uses", "approval",
    "active", "position", "fee_fen", "slot_minutes", "min_minutes", "max_minutes",
    "advance_days", "weekly_quota_minutes",
)  # fmt: skip
BOOKING_COLUMNS = (
    "id", "tenant_id", "space_id", "person_id", "person_name", "organisation_id", "starts_at",
    "ends_at", "purpose", "use", "attendees", "status", "channel", "series", "fee_fen",
    "payment", "reason", "decided_by_id", "attendance", "reminded_at", "created_by_id",
    "created_at",
)  # fmt: skip


def _hours(day: date) -> tuple[tuple[int, int], ...]:
    return WEEKEND_HOURS if day.weekday() >= 5 else WEEKDAY_HOURS


def generate(platform: Platform) -> None:
    rng, now = platform.rng, platform.now
    today = now.astimezone(ZONE).date()
    spaces: dict[int, list[tuple[int, str]]] = {}
    space_rows, next_space = [], 1
    for c in platform.communities:
        rooms = ROOMS if c.large else ROOMS[:OTHER_ROOMS]
        for position, (name, capacity, uses) in enumerate(rooms, start=1):
            approval = "staff" if name == "大讲堂" else "instant"
            space_rows.append((next_space, c.id, name, "", capacity, "", uses, approval, True,
                               position, 0, 60, 60, 240, 14, 0))  # fmt: skip
            spaces.setdefault(c.id, []).append((next_space, uses.split(",")[0]))
            next_space += 1
    platform.insert("booking_space", SPACE_COLUMNS, space_rows)
    platform.insert(
        "booking_hours",
        ("tenant_id", "space_id", "weekday", "opens", "closes"),
        (
            (tenant_id, space_id, weekday, opens, closes)
            for tenant_id, rooms in spaces.items()
            for space_id, _use in rooms
            for weekday in range(7)
            for opens, closes in (WEEKEND_HOURS if weekday >= 5 else WEEKDAY_HOURS)
        ),
    )
    large = platform.communities[0]
    names = ("微益坊·夕阳红合唱团", "方寸俱乐部", "银龄志愿队")
    organisations = [
        (n + 1, large.id, name, large.member_ids[n], True, n == 0, True)
        for n, name in enumerate(names)
    ]
    platform.insert(
        "booking_organisation",
        ("id", "tenant_id", "name", "contact_id", "free", "priority", "active"),
        organisations,
    )
    bookings: list[tuple] = []
    claims: list[tuple] = []
    next_id = 1

    def add(c, space_id: int, use: str, day: date, opens: int) -> None:
        nonlocal next_id
        starts_at = datetime.combine(day, time(opens // 60, opens % 60), ZONE)
        ends_at = starts_at + timedelta(hours=1)
        past = ends_at < now
        roll = rng.random()
        status = "cancelled" if roll < 0.05 else "confirmed"
        attendance = None
        if past and status == "confirmed":
            attendance = "no_show" if roll > 0.96 else "checked_in" if roll > 0.15 else None
        person = rng.choice(c.member_ids) if c.member_ids else c.admin_id
        org = organisations[int(roll * 100) % 3][0] if c.large and roll < 0.12 else None
        created = starts_at - timedelta(days=rng.randint(1, 14))
        bookings.append((
            next_id, c.id, space_id, person, f"居民{person}", org, starts_at, ends_at,
            PURPOSES[next_id % len(PURPOSES)], use, rng.randint(3, 20), status, "online", "",
            0, "", "", None, attendance, None, person, min(created, now),
        ))  # fmt: skip
        if status == "confirmed":
            half = timedelta(minutes=30)
            claims.append((c.id, space_id, next_id, starts_at))
            claims.append((c.id, space_id, next_id, starts_at + half))
        next_id += 1

    # The large community: backwards from two weeks ahead until the figure is reached.
    target, day = platform.scale.bookings, today + timedelta(days=13)
    while next_id <= target:
        for space_id, use in spaces[large.id]:
            for opens, closes in _hours(day):
                evening_or_weekend = opens >= 18 * 60 or day.weekday() >= 5
                for start in range(opens, closes, 60):
                    if next_id > target:
                        break
                    if rng.random() < (0.85 if evening_or_weekend else 0.55):
                        add(large, space_id, use, day, start)
        day -= timedelta(days=1)
    # Every other community: a few bookings this week and next.
    for c in platform.communities[1:]:
        for n in range(OTHER_BOOKINGS):
            space_id, use = spaces[c.id][n % len(spaces[c.id])]
            add(c, space_id, use, today + timedelta(days=n), 18 * 60 + 60 * (n % 4))
    platform.insert("booking_booking", BOOKING_COLUMNS, bookings)
    platform.insert("booking_claim", ("tenant_id", "space_id", "booking_id", "slot_start"), claims)
