"""On a phone, a resident moves to next week without a reload, taps a free evening slot
and books it; a second resident then sees that slot taken."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from core.testing import browser_login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_book_a_free_evening_slot_on_a_phone_and_a_neighbour_sees_it_taken(
    gongzhi_server, browser, community, enable_plugin, member, make_user, in_community
):
    from plugins.booking.rules import week_of
    from tests.plugins.booking.helpers import add_space, local_today

    base = gongzhi_server
    enable_plugin(community, "booking")
    neighbour = make_user("neighbour@alpha.example", community, name="邻居小王")
    with in_community(community):
        space_id = add_space(name="排练室", capacity=25, advance_days=60)
        tuesday = week_of(local_today()) + timedelta(days=8)  # next week's Tuesday

    resident = browser.new_context(viewport=PHONE).new_page()
    browser_login(resident, base, member.email)
    resident.goto(f"{base}/c/alpha/booking/")
    resident.get_by_role("link", name="排练室").first.click()
    resident.evaluate("window.stillTheSamePage = true")
    resident.get_by_role("button", name="下一周").click()  # htmx: only the calendar changes
    slot = resident.get_by_role("link", name=f"预约 {tuesday.isoformat()} 19:00–20:00")
    expect(slot).to_be_visible()
    assert resident.evaluate("window.stillTheSamePage === true")
    assert f"week={(tuesday - timedelta(days=1)).isoformat()}" in resident.url
    box = slot.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]  # no sideways scrolling
    slot.click()
    expect(resident.get_by_label("开始")).to_have_value("19:00")
    expect(resident.get_by_label("结束")).to_have_value("20:00")
    resident.get_by_label("用途说明").fill("合唱团排练")
    resident.get_by_role("button", name="预约", exact=True).click()
    expect(resident.get_by_text("预约成功")).to_be_visible()
    expect(resident.get_by_text("合唱团排练")).to_be_visible()

    other = browser.new_context(viewport=PHONE).new_page()
    browser_login(other, base, neighbour.email)
    other.goto(f"{base}/c/alpha/booking/spaces/{space_id}?week={tuesday.isoformat()}")
    day = other.locator(f'[data-day="{tuesday.isoformat()}"]')
    expect(day.locator(".bk-taken")).to_contain_text("19:00–20:00")
    expect(day.get_by_role("link", name=f"预约 {tuesday.isoformat()} 19:00–20:00")).to_have_count(0)
    expect(day.get_by_role("link", name=f"预约 {tuesday.isoformat()} 20:00–21:00")).to_be_visible()
