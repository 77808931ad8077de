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


def _orange_request(app, community, member, staff) -> int:
    """A 小事 request, reported and classified (the browser part is the assigning)."""
    from core.plugin_api import commit, plugin_settings
    from plugins.requests import workflow
    from plugins.requests.sla import Targets
    from tenants.context import community_scope

    with app.test_request_context(), community_scope(community.id) as scope:
        targets = Targets.from_settings(plugin_settings("requests"), scope.tenant.timezone)
        req = workflow.create(
            targets, title="楼道堆放旧家具", actor_id=member.id, requester_id=member.id
        )
        workflow.classify(req, targets, staff.id, "orange", None)
        commit()
        return req.id


def test_assigning_to_one_of_3000_members_with_the_picker_on_a_phone(
    app, gongzhi_server, browser, community, enable_plugin, member, staff, make_members
):
    base = gongzhi_server
    enable_plugin(community, "requests")
    make_members(community, 3_000)
    url = f"{base}/c/alpha/requests/{_orange_request(app, community, member, staff)}"

    desk = browser.new_context(viewport=PHONE).new_page()
    browser_login(desk, base, staff.email)
    desk.goto(url)
    picker = desk.get_by_label("交由一位成员")
    picker.press_sequentially("张伟2", delay=50)  # htmx asks the member search while typing
    options = desk.locator("#member-options option")
    expect(options.first).to_have_attribute("value", "张伟2 <m2…@alpha.example>")
    assert options.count() <= 20
    assert picker.bounding_box()["width"] <= PHONE["width"]
    picker.fill("张伟2 <m2…@alpha.example>")  # what choosing that option puts in the field
    desk.get_by_role("button", name="分派").click()
    expect(desk.get_by_text("已分派给张伟2。")).to_be_visible()


def test_the_picker_works_without_javascript(
    app, gongzhi_server, browser, community, enable_plugin, member, staff, make_members
):
    base = gongzhi_server
    enable_plugin(community, "requests")
    make_members(community, 300)
    url = f"{base}/c/alpha/requests/{_orange_request(app, community, member, staff)}"

    desk = browser.new_context(java_script_enabled=False).new_page()
    browser_login(desk, base, staff.email)
    desk.goto(url)
    desk.get_by_label("交由一位成员").fill("张伟")  # several people: the page says so
    desk.get_by_role("button", name="分派").click()
    expect(desk.get_by_text("有多位成员与“张伟”相符", exact=False)).to_be_visible()
    expect(desk.get_by_label("交由一位成员")).to_have_value("张伟")  # kept
    assert desk.locator("#member-options option").count() > 1  # and offered in the list
    desk.get_by_label("交由一位成员").fill("m2@alpha.example")
    desk.get_by_role("button", name="分派").click()
    expect(desk.get_by_text("已分派给张伟2。")).to_be_visible()
