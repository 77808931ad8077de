"""The responsibility list (三事分流责任清单) and the service directory: seeding and lookup.

The template follows the district guidance (区民政局指导目录); each community adapts it
("自己提、自己议、自己定、自己遵"), so seeding only adds what is missing and never
overwrites a community's edits.
"""

from __future__ import annotations

from core.plugin_api import db
from plugins.requests.models import Category, Service

# (name, kind, default owner, keywords)
CATEGORY_TEMPLATE: list[tuple[str, str, str, str]] = [
    ("餐饮油烟", "red", "区生态环境局", "油烟,排烟,餐馆"),
    ("道路施工噪音", "red", "区住房城乡建委", "噪音,施工,夜间施工"),
    ("违法建设", "red", "区城市管理局", "违建,搭建"),
    ("占道经营", "red", "区城市管理局", "摊贩,占道"),
    ("市政设施损坏", "red", "区城市管理局", "井盖,路灯,路面"),
    ("供水供电供气", "red", "街道公共服务办", "停水,停电,燃气"),
    ("小区树木修剪", "orange", "环境管护专委会", "修枝,树木,大树"),
    ("楼道杂物", "orange", "楼栋长", "杂物,堆放,楼道"),
    ("公共设施维护", "orange", "社区居委会", "健身器材,座椅,扶手"),
    ("停车秩序", "orange", "公共安全专委会", "停车,车位"),
    ("邻里纠纷", "orange", "社区调解委员会", "纠纷,噪音扰民,漏水"),
    ("环境卫生", "orange", "环境管护专委会", "垃圾,卫生,清扫"),
    ("家电维修", "yellow", "便民服务目录", "维修,空调,冰箱,洗衣机"),
    ("家政服务", "yellow", "便民服务目录", "保洁,家政,保姆"),
    ("开锁换锁", "yellow", "便民服务目录", "开锁,换锁"),
    ("生活困难帮扶", "yellow", "志愿服务队", "困难,独居,帮扶"),
]

# (field, name, phone, note)
SERVICE_TEMPLATE: list[tuple[str, str, str, str]] = [
    ("家政", "社区家政服务站", "023-6288 0001", "保洁、保姆、月嫂，社区认证"),
    ("家电", "便民家电维修点", "023-6288 0002", "空调、冰箱、洗衣机上门维修"),
    ("餐饮", "长者食堂", "023-6288 0003", "60岁以上老人优惠，可送餐"),
    ("开锁", "备案开锁服务", "023-6288 0004", "公安备案，凭身份证开锁"),
    ("维修", "水电维修师傅（楼栋推荐）", "023-6288 0005", "水管、电路、门窗小修"),
]


def seed(tenant_id: int | None = None) -> None:
    """Add template categories and services a community does not have yet (idempotent)."""
    names = set(db.session.execute(db.select(Category.name)).scalars())
    for position, (name, kind, owner, keywords) in enumerate(CATEGORY_TEMPLATE, start=1):
        if name not in names:
            db.session.add(
                Category(
                    name=name, kind=kind, owner=owner, keywords=keywords, position=position * 10
                )
            )
    has_services = db.session.execute(db.select(Service.id).limit(1)).first() is not None
    if not has_services:  # the directory is the community's own once it exists
        for position, (field, name, phone, note) in enumerate(SERVICE_TEMPLATE, start=1):
            db.session.add(
                Service(field=field, name=name, phone=phone, note=note, position=position * 10)
            )


def active_categories() -> list[Category]:
    return list(
        db.session.execute(
            db.select(Category)
            .where(Category.active.is_(True))
            .order_by(Category.position, Category.id)
        ).scalars()
    )


def all_categories() -> list[Category]:
    return list(
        db.session.execute(db.select(Category).order_by(Category.position, Category.id)).scalars()
    )


def services() -> list[Service]:
    return list(
        db.session.execute(db.select(Service).order_by(Service.position, Service.id)).scalars()
    )


def suggest(text: str, categories: list[Category]) -> Category | None:
    """The category whose name or keyword appears in ``text`` (the longest match wins)."""
    best: tuple[int, Category] | None = None
    for category in categories:
        for word in category.keyword_list():
            if word and word in text and (best is None or len(word) > best[0]):
                best = (len(word), category)
    return best[1] if best else None
