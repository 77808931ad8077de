"""On a phone: a newcomer signs up, finds the community, asks to join with building and
room; staff approve; the new member reads a members-only notice. A resident's request is
replied; the bell says so and the resident accepts the answer from the notification."""

import pytest
from playwright.sync_api import expect

from core.extensions import db
from core.testing import browser_login
from plugins.notices.models import Notice
from tenants.context import tenant_scope

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _fits_the_phone(page) -> None:
    """Nothing sticks out sideways: the page is no wider than the viewport."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide"


def test_sign_up_find_ask_to_join_approved_and_read_a_members_notice(
    app, gongzhi_server, browser, make_community, make_user, enable_plugin
):
    base = gongzhi_server
    community = make_community(
        "heyunlu", name_zh="河运路社区", name_en="Heyunlu", street="河运路12号", city="重庆"
    )
    make_community("dongcheng", name_zh="东城社区", name_en="Dongcheng", city="旺苍")
    enable_plugin(community, "notices")
    staff = make_user("staff@heyunlu.example", community, "staff", name="王社工")
    with app.app_context(), tenant_scope(community.id):
        db.session.add(
            Notice(title="楼栋长工作例会", body="周三下午到社区会议室开会。", public=False)
        )
        db.session.commit()

    # A newcomer signs up on a phone and lands on a page that leads somewhere.
    phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()  # a Chinese phone
    phone.goto(f"{base}/signup")
    phone.get_by_label("姓名").fill("林小满")
    phone.get_by_label("电子邮箱").fill("lin@example.org")
    phone.get_by_label("密码", exact=True).fill("a-long-password")
    phone.get_by_label("确认密码").fill("a-long-password")
    phone.get_by_role("button", name="注册").click()
    phone.get_by_role("button", name="查找我的社区").click()

    # Finds the community by its street in the directory.
    phone.get_by_label("社区名称、街道或城市").fill("河运路")
    phone.get_by_role("button", name="搜索").click()
    results = phone.locator("#directory-results")
    expect(results).to_contain_text("河运路社区")
    expect(results).not_to_contain_text("东城社区")
    _fits_the_phone(phone)
    results.get_by_role("button", name="申请加入").click()

    # Asks to join with building and room; until approved, nothing for members.
    phone.get_by_label("楼栋").fill("3栋")
    phone.get_by_label("房号").fill("2单元501")
    phone.get_by_label("给工作人员的说明（选填）").fill("上个月刚搬来")
    phone.get_by_role("button", name="申请加入").click()
    expect(phone.locator("#join-status")).to_contain_text("正在等待工作人员审核")
    _fits_the_phone(phone)
    phone.goto(f"{base}/c/heyunlu/")
    expect(phone.get_by_text("楼栋长工作例会")).to_have_count(0)

    # Staff see the request and its count, and approve it.
    desk = browser.new_context(viewport=PHONE).new_page()
    browser_login(desk, base, staff.email)
    desk.goto(f"{base}/c/heyunlu/")
    expect(desk.locator("#bell-count")).to_have_text("1")
    desk.get_by_role("link", name="入住申请").click()
    request_card = desk.locator(".join-requests li").first
    expect(request_card).to_contain_text("林小满")
    expect(request_card).to_contain_text("2单元501")
    request_card.get_by_role("button", name="通过").click()
    expect(desk.get_by_text("林小满 已成为社区成员。")).to_be_visible()

    # The new member is told, opens it from the bell and reads the members-only notice.
    phone.goto(f"{base}/")
    expect(phone.locator("#bell-count")).to_have_text("1")
    phone.locator("#bell").click()
    phone.get_by_role("link", name="您的入住申请已通过，欢迎加入！").click()
    expect(phone).to_have_url(f"{base}/c/heyunlu/")
    expect(phone.locator("#bell-count")).to_have_count(0)
    phone.get_by_role("navigation", name="社区菜单").get_by_role("link", name="公告栏").click()
    notice = phone.locator(".rlist-table tbody tr", has_text="楼栋长工作例会")  # a card
    expect(notice).to_contain_text("仅成员可见")
    notice.get_by_role("link", name="楼栋长工作例会").click()
    expect(phone.get_by_text("周三下午到社区会议室开会。")).to_be_visible()
    _fits_the_phone(phone)


def test_the_resident_hears_of_the_reply_and_accepts_it_from_the_notification(
    gongzhi_server, browser, community, enable_plugin, member, staff
):
    base = gongzhi_server
    enable_plugin(community, "requests")

    phone = browser.new_context(viewport=PHONE).new_page()
    browser_login(phone, base, member.email)
    phone.goto(f"{base}/c/alpha/requests/new")
    phone.get_by_label("反映什么问题？").fill("单元门禁坏了")
    phone.get_by_label("在哪里？（楼栋、单元或位置）").fill("5栋1单元")
    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_text("已受理", exact=False).first).to_be_visible()
    request_url = phone.url
    expect(phone.locator("#bell-count")).to_have_count(0)

    desk = browser.new_context().new_page()
    browser_login(desk, base, staff.email)
    desk.goto(request_url)
    desk.get_by_label("类型").select_option("yellow")
    desk.get_by_role("button", name="保存分类").click()
    expect(desk.get_by_text("已分类。")).to_be_visible()
    desk.get_by_label("答复居民").fill("物业已更换门禁读卡器。")
    desk.get_by_label("公示用办理结果（不写姓名、电话、住址）").fill("门禁已修复")
    desk.get_by_role("button", name="发送答复").click()
    expect(desk.get_by_text("答复已发出，请居民验收。")).to_be_visible()

    # The resident's bell counts the two steps; the reply is opened from the list.
    phone.goto(f"{base}/c/alpha/")
    expect(phone.locator("#bell-count")).to_have_text("2")
    phone.locator("#bell").click()
    items = phone.locator("#notifications li")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("已答复，请确认是否解决")
    items.first.get_by_role("link").click()
    expect(phone).to_have_url(request_url)
    expect(phone.locator("#reply-text")).to_contain_text("物业已更换门禁读卡器。")
    expect(phone.locator("#bell-count")).to_have_text("1")
    phone.get_by_role("button", name="已解决，确认办结").click()
    expect(phone.get_by_text("谢谢！诉求已办结。")).to_be_visible()
    _fits_the_phone(phone)

    # Marking the rest read empties the bell.
    phone.locator("#bell").click()
    phone.get_by_role("button", name="全部标为已读").click()
    expect(phone.locator("#bell-count")).to_have_count(0)
