"""Demo funds from DOMAIN.md: a community sunshine fund (阳光基金) with desk donations,
one anonymous, and a micro-charity fund whose 公益创投 grant went through review,
approval by a second person and payment."""

from __future__ import annotations

from datetime import timedelta

from core.plugin_api import db, to_local, utcnow
from plugins.funds import grants, ledger
from plugins.funds.models import Budget, Fund, FundPerson


def add_demo(tenant, users: dict) -> None:
    admin, staff = users["admin"].id, users["staff"].id
    today = to_local(utcnow(), tenant.timezone).date()
    sunshine = Fund(
        name="社区阳光基金",
        purpose="帮扶困难家庭、独居老人，支持社区公益活动。",
        reward_pool=False,
    )
    micro = Fund(
        name="微公益创投基金",
        purpose="支持居民自组织和社会组织的微项目（公益创投），兼作专委会奖励金。",
        reward_pool=True,
    )
    db.session.add_all([sunshine, micro])
    db.session.flush()
    db.session.add_all(
        [
            FundPerson(fund_id=sunshine.id, user_id=staff, role="manager"),
            FundPerson(fund_id=sunshine.id, user_id=admin, role="approver"),
            FundPerson(fund_id=micro.id, user_id=staff, role="manager"),
            FundPerson(fund_id=micro.id, user_id=admin, role="approver"),
            Budget(
                fund_id=sunshine.id, year=today.year, income_fen=5_000_000, spending_fen=4_000_000
            ),
            Budget(fund_id=micro.id, year=today.year, income_fen=3_000_000, spending_fen=3_000_000),
        ]
    )
    gifts = [
        (sunshine.id, 200_000, "重庆某物业服务有限公司", False, "bank", "YG-0001", 40),
        (sunshine.id, 50_000, "张秀英", True, "cash", "YG-0002", 25),
        (sunshine.id, 30_000, "李建国", False, "cash", "YG-0003", 12),
        (micro.id, 1_500_000, "街道社区发展基金拨付", False, "bank", "WG-0001", 35),
        (micro.id, 20_000, "王芳", True, "cash", "WG-0002", 5),
    ]
    for fund_id, fen, donor, anonymous, method, receipt, days in gifts:
        ledger.post(
            fund_id,
            "donation",
            fen,
            today - timedelta(days=days),
            purpose="定向捐赠" if fund_id == sunshine.id else "公益创投资金",
            counterparty=donor,
            anonymous=anonymous,
            donor_name=donor,
            method=method,
            receipt_no=receipt,
            actor_id=staff,
        )
    grant = grants.create(
        micro.id,
        applicant_kind="organisation",
        applicant_name="邻里守望互助社",
        title="独居老人“助餐助浴”微项目",
        purpose="为12位独居高龄老人每周上门助餐两次、助浴一次，为期三个月。\n预算：餐费 4,800 元，"
        "助浴耗材 1,200 元，志愿者保险 1,000 元。",
        amount_fen=700_000,
        actor_id=users["member"].id,
        applicant_id=users["member"].id,
    )
    grants.review(grant, staff, "材料齐全，预算合理。")
    grants.approve(grant, admin)
    grants.disburse(grant, staff, today - timedelta(days=3))
    grants.create(
        sunshine.id,
        applicant_kind="project",
        applicant_name="3栋楼栋长",
        title="困难家庭冬季慰问",
        purpose="为8户困难家庭购买米油和棉被。预算 2,400 元。",
        amount_fen=240_000,
        actor_id=staff,
    )
