"""A resident reports from a phone; staff classify, refer and reply; the resident accepts;
the outcome is on the public board. Clicking and typing as people do."""

import pytest
from playwright.sync_api import expect

from core.testing import browser_login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_report_triage_reply_accept_and_publish(
    gongzhi_server, browser, community, enable_plugin, member, staff
):
    base = gongzhi_server
    enable_plugin(community, "requests")

    # A resident reports on a phone-sized screen.
    resident_ctx = browser.new_context(viewport=PHONE)
    resident = resident_ctx.new_page()
    browser_login(resident, base, member.email)
    resident.goto(f"{base}/c/alpha/")
    resident.get_by_role("navigation", name="社区菜单").get_by_role("link", name="我的诉求").click()
    resident.get_by_role("button", name="反映问题").click()
    resident.get_by_label("反映什么问题？").fill("楼下餐馆油烟直排，不敢开窗")
    resident.get_by_label("在哪里？（楼栋、单元或位置）").fill("3栋2单元")
    title_box = resident.get_by_label("反映什么问题？").bounding_box()
    assert title_box["width"] <= PHONE["width"]  # one column, no sideways scrolling
    resident.get_by_role("button", name="提交").click()
    expect(resident.get_by_text("已受理", exact=False).first).to_be_visible()
    request_url = resident.url

    # Staff find it on the ledger, take the suggested classification and refer it.
    staff_ctx = browser.new_context()
    desk = staff_ctx.new_page()
    browser_login(desk, base, staff.email)
    desk.goto(f"{base}/c/alpha/requests/ledger")
    desk.get_by_role("link", name="-0001").click()
    expect(desk.locator("#suggestion")).to_contain_text("餐饮油烟")
    expect(desk.get_by_label("类型")).to_have_value("red")
    desk.get_by_role("button", name="保存分类").click()
    expect(desk.get_by_text("已分类。")).to_be_visible()
    expect(desk.get_by_label("承办单位")).to_have_value("区生态环境局")
    desk.get_by_label("承办人").fill("王科长")
    desk.get_by_role("button", name="转办").click()
    expect(desk.get_by_text("已转办。答复前一直挂在台账上。")).to_be_visible()
    desk.get_by_label("答复居民").fill("区生态环境局已上门检查，餐馆已加装油烟净化器。")
    desk.get_by_label("公示用办理结果（不写姓名、电话、住址）").fill("餐馆已加装油烟净化器")
    desk.get_by_role("button", name="发送答复").click()
    expect(desk.get_by_text("答复已发出，请居民验收。")).to_be_visible()

    # The resident reads the reply and accepts it (首诉人验收).
    resident.goto(request_url)
    expect(resident.locator("#reply-text")).to_contain_text("餐馆已加装油烟净化器")
    resident.get_by_role("button", name="已解决，确认办结").click()
    expect(resident.get_by_text("谢谢！诉求已办结。")).to_be_visible()
    expect(resident.locator("#closed-how")).to_contain_text("首诉人验收通过")

    # A visitor finds it on the public board, without anyone's personal details.
    visitor = browser.new_context(viewport=PHONE).new_page()
    visitor.goto(f"{base}/c/alpha/")
    visitor.get_by_role("link", name="诉求办结公示").click()
    expect(visitor.get_by_text("餐馆已加装油烟净化器")).to_be_visible()
    expect(visitor.get_by_text("红色 大事").first).to_be_visible()
    body = visitor.content()
    assert member.name not in body and "3栋2单元" not in body
