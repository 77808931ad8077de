"""A volunteer on a phone signs up for an activity, checks in by the QR link and out again;
the coordinator approves; the points appear; the volunteer redeems an item."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.testing import browser_login

sys.path.insert(0, str(Path(__file__).parent.parent / "plugins" / "volunteers"))
from volunteers_helpers import NOW, make_setup  # noqa: E402

from plugins.volunteers import clock  # noqa: E402

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_sign_up_check_in_out_approve_and_redeem_on_a_phone(
    gongzhi_server, browser, community, enable_plugin, in_community, member, staff, monkeypatch
):
    base = gongzhi_server
    enable_plugin(community, "volunteers")
    moment = {"now": NOW}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])
    make_setup(in_community, community, price=30, stock=1)

    # The volunteer: dashboard → 志愿活动 → the activity → 报名 (three taps).
    phone = browser.new_context(viewport=PHONE).new_page()
    browser_login(phone, base, member.email)
    phone.goto(f"{base}/c/alpha/")
    phone.get_by_role("button", name="志愿活动").click()
    phone.get_by_role("link", name="独居老人上门探访").click()
    sign_up = phone.get_by_role("button", name="报名")
    assert sign_up.bounding_box()["width"] <= PHONE["width"]
    sign_up.click()
    expect(phone.get_by_text("报名成功，到时见！")).to_be_visible()
    expect(phone.locator("#vol-places")).to_contain_text("已报名 1 / 2 人")

    # The coordinator prints the QR code; the volunteer's camera opens its link.
    desk = browser.new_context().new_page()
    browser_login(desk, base, staff.email)
    desk.goto(f"{base}/c/alpha/volunteers/")
    desk.get_by_role("link", name="独居老人上门探访").click()
    desk.get_by_role("button", name="签到二维码").click()
    expect(desk.locator("#vol-qr svg")).to_be_visible()
    link = desk.locator("#vol-qr-link").get_attribute("href")

    phone.goto(link)
    phone.get_by_role("button", name="签到").click()
    expect(phone.get_by_text("签到成功。离开时请再扫码签退。")).to_be_visible()
    moment["now"] = NOW + timedelta(hours=2)
    phone.goto(link)
    phone.get_by_role("button", name="签退").click()
    expect(phone.get_by_text("已签退：2 小时已提交审核", exact=False)).to_be_visible()
    phone.goto(link)  # the same code once more: refused, clearly
    expect(phone.locator("#vol-scan-error")).to_contain_text("签到码已使用")

    # The coordinator approves.
    desk.goto(f"{base}/c/alpha/volunteers/review")
    desk.get_by_role("button", name="通过", exact=True).click()
    expect(desk.get_by_text("已通过：+30 积分。")).to_be_visible()

    # The points appear on the volunteer's record, and buy the last bag of rice.
    phone.goto(f"{base}/c/alpha/volunteers/me")
    expect(phone.locator("#vol-points")).to_have_text("30")
    expect(phone.locator("#vol-hours")).to_have_text("2")
    phone.goto(f"{base}/c/alpha/")
    phone.get_by_role("link", name="积分超市").first.click()
    phone.get_by_text("兑换", exact=True).click()
    phone.get_by_role("button", name="确认用 30 积分兑换").click()
    expect(phone.get_by_text("兑换成功，请到社区服务中心领取。")).to_be_visible()
    expect(phone.locator("#vol-balance")).to_have_text("0")
