"""Demo requests drawn from the practice in DOMAIN.md (河运路 三事三色, 唐桂 议事厅)."""

from __future__ import annotations

from datetime import timedelta

from core.plugin_api import db, plugin_settings
from plugins.requests import catalogue, clock, workflow
from plugins.requests.models import Category
from plugins.requests.sla import Targets


def _category(name: str) -> Category | None:
    return db.session.execute(db.select(Category).where(Category.name == name)).scalar_one_or_none()


def add_demo_requests(tenant, users: dict) -> None:
    catalogue.seed()
    db.session.flush()
    targets = Targets.from_settings(plugin_settings("requests", tenant), tenant.timezone)
    staff, member = users["staff"].id, users["member"].id
    member2 = users.get("member2", users["member"]).id
    now = clock.now()

    fumes = workflow.create(
        targets,
        title="楼下餐馆油烟直排，不敢开窗晾衣服",
        actor_id=member,
        requester_id=member,
        building="3栋2单元",
        grid="第二网格",
        details="每天中午和晚上油烟很大，顺着外墙往上飘。",
        contact_preference="phone",
        contact_phone="138 0000 0001",
    )
    workflow.classify(fumes, targets, staff, "red", _category("餐饮油烟"))
    workflow.refer(
        fumes,
        targets,
        staff,
        department="区生态环境局",
        office="大气环境科",
        handler="王科长",
        deadline=now + timedelta(days=5),
    )
    workflow.reply(
        fumes,
        targets,
        staff,
        text="区生态环境局已上门检查，责令餐馆加装油烟净化器并改道排放。",
        outcome="餐馆已加装油烟净化器，排烟口改至楼顶",
    )
    workflow.accept(fumes, member, "现在可以开窗了，谢谢。")

    noise = workflow.create(
        targets,
        title="社区外道路夜间施工噪音太大",
        actor_id=member2,
        requester_id=member2,
        building="5栋",
        grid="第一网格",
        contact_preference="message",
    )
    workflow.classify(noise, targets, staff, "red", _category("道路施工噪音"))
    workflow.refer(
        noise,
        targets,
        staff,
        department="区住房城乡建委",
        office="建设管理科",
        handler="李工",
        deadline=now - timedelta(days=1),
    )  # stands out as overdue

    trees = workflow.create(
        targets,
        title="小区大树枝叶太密，招蚊虫、挡光线",
        actor_id=member,
        requester_id=member,
        building="胜利花苑中庭",
        grid="第三网格",
        contact_preference="message",
    )
    workflow.classify(trees, targets, staff, "orange", _category("小区树木修剪"))
    workflow.assign(
        trees, targets, staff, key=f"member:{staff}", label="环境管护专委会", deadline=None
    )
    workflow.record_deliberation(
        trees,
        staff,
        held_on=now.date().isoformat(),
        participants="居民代表12人、楼栋长、环境管护专委会",
        decision="按“六步七规”议事法协商：按时修枝，按树种和生长速度适当修剪，不“一砍了之”。",
    )
    workflow.reply(
        trees,
        targets,
        staff,
        text="已按议事会决定完成修枝。",
        outcome="经议事会协商，按树种适度修枝，保留乘凉树荫",
    )
    workflow.accept(trees, member)

    workflow.create(
        targets,
        title="2单元楼道堆放旧家具，影响消防通道",
        actor_id=member2,
        requester_id=member2,
        building="2栋2单元",
        contact_preference="visit",
    )

    repair = workflow.create(
        targets,
        title="家里空调不制冷，想找靠谱的师傅",
        actor_id=staff,
        requester_name="赵阿姨",
        channel="phone",
        building="7栋",
        contact_preference="phone",
        contact_phone="139 0000 0002",
    )
    workflow.classify(repair, targets, staff, "yellow", _category("家电维修"))
    service = catalogue.services()[1] if len(catalogue.services()) > 1 else None
    if service is not None:
        workflow.refer_to_service(
            repair,
            targets,
            staff,
            key=f"service:{service.id}",
            label=f"{service.field} · {service.name}",
            contact=service.phone,
            message="可报“社区推荐”享上门费减免。",
        )
        workflow.close_unreachable(repair, targets, staff, "三次电话未接通，已留言告知服务电话")
