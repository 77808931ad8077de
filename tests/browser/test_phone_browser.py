"""Residents and volunteers on a phone (issue 18), on a 390x844 viewport in Chromium: the
ledger as cards with nothing wider than the screen, tap targets of 44 px, a double tap that
sends once, the outcome of a form shown where the person is and focused, and the menu that
follows a module switched on at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.demo import seed_demo_data
from core.extensions import db
from core.models import User
from core.testing import browser_login
from tenants.context import community_scope
from tenants.models import Tenant

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SLOW = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000}

# Elements wider than the screen, outside a container that scrolls sideways on purpose
# (the one-line community menu).
TOO_WIDE = """(limit) => [...document.querySelectorAll('body *')].filter(el => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= limit + 0.5) return false;
    for (let p = el.parentElement; p; p = p.parentElement) {
        if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return false;
    }
    return true;
}).map(el => el.tagName + '.' + el.className)"""

# Visible tap targets smaller than 44 px: every link, button, disclosure header and field,
# except a link inside a sentence (WCAG 2.5.8's inline exception: its paragraph has other
# words) and check boxes (their label is the target).
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'a, button, summary, [role=button], select, '
    + 'input:not([type=hidden]):not([type=checkbox]):not([type=radio])')]
  .filter(el => {
    const b = el.getBoundingClientRect();
    if (b.width === 0 || b.height === 0 || b.height >= 43.5) return false;
    const parent = el.parentElement;
    const inSentence = el.tagName === 'A' && ['P', 'SMALL', 'SPAN', 'LI', 'DD'].includes(
        parent.tagName) && parent.textContent.trim() !== el.textContent.trim()
        && !parent.matches('.tap-links, li');
    return !inSentence;
  })
  .map(el => el.tagName + ' ' + (el.textContent || el.name || '').trim().slice(0, 20) + ' '
             + Math.round(el.getBoundingClientRect().height))"""


@pytest.fixture
def demo_people(app, community, make_user, enable_plugin):
    for plugin_id in ("notices", "requests"):
        enable_plugin(community, plugin_id)
    people = {
        "admin": make_user("admin@alpha.example", community, "admin", name="李书记"),
        "staff": make_user("staff@alpha.example", community, "staff", name="王社工"),
        "member": make_user("member@alpha.example", community, "member", name="张阿姨"),
        "member2": make_user("member2@alpha.example", community, "member", name="陈志愿"),
    }
    with app.test_request_context(), community_scope(community.id):
        tenant = db.session.get(Tenant, community.id)
        seed_demo_data(tenant, {k: db.session.get(User, u.id) for k, u in people.items()})
        db.session.commit()
    return people


def _phone(browser, base, email):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    browser_login(page, base, email)
    return page


