"""A resident applies to a committee on a phone; staff vet and appoint; a review round is
opened, scored (a paper sheet entered by staff, and an assessor scoring on her phone) and
published; the public page shows the result."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.testing import browser_login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_apply_vet_appoint_score_publish_and_read_it_in_public(
    gongzhi_server, browser, community, enable_plugin, in_community, member, staff, make_user
):
    from core.extensions import db
    from plugins.committees.models import Committee

    base = gongzhi_server
    enable_plugin(community, "committees")
    make_user("rep@alpha.example", community, name="居民代表李阿姨")
    with in_community(community):
        db.session.add(
            Committee(name="环境管护专委会", kind="environment", remit="小区绿化", max_seats=3)
        )
        db.session.commit()

    # The resident, on a phone: 专委会 → the committee → 报名 with a few sentences.
    phone = browser.new_context(viewport=PHONE).new_page()
    browser_login(phone, base, member.email)
    phone.goto(f"{base}/c/alpha/committees/")
    phone.get_by_role("link", name="环境管护专委会").first.click()
    phone.get_by_label("报名理由（几句话即可）").fill("我退休在家，愿意照看小区绿化")
    apply = phone.get_by_role("button", name="报名", exact=True)
    assert apply.bounding_box()["width"] <= PHONE["width"]
    apply.click()
    expect(phone.get_by_text("感谢报名", exact=False)).to_be_visible()
    expect(phone.locator("#committee-mine")).to_contain_text("已报名")

    # Staff vet and appoint her as convener.
    desk = browser.new_context().new_page()
    desk.on("dialog", lambda dialog: dialog.accept())
    browser_login(desk, base, staff.email)
    desk.goto(f"{base}/c/alpha/committees/")
    desk.get_by_role("link", name="环境管护专委会").first.click()
    applications = desk.locator("#committee-applications")
    expect(applications).to_contain_text("我退休在家，愿意照看小区绿化")
    applications.get_by_role("button", name="考察通过").click()
    expect(desk.get_by_text("考察通过。")).to_be_visible()
    desk.locator("#committee-applications").get_by_role("button", name="聘任").click()
    desk.get_by_label("职务").select_option(label="召集人")
    desk.get_by_role("button", name="聘任").click()
    expect(desk.get_by_text("已聘任。")).to_be_visible()
    expect(desk.locator("#committee-members")).to_contain_text("Alpha Member")
    expect(desk.locator("#committee-members")).to_contain_text("召集人")

    # Staff open a review round and add a resident representative as an assessor.
    desk.goto(f"{base}/c/alpha/committees/reviews/new")
    desk.get_by_label("评议名称").fill("2026年上半年述职评议")
    desk.get_by_label("评分项", exact=False).fill("工作成效 40\n群众满意度 60")
    desk.get_by_role("button", name="保存").click()
    expect(desk.get_by_text("评议已开启。")).to_be_visible()
    review_url = desk.url
    desk.get_by_label("评议人账户", exact=False).fill("居民代表李阿姨")
    desk.locator("#review-assessors").get_by_label("评议人类别").select_option(label="居民代表")
    desk.get_by_role("button", name="添加评议人").click()
    expect(desk.locator("#review-assessors")).to_contain_text("居民代表李阿姨")

    # A paper sheet of the party committee, entered by staff.
    sheet = desk.locator("#review-sheet")
    sheet.get_by_label("评议人类别").select_option(label="社区党委")
    sheet.get_by_label("评议人", exact=True).fill("党委1")
    sheet.get_by_label("工作成效", exact=False).fill("36")
    sheet.get_by_label("群众满意度", exact=False).fill("54")
    sheet.get_by_role("button", name="保存评分表").click()
    expect(desk.get_by_text("评分表已保存。")).to_be_visible()

    # The assessor scores on her phone (a number out of range first: told, kept).
    rep = browser.new_context(viewport=PHONE).new_page()
    browser_login(rep, base, "rep@alpha.example")
    rep.goto(review_url)
    rep.get_by_role("button", name="为专委会打分").click()
    card = rep.locator("article", has_text="环境管护专委会")
    card.get_by_label("工作成效", exact=False).fill("45")
    card.get_by_label("群众满意度", exact=False).fill("45")
    card.get_by_role("button", name="提交我的评分").click()
    expect(rep.get_by_role("alert")).to_contain_text("工作成效：请填 0 至 40 分")
    card = rep.locator("article", has_text="环境管护专委会")
    expect(card.get_by_label("群众满意度", exact=False)).to_have_value("45")
    card.get_by_label("工作成效", exact=False).fill("30")
    card.get_by_role("button", name="提交我的评分").click()
    expect(rep.get_by_text("评分已保存", exact=False)).to_be_visible()
    expect(rep.locator("article", has_text="环境管护专委会")).to_contain_text("75.00")

    # Staff publish: party 90 (weight 40), residents 75 (weight 30), units none →
    # (40 × 90 + 30 × 75) / 70 = 83.57.
    desk.goto(review_url)
    desk.get_by_role("button", name="公布结果").click()
    expect(desk.get_by_text("结果已公布。")).to_be_visible()
    expect(desk.get_by_text("83.57").first).to_be_visible()

    # Anyone, on the public page.
    public = browser.new_context(viewport=PHONE).new_page()
    public.goto(f"{base}/c/alpha/committees/public")
    public.get_by_role("link", name="2026年上半年述职评议").click()
    results = public.get_by_role("table").or_(public.locator(".cards"))
    expect(public.get_by_text("环境管护专委会").first).to_be_visible()
    expect(results.first).to_contain_text("83.57")
