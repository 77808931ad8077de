"""The core as a person uses it: sign in, switch a module on, switch language."""

import pytest
from playwright.sync_api import expect

from core.testing import browser_login

pytestmark = pytest.mark.browser


def test_admin_enables_a_module_and_switches_language(gongzhi_server, page, community, admin):
    base = gongzhi_server
    browser_login(page, base, admin.email)
    page.goto(f"{base}/c/alpha/")
    menu = page.get_by_role("navigation", name="社区菜单")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="公告栏")).to_have_count(0)

    menu.get_by_role("link", name="设置", exact=True).click()
    row = page.locator("#module-notices")
    expect(row).to_contain_text("关")
    row.get_by_role("button", name="开启").click()  # htmx swaps the row in place
    expect(row.get_by_role("button", name="关闭")).to_be_visible()
    page.reload()
    expect(menu.get_by_role("link", name="公告栏")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(
        page.get_by_role("navigation", name="Community menu").get_by_role(
            "link", name="Notice board"
        )
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    page.get_by_role("button", name="简体中文").click()
    expect(page.get_by_role("heading", name="设置")).to_be_visible()

    # Turning off asks first; accepting hides the menu entry and keeps the data.
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="关闭").click()
    expect(row.get_by_role("button", name="开启")).to_be_visible()
    page.reload()
    expect(menu.get_by_role("link", name="公告栏")).to_have_count(0)
