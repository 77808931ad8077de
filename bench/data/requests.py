"""The requests plugin's part: the responsibility list, the service directory, requests over
three years with their timelines, and the ledger counts rebuilt from them.

Shape from DOMAIN.md: about one matter in ten is red (referred to a department), three
orange (community), six yellow (private: 南岸区 handled 22,000 community and 47,000
private matters in three years). Old requests are nearly all closed; the open ledger is
the last month's.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bench.data import Platform

ZONE = ZoneInfo("Asia/Shanghai")
SPAN = timedelta(days=3 * 365)
KIND_WEIGHTS = (("red", 1), ("orange", 3), ("yellow", 6))
DEPARTMENT_OFFICES = ("大气环境科", "市政科", "执法大队", "公共服务科")
HANDLERS = ("王科长", "李主任", "张队长", "陈科员")
COLUMNS = (
    "id",
    "tenant_id",
    "year",
    "seq",
    "title",
    "details",
    "building",
    "grid",
    "contact_preference",
    "contact_phone",
    "anonymous",
    "channel",
    "requester_id",
    "requester_name",
    "entered_by_id",
    "category_id",
    "kind",
    "status",
    "owner",
    "office",
    "handler",
    "assignee_key",
    "deadline",
    "reply",
    "outcome",
    "created_at",
    "received_month",
    "first_response_at",
    "first_response_seconds",
    "first_response_met",
    "replied_at",
    "closed_at",
    "close_seconds",
    "closed_how",
    "close_reason",
)
STEP_COLUMNS = ("tenant_id", "request_id", "at", "actor_id", "action", "kind", "note")


def _catalogue(platform: Platform) -> dict[int, list[tuple[int, str, str, str]]]:
    """Insert every community's responsibility list and directory; its categories by id."""
    from plugins.requests.catalogue import CATEGORY_TEMPLATE, SERVICE_TEMPLATE

    categories: dict[int, list[tuple[int, str, str, str]]] = {}
    rows, next_id = [], 1
    for c in platform.communities:
        for position, (name, kind, owner, keywords) in enumerate(CATEGORY_TEMPLATE, start=1):
            rows.append((next_id, c.id, name, kind, owner, keywords, True, position * 10))
            categories.setdefault(c.id, []).append((next_id, name, kind, owner))
            next_id += 1
    platform.insert(
        "requests_category",
        ("id", "tenant_id", "name", "kind", "owner", "keywords", "active", "position"),
        rows,
    )
    platform.insert(
        "requests_service",
        ("tenant_id", "field", "name", "phone", "note", "position"),
        (
            (c.id, field, name, phone, note, position * 10)
            for c in platform.communities
            for position, (field, name, phone, note) in enumerate(SERVICE_TEMPLATE, start=1)
        ),
    )
    return categories


def _status(rng, age: timedelta) -> str:
    roll = rng.random()
    if age > timedelta(days=30):
        return "closed" if roll < 0.96 else "replied" if roll < 0.98 else "in_progress"
    if roll < 0.15:
        return "received"
    return "in_progress" if roll < 0.5 else "replied" if roll < 0.7 else "closed"


