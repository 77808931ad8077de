"""Demo data from the seeds. 旺苍 (seed 004) monthly pay, city / town (集镇): party
secretary 2,900 / 2,600, residents' committee director 2,700 / 2,400, full-time worker
2,500 / 2,200 -- published as a shared county scale (level 1 is the seed's figure, each
level above adds 50 yuan; the deputy's row is ours, 100 below the director's). 珲春
(seed 003): the head post at level 10 is 4,700, the reference the scale is set from --
河运路's own scale. 云龙 (seed 002): certificate allowances 200 / 300 (the settings'
defaults). 东城 (a 旺苍 town community) follows the county scale."""

from __future__ import annotations

from datetime import date

from core.plugin_api import db, shared_templates, to_local, utcnow
from plugins.salaries import runs
from plugins.salaries.models import AREAS, Assignment, Item, ScaleVersion, Worker, WorkerItem
from plugins.salaries.scales import KIND, PLUGIN, publish_template

WANGCANG_KEY = "wangcang"
WANGCANG_LEVEL_1 = {  # yuan: (city, town)
    "secretary": (2900, 2600),
    "director": (2700, 2400),
    "deputy": (2600, 2300),
    "worker": (2500, 2200),
}
HUNCHUN_LEVEL_10 = {"secretary": 4700, "director": 4700, "deputy": 4200, "worker": 3800}


def wangcang_rates() -> dict:
    return {
        post: {
            area: [(first + 50 * step) * 100 for step in range(10)]
            for area, first in zip(AREAS, pair, strict=True)
        }
        for post, pair in WANGCANG_LEVEL_1.items()
    }


def hunchun_rates() -> dict:
    """正职十级 4,700: each level below is 150 yuan less; the same in town and city."""
    rows = {post: [(top - 150 * (10 - level)) * 100 for level in range(1, 11)]
            for post, top in HUNCHUN_LEVEL_10.items()}  # fmt: skip
    return {post: {area: list(row) for area in AREAS} for post, row in rows.items()}


def ensure_wangcang_template(effective_from: date) -> None:
    if not any(t.key == WANGCANG_KEY for t in shared_templates(PLUGIN, KIND)):
        publish_template(WANGCANG_KEY, "旺苍县社区工作者薪酬标准", wangcang_rates(), effective_from)


# (name, account key or None, post, level, certificate, start year)
HEYUNLU = [
    ("李书记", "admin", "secretary", 10, "intermediate", 2008),
    ("王社工", "staff", "worker", 6, "intermediate", 2015),
    ("陈主任", None, "director", 9, "junior", 2010),
    ("刘副主任", None, "deputy", 7, "junior", 2013),
    ("杨网格员", None, "worker", 3, "", 2021),
]
DONGCHENG = [
    ("孙书记", None, "secretary", 1, "intermediate", 2012),
    ("赵主任", "admin", "director", 1, "", 2016),
    ("刘社工", "staff", "worker", 1, "junior", 2022),
]


def add_demo_pay(tenant, users: dict) -> None:
    today = to_local(utcnow(), tenant.timezone).date()
    first_year = date(today.year - 1, 1, 1)
    if tenant.kind == AREAS[1]:  # a town community (集镇)
        ensure_wangcang_template(first_year)
        db.session.add(ScaleVersion(effective_from=first_year, template_key=WANGCANG_KEY))
        people = DONGCHENG
    else:
        db.session.add(ScaleVersion(effective_from=first_year, name="珲春参照：正职十级4700元",
                                    rates=hunchun_rates()))  # fmt: skip
        people = HEYUNLU
    for name, who, post, level, certificate, year in people:
        account = users.get(who) if who else None
        worker = Worker(name=name, member_id=account.id if account else None,
                        start_date=date(year, 3, 1), certificate=certificate)  # fmt: skip
        db.session.add(worker)
        db.session.flush()
        db.session.add(Assignment(worker_id=worker.id, effective_from=worker.start_date,
                                  post=post, level=level))  # fmt: skip
    phone = Item(name="通讯补贴", kind="allowance", amount_fen=10000, everyone=True)
    union = Item(name="工会会费", kind="deduction", amount_fen=1000, everyone=False)
    db.session.add_all([phone, union])
    db.session.flush()
    first_worker = db.session.execute(db.select(Worker.id).order_by(Worker.id)).scalars().first()
    db.session.add(WorkerItem(worker_id=first_worker, item_id=union.id, amount_fen=1000))
    db.session.flush()
    # Last month paid and approved: prepared by the staff member, approved by the admin.
    last_month = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    run = runs.start(last_month, users["staff"].id, "演示")
    runs.calculate(run)
    runs.review(run, users["staff"].id)
    runs.approve(run, users["admin"].id)
