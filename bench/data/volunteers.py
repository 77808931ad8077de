"""The volunteers plugin's part: categories, teams, activities, hour logs over three years
with their points ledger and kept balances, a points shop and its redemptions.

Issue 21's figure: 1,000,000 hour logs across 100 communities (``Scale.volunteer_hour_logs``),
a tenth of them in the large community, where the volunteer's page and the leaderboard
are measured. Its first resident (the bench's ``resident``) is a keen volunteer with a
share of those logs, so their own page has a long history to stay fast with. Nine logs in
ten are approved and earn points (hours × rate × multiplier, rounded half up, as the
plugin does); every award is a ledger entry and each balance is the sum of its entries
(``flask volunteers balances check`` passes on the generated data), and the kept month,
year and all-years totals are those of the logs (``flask volunteers totals check`` passes
too).
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bench.data import Platform

ZONE = ZoneInfo("Asia/Shanghai")
SPAN = timedelta(days=3 * 365)
COMMUNITIES_WITH_LOGS = 100
CATEGORIES = (("环境整治", 10, 100), ("助老服务", 12, 150), ("党员先锋", 10, 120))
TEAMS = (("党员志愿服务队", "每周六上午"), ("邻里互助队", "随时联系网格员"))
ITEMS = (("东北大米 5kg", 200), ("爱心理发一次", 80), ("洗衣液 2kg", 120), ("家电清洗上门", 300))
ACTIVITY_TITLES = (
    "小区环境大扫除",
    "独居老人上门探访",
    "防诈骗宣传进楼栋",
    "助老陪诊",
    "垃圾分类督导",
)
LOG_COLUMNS = (
    "id",
    "tenant_id",
    "user_id",
    "activity_id",
    "category_id",
    "source",
    "status",
    "starts_at",
    "ends_at",
    "work_date",
    "minutes",
    "note",
    "reason",
    "points",
    "reviewed_by_id",
    "reviewed_at",
    "created_at",
)
ENTRY_COLUMNS = (
    "tenant_id",
    "user_id",
    "amount",
    "kind",
    "reason",
    "reference",
    "created_by_id",
    "created_at",
)
ALL_YEARS = 0  # plugins.volunteers.models.ALL_YEARS: a volunteer's row of all years
KEEN_SHARE = 0.01  # of the large community's logs: the bench resident's own


def _points(minutes: int, rate: int, pct: int) -> int:
    return (minutes * rate * pct + 3000) // 6000  # plugins.volunteers.points.points_for


def generate(platform: Platform) -> None:
    rng, scale, now = platform.rng, platform.scale, platform.now
    with_logs = platform.communities[:COMMUNITIES_WITH_LOGS]
    total = scale.volunteer_hour_logs
    large_share = total // 10 if len(with_logs) > 1 else total
    shares = {with_logs[0].id: large_share}
    rest = with_logs[1:]
    for index, c in enumerate(rest):
        shares[c.id] = (total - large_share) // len(rest) + (
            1 if index < (total - large_share) % len(rest) else 0
        )

    categories: dict[int, list[tuple[int, int, int]]] = {}  # tenant -> (id, rate, pct)
    rows, next_id = [], 1
    for c in platform.communities:
        for name, rate, pct in CATEGORIES:
            rows.append((next_id, c.id, name, rate, pct, True))
            categories.setdefault(c.id, []).append((next_id, rate, pct))
            next_id += 1
    platform.insert(
        "volunteers_category",
        ("id", "tenant_id", "name", "rate_per_hour", "multiplier_pct", "active"),
        rows,
    )
    platform.insert(
        "volunteers_team",
        ("tenant_id", "name", "description", "contact", "active"),
        ((c.id, name, "", contact, True) for c in platform.communities for name, contact in TEAMS),
    )
    first_item: dict[int, int] = {}
    item_rows = []
    for c in platform.communities:
        first_item[c.id] = len(item_rows) + 1
        for name, price in ITEMS:
            item_rows.append((len(item_rows) + 1, c.id, name, "", price, 50, True))
    platform.insert(
        "volunteers_item",
        ("id", "tenant_id", "name", "description", "price", "stock", "active"),
        item_rows,
    )

    # Activities: one a week over the span in communities with logs, and a few to come.
    activities: dict[int, list[tuple[int, int]]] = {}  # tenant -> (id, category id)
    weeks = int(SPAN.days / 7)

    def activity_rows():
        activity_id = 1
        for c in with_logs:
            for week in range(weeks + 2):
                starts = now - SPAN + timedelta(days=7 * week, hours=1)
                category_id = categories[c.id][week % len(CATEGORIES)][0]
                activities.setdefault(c.id, []).append((activity_id, category_id))
                yield (
                    activity_id,
                    c.id,
                    ACTIVITY_TITLES[week % len(ACTIVITY_TITLES)],
                    "",
                    "社区",
                    starts,
                    starts + timedelta(hours=3),
                    20,
                    0,
                    "",
                    category_id,
                    None,
                    "published",
                    1,
                    c.staff_ids[0],
                    starts - timedelta(days=7),
                )
                activity_id += 1

    platform.insert(
        "volunteers_activity",
        (
            "id",
            "tenant_id",
            "title",
            "description",
            "place",
            "starts_at",
            "ends_at",
            "slots",
            "taken",
            "skills",
            "category_id",
            "team_id",
            "status",
            "qr_version",
            "created_by_id",
            "created_at",
        ),
        activity_rows(),
    )

    balances: dict[tuple[int, int], int] = {}
    # The kept month totals (volunteers_month_total), as the plugin keeps them:
    # (community, user, month) -> [approved minutes, services, pending minutes, points].
    months: dict[tuple[int, int, str], list[int]] = {}
    entries: list[tuple] = []
    log_id = 0

    def logs():
        nonlocal log_id
        for c in with_logs:
            count = shares[c.id]
            members = c.member_ids
            if not len(members) or not count:
                continue
            keen = members[0]
            keen_every = round(1 / KEEN_SHARE) if c.large else 0
            rates = {cid: (rate, pct) for cid, rate, pct in categories[c.id]}
            acts = activities[c.id]
            reviewer = c.staff_ids[0]
            # Volunteers: a fifth of the members, the first ones busiest (a long tail).
            pool = max(1, len(members) // 5)
            for i in range(count):
                log_id += 1
                if keen_every and i % keen_every == 0:
                    user_id = keen  # every 100th slot: a day apart, never overlapping
                else:
                    user_id = members[
                        min(int(rng.paretovariate(1.2)) - 1, pool - 1)
                        if rng.random() < 0.5
                        else rng.randrange(pool)
                    ]
                # Spread evenly over the span, one log per person per slot: no overlaps.
                starts = now - SPAN + SPAN * (i + 0.5) / count
                starts = starts.replace(second=0, microsecond=0)
                minutes = rng.choice((60, 90, 120, 150, 180, 240))
                ends = starts + timedelta(minutes=minutes)
                if ends > now:
                    continue
                activity_id, category_id = acts[
                    min(int((starts - (now - SPAN)).days / 7), len(acts) - 1)
                ]
                roll = rng.random()
                status = "approved" if roll < 0.9 else "pending" if roll < 0.97 else "rejected"
                rate, pct = rates[category_id]
                points = _points(minutes, rate, pct) if status == "approved" else 0
                reviewed = ends + timedelta(hours=rng.randrange(1, 48))
                work_date = starts.astimezone(ZONE).date()
                if status != "rejected":
                    kept = months.setdefault(
                        (c.id, user_id, work_date.replace(day=1).isoformat()), [0, 0, 0, 0]
                    )
                    if status == "approved":
                        kept[0] += minutes
                        kept[1] += 1
                        kept[3] += points
                    else:
                        kept[2] += minutes
                if points:
                    key = (c.id, user_id)
                    balances[key] = balances.get(key, 0) + points
                    entries.append(
                        (
                            c.id,
                            user_id,
                            points,
                            "award",
                            f"{minutes / 60:g} h",
                            f"hours:{log_id}",
                            reviewer,
                            reviewed,
                        )
                    )
                yield (
                    log_id,
                    c.id,
                    user_id,
                    activity_id,
                    category_id,
                    "qr" if rng.random() < 0.7 else "self",
                    status,
                    starts,
                    ends,
                    work_date.isoformat(),
                    minutes,
                    "",
                    "当天未到场" if status == "rejected" else "",
                    points,
                    None if status == "pending" else reviewer,
                    None if status == "pending" else reviewed,
                    ends,
                )

    def flushing_logs():
        for row in logs():
            yield row
            if len(entries) >= 50_000:
                platform.insert("volunteers_entry", ENTRY_COLUMNS, entries)
                entries.clear()

    platform.insert("volunteers_hour_log", LOG_COLUMNS, flushing_logs())

    # A few redemptions: some volunteers spend part of their points.
    redemptions = []
    for (tenant_id, user_id), points in list(balances.items()):
        if points >= 200 and rng.random() < 0.3:
            when = now - timedelta(days=rng.randrange(1, 300))
            redemptions.append((tenant_id, user_id, 200, when))
            balances[(tenant_id, user_id)] = points - 200
            entries.append(
                (
                    tenant_id,
                    user_id,
                    -200,
                    "redeem",
                    "Redeemed 东北大米 5kg",
                    f"bench-redemption:{len(redemptions)}",
                    user_id,
                    when,
                )
            )
    platform.insert("volunteers_entry", ENTRY_COLUMNS, entries)
    platform.insert(
        "volunteers_redemption",
        ("tenant_id", "item_id", "item_name", "user_id", "points", "status", "created_at"),
        (
            (tenant_id, first_item[tenant_id], "东北大米 5kg", user_id, points, "handed_over", when)
            for tenant_id, user_id, points, when in redemptions
        ),
    )
    platform.insert(
        "volunteers_month_total",
        ("tenant_id", "user_id", "month", "minutes", "services", "pending_minutes", "points"),
        ((t, u, m, *sums) for (t, u, m), sums in months.items()),
    )
    # The kept year and all-years totals (volunteers_year_total), folded from the months:
    # (community, user, year; 0 = all years) -> [approved minutes, services, points].
    years: dict[tuple[int, int, int], list[int]] = {}
    for (t, u, m), (minutes, services, _pending, points) in months.items():
        if not (minutes or services or points):
            continue  # only pending minutes: the plugin keeps no year row
        for year in (int(m[:4]), ALL_YEARS):
            kept = years.setdefault((t, u, year), [0, 0, 0])
            kept[0] += minutes
            kept[1] += services
            kept[2] += points
    platform.insert(
        "volunteers_year_total",
        ("tenant_id", "user_id", "year", "minutes", "services", "points"),
        ((t, u, y, *sums) for (t, u, y), sums in years.items()),
    )
    platform.insert(
        "volunteers_balance",
        ("tenant_id", "user_id", "balance"),
        ((tenant_id, user_id, b) for (tenant_id, user_id), b in balances.items()),
    )
    platform.insert(
        "volunteers_profile",
        ("tenant_id", "user_id", "skills", "availability", "leaderboard_opt_out"),
        (
            (
                c.id,
                user_id,
                rng.choice(("量血压", "驾驶", "理发", "电脑", "普通话")),
                "周六上午",
                rng.random() < 0.05,
            )
            for c in with_logs
            for user_id in list(c.member_ids)[: max(1, len(c.member_ids) // 20)]
        ),
    )
