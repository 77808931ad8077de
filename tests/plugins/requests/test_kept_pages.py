"""Kept pages (core/web/page_cache.py) and the community data version behind them
(tenants/data_version.py): a kept page is served until the community's data changes, to
the same person only, with the session's own CSRF token, never stale across workers."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from requests_helpers import BASE, report

from core.extensions import db
from core.testing import DEMO_PASSWORD, count_statements
from plugins.notices.models import Notice
from tenants.context import all_tenants, community_scope
from tenants.models import Tenant

LEDGER = f"{BASE}/ledger"


@pytest.fixture
def platform(community, enable_plugin):
    enable_plugin(community, "notices")
    enable_plugin(community, "requests")
    return community


def _version(app, community) -> int:
    with app.app_context():
        return db.session.get(Tenant, community.id).data_version


def _file(client, base: str, title: str):
    fields = {"title": title, "building": "1", "grid": "1", "contact_preference": "none"}
    return client.post(f"{base}/new", data=fields)


def _kept(response) -> bool:
    return response.headers.get("X-Page-Cache") == "hit"


def _without_tokens(response) -> str:
    """The page minus its CSRF tokens: each serve signs the session's token anew, with
    the second it was signed (one page and its kept copy differ there, and only there)."""
    token = r"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{20,}"
    return re.sub(token, "<token>", response.get_data(as_text=True))


def test_a_page_is_kept_until_the_community_writes(app, platform, staff, member, login):
    desk, resident = login(staff), login(member)
    first = desk.get(LEDGER)
    assert first.status_code == 200 and not _kept(first)
    again = desk.get(LEDGER)
    assert _kept(again) and _without_tokens(again) == _without_tokens(first)
    assert "<token>" in _without_tokens(first)  # the tokens were found
    before = _version(app, platform)
    report(resident, title="电梯异响请检修")
    assert _version(app, platform) > before
    after = desk.get(LEDGER)
    assert not _kept(after) and "电梯异响请检修" in after.get_data(as_text=True)


def test_reads_do_not_raise_the_version_and_a_rollback_forgets(app, platform, staff, login):
    desk = login(staff)
    before = _version(app, platform)
    desk.get(LEDGER)
    desk.get(f"{BASE}/board")
    assert _version(app, platform) == before
    with app.app_context(), community_scope(platform):
        db.session.execute(sa.update(Notice).values(title="未提交"))
        db.session.rollback()
        db.session.commit()
    assert _version(app, platform) == before


def test_bulk_writes_raise_the_version_of_the_community_in_scope(app, platform, make_community):
    other = make_community("beta")
    mine, theirs = _version(app, platform), _version(app, other)
    with app.app_context(), community_scope(platform):
        db.session.execute(sa.update(Notice).values(title="改"))
        db.session.commit()
    assert (_version(app, platform), _version(app, other)) == (mine + 1, theirs)
    with app.app_context(), all_tenants():  # no one community: every community's
        db.session.execute(sa.delete(Notice))
        db.session.commit()
    assert (_version(app, platform), _version(app, other)) == (mine + 2, theirs + 1)


def test_another_communitys_write_keeps_the_page(
    app, platform, staff, login, make_community, make_user, enable_plugin
):
    other = make_community("beta")
    enable_plugin(other, "requests")
    their_resident = login(make_user("r@beta.example", other, "member"))
    desk = login(staff)
    desk.get(LEDGER)
    _file(their_resident, "/c/beta/requests", "别的社区")
    assert _kept(desk.get(LEDGER))


def test_a_page_is_kept_per_person(app, platform, staff, admin, member, login):
    desk, boss = login(staff), login(admin)
    desk.get(LEDGER)
    theirs = boss.get(LEDGER)
    assert not _kept(theirs)
    assert admin.name in theirs.get_data(as_text=True)
    assert staff.name not in re.search(
        r"account-menu.*?</summary>", theirs.get_data(as_text=True), re.S
    ).group(0)
    # A resident's own page never reaches a visitor, and the other way round.
    resident = login(member)
    resident.get("/c/alpha/")
    visitor = app.test_client().get("/c/alpha/")
    assert not _kept(visitor) and member.name not in visitor.get_data(as_text=True)


def test_losing_access_is_not_hidden_by_a_kept_page(app, platform, staff, admin, login):
    from tenants.models import Membership

    desk = login(staff)
    assert desk.get(LEDGER).status_code == 200
    with app.app_context(), community_scope(platform):
        membership_id = db.session.execute(
            sa.select(Membership.id).where(Membership.user_id == staff.id)
        ).scalar_one()
    removed = login(admin).post(f"/c/alpha/members/{membership_id}/remove")
    assert removed.status_code in (302, 303)
    assert desk.get(LEDGER).status_code in (302, 403, 404)


def test_a_waiting_message_is_shown_once_and_not_kept(app, platform, member, login):
    resident = login(member)
    report(resident)  # flashes "received"
    shown = resident.get("/c/alpha/")  # the message is shown here, once
    assert not _kept(shown) and "flash-success" in shown.get_data(as_text=True)
    later = resident.get("/c/alpha/")
    assert "flash-success" not in later.get_data(as_text=True)
    assert "flash-success" not in resident.get("/c/alpha/").get_data(as_text=True)


def test_each_session_gets_its_own_csrf_token_in_a_kept_page(app, platform, gongzhi_config):
    app.config["WTF_CSRF_ENABLED"] = True
    first, second = app.test_client(), app.test_client()
    page_one = first.get(f"{BASE}/board")
    page_two = second.get(f"{BASE}/board")
    assert _kept(page_two)
    token_one = re.search(r'name="csrf_token" value="([^"]+)"', page_one.get_data(as_text=True))
    token_two = re.search(r'name="csrf_token" value="([^"]+)"', page_two.get_data(as_text=True))
    assert token_one.group(1) != token_two.group(1)
    switched = second.post(
        "/lang", data={"locale": "en", "next": f"{BASE}/board", "csrf_token": token_two.group(1)}
    )
    assert switched.status_code in (302, 303)
    english = second.get(f"{BASE}/board")
    assert not _kept(english) and 'lang="en"' in english.get_data(as_text=True)


def test_an_old_page_expires(app, platform, staff, login, monkeypatch):
    import core.web.page_cache as page_cache

    desk = login(staff)
    desk.get(LEDGER)
    now = page_cache.time.monotonic()
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now + 61)
    assert not _kept(desk.get(LEDGER))


def test_a_write_through_another_worker_is_seen(
    app, platform, staff, member, login, gongzhi_config, gongzhi_plugins
):
    """Two apps on one database stand for two gunicorn workers, each with its own kept
    pages: a write through one makes the other render the page again."""
    from core import create_app

    other_worker = create_app(dict(gongzhi_config), plugins=gongzhi_plugins)
    desk = login(staff)
    desk.get(LEDGER)
    assert _kept(desk.get(LEDGER))
    resident = other_worker.test_client()
    assert (
        resident.post("/login", data={"email": member.email, "password": DEMO_PASSWORD}).status_code
        == 302
    )
    assert _file(resident, BASE, "另一个进程提交").status_code == 302
    page = desk.get(LEDGER)
    assert not _kept(page) and "另一个进程提交" in page.get_data(as_text=True)


def test_off_when_the_setting_is_zero(app, platform, staff, login):
    app.config["PAGE_CACHE_SECONDS"] = 0
    desk = login(staff)
    desk.get(LEDGER)
    assert not _kept(desk.get(LEDGER))


def test_a_kept_page_costs_only_finding_the_community_and_the_person(app, platform, staff, login):
    """Served before the plugin's guard and the view's checks: the version covers them."""
    desk = login(staff)
    desk.get(LEDGER)
    with count_statements(app) as seen:
        assert _kept(desk.get(LEDGER))
    # One statement finds the community and the person's membership (with its user);
    # besides it only BEGIN (and PostgreSQL's RLS scope): no module settings, no guard,
    # nothing of the page itself, and no count for the bell (kept too, until the
    # community's notifications change).
    selects = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, seen
    assert "FROM tenants" in selects[0] and "tenant_memberships" in selects[0], selects
    assert not [s for s in seen if "requests_" in s or "tenant_plugins" in s], seen
    assert not [s for s in seen if "core_notifications" in s], seen
    assert len(seen) <= 3, seen


# ----- parts: a page depends only on what it read ---------------------------------------
FREE = "/c/alpha/booking/free"


@pytest.fixture
def with_booking(platform, enable_plugin):
    enable_plugin(platform, "booking")
    return platform


def _parts(app, community) -> dict:
    with app.app_context():
        return dict(db.session.get(Tenant, community.id).data_versions)


def test_a_write_to_a_part_the_page_did_not_read_keeps_it(
    app, with_booking, staff, member, login, in_community
):
    """A request filed raises the requests part (and core's outbox, notifications): the
    ledger renders again, the booking page that never read them stays kept."""
    from tests.plugins.booking.helpers import add_space

    desk, resident = login(staff), login(member)
    assert desk.get(FREE).status_code == 200 and desk.get(LEDGER).status_code == 200
    before = _parts(app, with_booking)
    report(resident, title="路灯坏了")
    after = _parts(app, with_booking)
    assert after["requests"] == before.get("requests", 0) + 1
    assert after.get("booking", 0) == before.get("booking", 0)
    assert _kept(desk.get(FREE))
    assert not _kept(desk.get(LEDGER))
    with in_community(with_booking):
        add_space(name="书法教室")
    page = desk.get(FREE)
    assert not _kept(page) and "书法教室" in page.get_data(as_text=True)
    assert _kept(desk.get(FREE))


def test_the_bell_of_a_kept_page_is_counted_on_every_serve(app, with_booking, staff, member, login):
    desk, resident = login(staff), login(member)

    def bell(page) -> str:
        return re.search(r'<a href="[^"]*" class="bell".*?</a>', page, re.S).group(0)

    first = desk.get(FREE).get_data(as_text=True)
    assert "bell-count" not in bell(first) and "\x00" not in first
    report(resident, title="垃圾清运不及时")  # notifies the staff on duty
    page = desk.get(FREE)
    assert _kept(page)
    shown = bell(page.get_data(as_text=True))
    assert 'id="bell-count">1<' in shown
    assert "\x00" not in page.get_data(as_text=True)


def test_a_page_that_reads_by_text_sql_depends_on_every_write(app, platform):
    """Its tables are unknown, so any write makes it render again."""
    from flask import g

    from core.web import page_cache

    with app.test_request_context():
        setattr(g, page_cache._READS, set())
        db.session.execute(sa.text("SELECT 1"))
        db.session.execute(sa.select(Tenant.id))
        reads = getattr(g, page_cache._READS)
        db.session.rollback()
    assert reads == {page_cache.EVERYTHING, "tenants"}


def test_many_writers_never_lose_a_raise(app, platform, make_community):
    """Each part's number is raised in the database, from the row it updates: 24 threads
    writing two parts of one community at once raise each by exactly 24."""
    import threading

    other = make_community("beta")
    before, theirs = _parts(app, platform), _parts(app, other)
    threads = 24
    start = threading.Barrier(threads)
    errors: list[str] = []

    def write(i: int) -> None:
        with app.app_context(), community_scope(platform):
            try:
                db.session.rollback()  # hold no (SQLite write) lock while waiting
                start.wait(timeout=60)
                db.session.add(Notice(title=f"第{i}条", body="内容"))
                db.session.execute(
                    sa.update(Tenant)
                    .where(Tenant.id == platform.id)
                    .values(households=Tenant.households)
                )
                db.session.commit()
            except Exception as exc:  # noqa: BLE001  (the failure shown)
                db.session.rollback()
                errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                db.session.remove()

    workers = [threading.Thread(target=write, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=180)
    assert errors == []
    after = _parts(app, platform)
    assert after["notices"] == before.get("notices", 0) + threads
    assert after["tenants"] == before.get("tenants", 0) + threads
    assert _parts(app, other) == theirs


# ----- pieces: the dashboard's widgets and the menu -------------------------------------
def _statements(app, client, url: str) -> tuple:
    with count_statements(app) as seen:
        response = client.get(url)
    return response, seen


def test_a_dashboard_rendered_again_renders_only_the_widgets_a_write_touched(
    app, with_booking, staff, member, login, in_community
):
    from tests.plugins.booking.helpers import add_space

    desk, resident = login(staff), login(member)
    assert desk.get("/c/alpha/").status_code == 200
    report(resident, title="小区门禁坏了")
    page, seen = _statements(app, desk, "/c/alpha/")
    assert not _kept(page)
    assert [s for s in seen if "requests_" in s]  # its widget rendered again
    assert not [s for s in seen if "booking_" in s], seen  # the booking widget was kept
    assert "booking" in page.get_data(as_text=True)  # and shown
    with in_community(with_booking):
        add_space(name="舞蹈室")
    page, seen = _statements(app, desk, "/c/alpha/")
    assert not _kept(page) and [s for s in seen if "booking_" in s]


def test_the_menu_follows_a_change_of_roles(app, platform, staff, admin, login):
    from tenants.models import Membership

    desk = login(staff)
    board = f"{BASE}/board"
    assert "/requests/ledger" in desk.get(board).get_data(as_text=True)  # staff: the ledger
    with app.app_context(), community_scope(platform):
        membership_id = db.session.execute(
            sa.select(Membership.id).where(Membership.user_id == staff.id)
        ).scalar_one()
    changed = login(admin).post(f"/c/alpha/members/{membership_id}", data={"role": "member"})
    assert changed.status_code in (302, 303)
    menu = re.search(r'id="community-menu".*?</nav>', desk.get(board).get_data(as_text=True), re.S)
    assert "/requests/ledger" not in menu.group(0)


def test_a_savepoint_rolled_back_keeps_what_was_written_before_it(app, platform):
    """An event handler fails in its savepoint after other writes: they are still raised,
    once, at the commit (a savepoint released raises nothing by itself)."""
    before = _parts(app, platform)
    with app.app_context(), community_scope(platform):
        db.session.add(Notice(title="先写的", body="内容"))
        db.session.flush()
        with db.session.begin_nested():
            db.session.add(Notice(title="保存点里", body="内容"))
        savepoint = db.session.begin_nested()
        db.session.execute(sa.update(Tenant).values(households=Tenant.households))
        savepoint.rollback()
        db.session.commit()
    after = _parts(app, platform)
    assert after["notices"] == before.get("notices", 0) + 1