def generate(platform: Platform) -> None:
    rng, scale, now = platform.rng, platform.scale, platform.now
    categories = _catalogue(platform)
    by_kind = {
        tid: {k: [c for c in cats if c[2] == k] for k, _w in KIND_WEIGHTS}
        for tid, cats in categories.items()
    }
    kinds = [k for k, w in KIND_WEIGHTS for _ in range(w)]
    steps: list[tuple] = []
    next_id = 1

    def requests_of(c):
        nonlocal next_id
        count = scale.requests_large if c.large else scale.requests_per_community
        seq_by_year: dict[int, int] = {}
        members, staff = c.member_ids, c.staff_ids
        for i in range(count):
            created = now - SPAN + SPAN * (i + rng.random()) / count
            local = created.astimezone(ZONE)
            seq_by_year[local.year] = seq_by_year.get(local.year, 0) + 1
            category_id, name, kind, owner = rng.choice(by_kind[c.id][rng.choice(kinds)])
            status = _status(rng, now - created)
            requester = members[rng.randrange(len(members))] if len(members) else c.admin_id
            handler_id = staff[rng.randrange(len(staff))]
            channel = "online" if rng.random() < 0.8 else rng.choice(("desk", "phone"))
            row = dict.fromkeys(COLUMNS, None)
            row.update(
                id=next_id,
                tenant_id=c.id,
                year=local.year,
                seq=seq_by_year[local.year],
                title=f"{name}：{rng.choice(('3栋', '5栋', '小区北门', '菜市场旁'))}需要处理",
                details="居民反映的情况，附现场照片。",
                building=f"{rng.randrange(1, 40)}栋{rng.randrange(1, 5)}单元",
                grid=f"第{rng.randrange(1, 9)}网格",
                contact_preference=rng.choice(("phone", "message")),
                contact_phone="138 0000 0000",
                anonymous=rng.random() < 0.7,
                channel=channel,
                requester_id=requester,
                requester_name="",
                entered_by_id=requester if channel == "online" else handler_id,
                category_id=category_id,
                kind=None if status == "received" else kind,
                status=status,
                owner="",
                office="",
                handler="",
                assignee_key="",
                reply="",
                outcome="",
                created_at=created,
                received_month=f"{local.year:04d}-{local.month:02d}",
                close_reason="",
            )
            steps.append((c.id, next_id, created, requester, "received", None, ""))
            if status != "received":
                seconds = int(rng.expovariate(1 / 240)) + 30
                responded = created + timedelta(seconds=seconds)
                row.update(
                    owner=owner,
                    first_response_at=responded,
                    first_response_seconds=seconds,
                    first_response_met=seconds <= 300,
                )
                steps.append((c.id, next_id, responded, handler_id, "classified", kind, name))
                if kind == "red":
                    row.update(
                        office=rng.choice(DEPARTMENT_OFFICES),
                        handler=rng.choice(HANDLERS),
                        deadline=created + timedelta(days=5),
                    )
                    steps.append((c.id, next_id, responded, handler_id, "referred", None, owner))
                elif kind == "orange" and rng.random() < 0.3:
                    row.update(
                        assignee_key=f"staff:{handler_id}", deadline=created + timedelta(days=14)
                    )
                    steps.append((c.id, next_id, responded, handler_id, "assigned", None, owner))
            if status in ("replied", "closed"):
                replied = created + timedelta(hours=rng.randrange(2, 240))
                row.update(
                    reply="已联系相关单位处理，请您查看。",
                    outcome=f"{name}已处理",
                    replied_at=replied,
                )
                steps.append((c.id, next_id, replied, handler_id, "replied", None, row["reply"]))
            if status == "closed":
                closed = row["replied_at"] + timedelta(hours=rng.randrange(1, 72))
                how = "accepted" if rng.random() < 0.95 else "unreachable"
                row.update(
                    closed_at=closed,
                    close_seconds=int((closed - created).total_seconds()),
                    closed_how=how,
                    close_reason="" if how == "accepted" else "电话三次未接通",
                )
                actor = requester if how == "accepted" else handler_id
                steps.append((c.id, next_id, closed, actor, how, None, ""))
            next_id += 1
            yield tuple(row[name] for name in COLUMNS)

    for c in platform.communities:
        platform.insert("requests_request", COLUMNS, requests_of(c))
        if len(steps) > 50_000:
            platform.insert("requests_step", STEP_COLUMNS, steps)
            steps.clear()
    platform.insert("requests_step", STEP_COLUMNS, steps)
    rebuild_counts(platform)


def rebuild_counts(platform: Platform) -> None:
    """The ledger's pre-aggregated counts, recomputed from the rows just written (a bulk
    loader bypasses the ORM that keeps them up to date)."""
    import sqlalchemy as sa

    from plugins.requests import counts

    with platform.loader.engine.begin() as connection:
        if platform.dialect == "postgresql":  # row-level security: every community
            connection.execute(sa.text("SELECT set_config('app.all_tenants', 'on', true)"))
        counts.rebuild(connection)