def _noisy_jpeg() -> bytes:
    """About 150 KB: three seconds to send at 400 kbit/s."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.effect_noise((480, 480), 80).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


def _request_count(app, community) -> int:
    from plugins.requests.models import Request

    with app.app_context(), community_scope(community.id):
        return db.session.execute(db.select(db.func.count(Request.id))).scalar()


def test_the_ledger_is_cards_that_fit_the_phone(gongzhi_server, browser, demo_people):
    page = _phone(browser, gongzhi_server, demo_people["staff"].email)
    page.goto(f"{gongzhi_server}/c/alpha/requests/ledger")
    cards = page.locator(".rlist-table tbody tr")
    expect(cards.first).to_be_visible()
    assert cards.count() >= 4
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(TOO_WIDE, PHONE["width"]) == []
    first = cards.first
    # A card: its matter as a large link on top, the labels beside the values, no header.
    assert first.evaluate("el => getComputedStyle(el).display") == "flex"
    expect(page.locator(".rlist-table thead")).to_have_css("position", "absolute")
    title = first.locator("td.rlist-title a").bounding_box()
    number = first.locator("td.rlist-inline a").bounding_box()
    # The title's cell is the card's whole first line (the link is as wide as its words).
    title_line = first.locator("td.rlist-title").bounding_box()
    assert title["y"] < number["y"] and title_line["width"] > PHONE["width"] / 2
    expect(first.locator(".rlist-label").first).to_be_visible()
    # The list comes before the figures and the chart on a phone.
    figures = page.locator(".rq-figures").bounding_box()
    assert cards.last.bounding_box()["y"] < figures["y"]
    assert page.evaluate(SMALL_TARGETS) == []
    # The header and the menu take little of the first screen.
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] < PHONE["height"] * 0.15
    expect(
        page.get_by_role("navigation", name="社区菜单").locator('a[aria-current="page"]')
    ).to_have_count(1)


def test_a_double_tap_on_submit_reports_once(gongzhi_server, browser, app, demo_people, community):
    before = _request_count(app, community)
    page = _phone(browser, gongzhi_server, demo_people["member"].email)
    page.goto(f"{gongzhi_server}/c/alpha/")
    main = page.get_by_role("button", name="反映问题")
    assert main.bounding_box()["width"] > PHONE["width"] * 0.8  # the main action, large
    main.click()
    page.get_by_label("反映什么问题？").fill("电梯按钮失灵")
    page.get_by_label("在哪里？（楼栋、单元或位置）").fill("5栋1单元")
    page.get_by_label("照片（可不传，最多 3 张）").set_input_files(
        files=[{"name": "lift.jpg", "mimeType": "image/jpeg", "buffer": _noisy_jpeg()}]
    )
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW)  # the request is still on its way
    page.get_by_role("button", name="提交").dblclick()
    expect(page.locator("progress.upload-progress")).to_be_visible()  # the upload's progress
    expect(page.get_by_text("已受理", exact=False).first).to_be_visible(timeout=20_000)
    assert _request_count(app, community) == before + 1
    expect(page.locator(".rq-photos img")).to_have_count(1)

    # A plain form (no htmx) is sent once too: forms.js holds the second tap.
    staff = _phone(browser, gongzhi_server, demo_people["admin"].email)
    staff.goto(f"{gongzhi_server}/c/alpha/notices/new")
    staff.get_by_label("标题").fill("停水通知")
    staff.get_by_label("正文").fill("周三上午停水。")
    cdp = staff.context.new_cdp_session(staff)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW)
    staff.get_by_role("button", name="发布").dblclick()
    expect(staff.get_by_role("heading", name="停水通知")).to_be_visible(timeout=15_000)
    staff.goto(f"{gongzhi_server}/c/alpha/notices/")
    expect(staff.get_by_role("link", name="停水通知")).to_have_count(1)


def test_the_outcome_is_shown_at_the_form_and_focused(
    gongzhi_server, browser, app, demo_people, community
):
    from plugins.requests.models import Request

    member = demo_people["member2"]
    with app.app_context(), community_scope(community.id):
        rid = db.session.execute(
            db.select(Request.id).where(
                Request.status == "received", Request.requester_id == member.id
            )
        ).scalar_one()
    page = _phone(browser, gongzhi_server, demo_people["staff"].email)
    page.goto(f"{gongzhi_server}/c/alpha/requests/{rid}")
    page.get_by_label("类型").select_option("yellow")
    page.get_by_role("button", name="保存分类").click()
    message = page.locator("#rq-handle .flash-success")
    expect(message).to_have_text("已分类。")
    expect(message).to_be_focused()

    reply = page.get_by_label("答复居民")
    reply.fill("已联系物业清理。")
    page.get_by_label("公示用办理结果（不写姓名、电话、住址）").fill("已清理")
    button = page.get_by_role("button", name="发送答复")
    button.scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 200  # the person is down at the form
    button.click()
    message = page.locator("#rq-handle .flash-success")
    expect(message).to_have_text("答复已发出，请居民验收。")
    expect(message).to_be_focused()
    box = message.bounding_box()
    assert 0 <= box["y"] < PHONE["height"]  # in view where the person is
    assert page.evaluate("window.scrollY") > 200  # not thrown back to the top
    expect(page.locator("#flashes .flash")).to_have_count(0)

    resident = _phone(browser, gongzhi_server, member.email)
    resident.goto(f"{gongzhi_server}/c/alpha/requests/{rid}")
    resident.get_by_role("button", name="已解决，确认办结").click()
    message = resident.locator("#rq-check .flash-success")
    expect(message).to_have_text("谢谢！诉求已办结。")
    expect(message).to_be_focused()
    expect(resident.locator("#closed-how")).to_be_visible()


def test_switching_a_module_on_updates_the_menu_at_once(gongzhi_server, browser, admin):
    page = _phone(browser, gongzhi_server, admin.email)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if "oob" in m.text.lower() else None)
    page.goto(f"{gongzhi_server}/c/alpha/settings")
    menu = page.get_by_role("navigation", name="社区菜单")
    expect(menu.get_by_role("link", name="我的诉求")).to_have_count(0)
    page.locator("#module-requests").get_by_role("button", name="开启").click()
    expect(menu.get_by_role("link", name="我的诉求")).to_be_visible()  # no reload
    expect(menu.locator('a[aria-current="page"]')).to_have_text("设置")
    assert errors == []


@pytest.mark.parametrize("who", ["admin", "member", "visitor"])
def test_every_page_fits_the_phone_with_44px_targets(gongzhi_server, browser, demo_people, who):
    from plugins.requests.models import Request  # noqa: F401  (the demo has requests)

    if who == "visitor":
        page = browser.new_context(viewport=PHONE).new_page()
        paths = [
            "/",
            "/login",
            "/signup",
            "/forgot",
            "/c/alpha/requests/board",
            "/c/alpha/notices/public",
            "/c/alpha/nowhere",
        ]
    else:
        page = _phone(browser, gongzhi_server, demo_people[who].email)
        paths = [
            "/",
            "/c/alpha/",
            "/c/alpha/notices/",
            "/c/alpha/notices/1",
            "/c/alpha/requests/",
            "/c/alpha/requests/new",
            "/c/alpha/requests/1",
            "/c/alpha/search?q=油烟",
        ]
        if who == "admin":
            paths += [
                "/c/alpha/requests/ledger",
                "/c/alpha/requests/4",
                "/c/alpha/requests/catalogue",
                "/c/alpha/settings",
                "/c/alpha/members",
                "/c/alpha/audit",
                "/c/alpha/export",
                "/c/alpha/notices/new",
            ]
    problems = {}
    for path in paths:
        page.goto(gongzhi_server + path)
        found = page.evaluate(SMALL_TARGETS) + page.evaluate(TOO_WIDE, PHONE["width"])
        if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            found.append("scrollWidth")
        if found:
            problems[path] = found
    assert problems == {}
