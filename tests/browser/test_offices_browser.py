"""A street office compares its two communities side by side, opens one of them for its
twelve months, and downloads the table."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.extensions import db
from core.offices import figures
from core.offices.models import Office, OfficeCommunity, OfficeMember
from core.testing import browser_login

pytestmark = pytest.mark.browser


def test_a_street_office_compares_two_communities_and_opens_one(
    gongzhi_server, browser, app, make_community, make_user, enable_plugin, in_community
):
    from plugins.requests import workflow
    from plugins.requests.sla import Targets

    alpha = make_community("alpha", name_zh="甲社区", name_en="Alpha")
    beta = make_community("beta", name_zh="乙社区", name_en="Beta")
    for c in (alpha, beta):
        enable_plugin(c, "requests")
    resident = make_user("r@alpha.example", alpha)
    clerk = make_user("clerk@east.example", name="街道干部")
    with app.app_context():
        street = Office(slug="east", kind="street", name_zh="东街道", name_en="East Street")
        db.session.add(street)
        db.session.flush()
        db.session.add_all(
            [
                OfficeCommunity(community_id=alpha.id, office_id=street.id),
                OfficeCommunity(community_id=beta.id, office_id=street.id),
                OfficeMember(office_id=street.id, user_id=clerk.id),
            ]
        )
        db.session.commit()
    with in_community(alpha):
        for title in ("楼道灯坏了", "垃圾清运不及时"):
            workflow.create(Targets(), title=title, actor_id=resident.id, requester_id=resident.id)
        db.session.commit()
    with app.test_request_context():
        for c in (alpha, beta):
            figures.refresh(c, [figures.this_month(c.timezone)])

    page = browser.new_context(locale="zh-CN").new_page()
    browser_login(page, gongzhi_server, clerk.email)
    page.goto(f"{gongzhi_server}/")  # an office account lands on its office
    expect(page.get_by_role("heading", name="东街道")).to_be_visible()
    table = page.locator("#office-figures")
    alpha_row = table.get_by_role("row").filter(has_text="甲社区")
    beta_row = table.get_by_role("row").filter(has_text="乙社区")
    expect(alpha_row.locator('[data-figure="requests.received"]')).to_have_text("2")
    expect(beta_row.locator('[data-figure="requests.received"]')).to_have_text("0")
    expect(table.locator("tfoot")).to_contain_text("2")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    alpha_row.get_by_role("link", name="甲社区").click()
    expect(page.get_by_role("heading", name="甲社区")).to_be_visible()
    month = figures.this_month("Asia/Shanghai").strftime("%Y-%m")
    cell = page.locator(f'[data-figure="requests.received"][data-month="{month}"]')
    expect(cell).to_have_text("2")
