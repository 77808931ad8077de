"""An admin defines a pay scale, adds a worker and runs a month's payroll; a second admin
approves it; the worker opens their payslip on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.testing import browser_login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
POSTS = ("党组织书记", "居委会主任", "副职", "专职工作者")
AREAS = ("城市社区", "集镇社区")


def test_scale_payroll_second_approver_and_the_workers_payslip(
    gongzhi_server, browser, community, enable_plugin, admin, member, make_user
):
    base = gongzhi_server
    enable_plugin(community, "salaries")
    second = make_user("second@alpha.example", community, "admin", name="第二审批人")

    office = browser.new_context().new_page()
    browser_login(office, base, admin.email)
    office.goto(f"{base}/c/alpha/salaries/manage/scales")
    office.get_by_label("执行日期").fill("2026-01-01")
    office.get_by_label("标准名称").fill("旺苍县标准")
    figures = zip(POSTS, (2900, 2700, 2600, 2500), (2600, 2400, 2300, 2200), strict=True)
    for post, city, town in figures:
        office.get_by_label(f"{post} · {AREAS[0]}").fill(str(city))
        office.get_by_label(f"{post} · {AREAS[1]}").fill(str(town))
    office.get_by_role("button", name="保存薪酬标准").click()
    expect(office.get_by_role("heading", name="现行标准: 旺苍县标准")).to_be_visible()

    office.goto(f"{base}/c/alpha/salaries/manage/workers")
    office.get_by_label("姓名").fill("张社工")
    office.get_by_label("本人账号（用于查看工资条）").fill(member.email)
    office.get_by_label("参加工作日期").fill("2026-01-01")
    office.locator("select[name=certificate]").select_option(label="中级社工")
    office.locator("select[name=post]").select_option(label="专职工作者")
    office.get_by_label("等级（1-10）").fill("1")
    office.get_by_role("button", name="添加").click()
    expect(office.get_by_role("link", name="张社工")).to_be_visible()

    office.goto(f"{base}/c/alpha/salaries/manage")
    office.get_by_label("月份（如 2026-11）").fill("2026-03")
    office.get_by_role("button", name="开始并计算").click()
    expect(office.get_by_text("¥2,800.00").first).to_be_visible()  # 2,500 + 中级 300
    office.get_by_role("button", name="已复核，提交审批").click()
    expect(office.locator("#sl-status")).to_have_text("待审批")
    expect(office.get_by_text("审批人须与核算人不同")).to_be_visible()
    run_url = office.url

    approver = browser.new_context().new_page()
    browser_login(approver, base, second.email)
    approver.goto(run_url)
    approver.get_by_role("button", name="审批并锁定").click()
    expect(approver.locator("#sl-status")).to_have_text("已审批（锁定）")
    expect(approver.get_by_role("button", name="重新计算")).to_have_count(0)

    phone = browser.new_context(viewport=PHONE).new_page()
    browser_login(phone, base, member.email)
    phone.goto(f"{base}/c/alpha/salaries/")
    phone.get_by_role("link", name="2026-03").click()
    expect(phone.get_by_role("heading", name="工资条 2026-03")).to_be_visible()
    expect(phone.get_by_text("职业资格津贴（中级社工）")).to_be_visible()
    expect(phone.locator(".sl-net")).to_have_text("¥2,800.00")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
