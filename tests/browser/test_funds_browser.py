"""An admin records a donation at the desk; a member applies for a grant, staff review it,
a second person approves it and staff pay it out; anyone sees both entries and the
balance on the public account, on a phone too."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.testing import browser_login

sys.path.insert(0, str(Path(__file__).parent.parent / "plugins" / "funds"))
from funds_helpers import make_fund  # noqa: E402

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_donation_and_a_grant_approved_by_a_second_person_appear_on_the_public_account(
    gongzhi_server,
    browser,
    community,
    enable_plugin,
    in_community,
    admin,
    staff,
    member,
    make_user,
):
    base = gongzhi_server
    enable_plugin(community, "funds")
    fund_id = make_fund(in_community, community, "社区阳光基金")
    approver = make_user(
        "approver@alpha.example", community, extra_roles=("funds.approver",), name="审批人"
    )

    # The admin records a donation at the desk.
    desk = browser.new_context().new_page()
    browser_login(desk, base, admin.email)
    desk.goto(f"{base}/c/alpha/funds/")
    desk.get_by_role("button", name="登记捐赠").click()
    desk.get_by_label("金额（元）").fill("1000")
    desk.get_by_label("收据编号").fill("YG-0001")
    desk.get_by_label("捐赠人").fill("李建国")
    desk.get_by_role("button", name="登记", exact=True).click()
    expect(desk.get_by_text("捐赠已登记。")).to_be_visible()
    expect(desk.locator("#receipt-amount")).to_have_text("¥1,000.00")

    # A member applies on a phone.
    phone = browser.new_context(viewport=PHONE).new_page()
    browser_login(phone, base, member.email)
    phone.goto(f"{base}/c/alpha/funds/grants/new")
    phone.get_by_label("项目、组织或专委会名称").fill("邻里守望互助社")
    phone.get_by_label("项目名称").fill("独居老人助餐")
    phone.get_by_label("用途与预算").fill("每周两次上门助餐，三个月，预算 300 元。")
    phone.get_by_label("申请金额（元）").fill("300")
    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_text("申请已提交。")).to_be_visible()
    grant_url = phone.url

    # Staff review it; staff cannot approve it.
    office = browser.new_context().new_page()
    browser_login(office, base, staff.email)
    office.goto(grant_url)
    office.get_by_role("button", name="审核通过，提交审批").click()
    expect(office.get_by_text("已审核，已通知审批人。")).to_be_visible()
    expect(office.get_by_role("button", name="批准", exact=True)).to_have_count(0)

    # The second person approves.
    second = browser.new_context().new_page()
    browser_login(second, base, approver.email)
    second.goto(grant_url)
    second.get_by_role("button", name="批准", exact=True).click()
    expect(second.get_by_text("已批准。")).to_be_visible()

    # Staff pay it out.
    office.goto(grant_url)
    office.get_by_role("button", name="确认拨付并记账").click()
    expect(office.get_by_text("已拨付并记账。")).to_be_visible()

    # Anyone, signed out, on a phone: both entries and the balance.
    visitor = browser.new_context(viewport=PHONE).new_page()
    visitor.goto(f"{base}/c/alpha/funds/public/{fund_id}")
    expect(visitor.locator("#public-balance")).to_have_text("¥700.00")
    expect(visitor.get_by_text("李建国")).to_be_visible()
    expect(visitor.get_by_text("邻里守望互助社")).to_be_visible()
    expect(visitor.get_by_text("独居老人助餐")).to_be_visible()
