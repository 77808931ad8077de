"""The example third-party plugin in a real browser: an admin switches 民意征集 on, a staff
member starts a poll, a resident votes, everyone sees the result.

The plugin module is registered directly (``gongzhi_extra_plugins``) from
examples/gongzhi-survey, so this runs in CI without installing the package.
"""

import importlib.util
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.testing import browser_login

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "gongzhi-survey" / "gongzhi_survey"


def _load_example():
    """Import the example package from its folder without putting the folder on sys.path
    (a build's egg-info there would make every other test's app load it as installed).
    Imported when the fixture runs, so its tables exist only for this test."""
    if "gongzhi_survey" in sys.modules:
        return sys.modules["gongzhi_survey"]
    spec = importlib.util.spec_from_file_location(
        "gongzhi_survey", EXAMPLE / "__init__.py", submodule_search_locations=[str(EXAMPLE)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["gongzhi_survey"] = module
    spec.loader.exec_module(module)
    return module


pytestmark = pytest.mark.browser


@pytest.fixture
def gongzhi_plugins():
    return []


@pytest.fixture
def gongzhi_extra_plugins():
    return {"survey": _load_example()}


def test_enable_start_a_poll_vote_and_see_the_result(
    gongzhi_server, page, community, admin, staff, member
):
    base = gongzhi_server
    browser_login(page, base, admin.email)
    page.goto(f"{base}/c/alpha/settings")
    row = page.locator("#module-survey")
    expect(row).to_contain_text("民意征集")
    row.get_by_role("button", name="开启").click()
    expect(row.get_by_role("button", name="关闭")).to_be_visible()
    page.context.clear_cookies()

    browser_login(page, base, staff.email)
    page.goto(f"{base}/c/alpha/")
    page.get_by_role("navigation", name="社区菜单").get_by_role("link", name="民意征集").click()
    page.get_by_role("button", name="发起征集").click()  # a link styled as a button
    page.get_by_label("问题").fill("小区南门是否增设充电棚？")
    page.get_by_label("选项（每行一个）").fill("赞成\n反对")
    page.get_by_role("button", name="发起征集").click()
    expect(page.get_by_role("heading", name="小区南门是否增设充电棚？")).to_be_visible()
    page.context.clear_cookies()

    browser_login(page, base, member.email)
    page.goto(f"{base}/c/alpha/")
    expect(
        page.locator('[data-plugin="survey"]').get_by_text("小区南门是否增设充电棚？")
    ).to_be_visible()
    page.get_by_role("navigation", name="社区菜单").get_by_role("link", name="民意征集").click()
    page.get_by_role("link", name="小区南门是否增设充电棚？").click()
    page.get_by_label("赞成").check()
    page.get_by_role("button", name="投票").click()  # htmx swaps the results in
    expect(page.get_by_text("感谢参与，您的投票已计入。")).to_be_visible()
    results = page.get_by_role("table", name="投票结果")
    expect(results.locator('tr[data-option="赞成"]')).to_contain_text("1")
    expect(results.locator('tr[data-option="赞成"]')).to_contain_text("100%")
    expect(page.get_by_text("共 1 票")).to_be_visible()
    expect(page.get_by_role("button", name="投票")).to_have_count(0)  # once only
