"""Notifications: written after the sender's commit only, to members only, mailed by each
person's choice when a mail server is set, retried without duplicates, read and marked
read by their owner only, never shown in another community."""

from __future__ import annotations

import pytest
from flask_babel import lazy_gettext

from core.community import notifications
from core.community.events import flush_deliveries
from core.extensions import db
from core.models import EventFailure, Notification
from core.plugin_api import commit, notify
from tenants.context import all_tenants, tenant_scope


class FakeSMTP:
    """Stands in for smtplib.SMTP: records what would leave, or refuses while ``down``."""

    sent: list = []
    down = False

    def __init__(self, host, port, timeout=None):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, msg):
        if FakeSMTP.down:
            raise ConnectionRefusedError("mail server down")
        FakeSMTP.sent.append(msg)


@pytest.fixture
def mailbox(app, monkeypatch):
    """A configured mail server whose messages land in a list."""
    import core.services.mail as mail

    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(FakeSMTP, "sent", [])
    monkeypatch.setattr(FakeSMTP, "down", False)
    app.config["MAIL_SERVER"] = "smtp.example.test"
    return FakeSMTP


def _send(app, community, user_ids, kind="core.join_request", title="有新申请", link="/c/alpha/"):
    """notify in a request of the community, committed and delivered like a view does."""
    with app.test_request_context(), tenant_scope(community.id):
        notify(user_ids, kind, title, link)
        commit()


def _rows(app, user_id=None) -> list[Notification]:
    with app.app_context(), all_tenants():
        select = db.select(Notification).order_by(Notification.id)
        if user_id is not None:
            select = select.where(Notification.user_id == user_id)
        rows = list(db.session.execute(select).scalars())
        for row in rows:
            db.session.expunge(row)
        return rows


def test_written_after_commit_and_never_on_rollback(app, community, member):
    with app.test_request_context(), tenant_scope(community.id):
        notify([member.id], "core.join_request", "回滚了", "/c/alpha/")
        db.session.rollback()
        flush_deliveries()
        notify([member.id], "core.join_request", "提交了", "/c/alpha/")
        db.session.flush()
        assert db.session.execute(db.select(Notification)).first() is None  # not before commit
        commit()
    assert [r.title["zh_Hans"] for r in _rows(app)] == ["提交了"]


def test_only_members_of_the_community_receive(app, community, other_community, member, make_user):
    outsider = make_user("b@beta.example", other_community)
    nobody = make_user("nobody@example.org")
    _send(app, community, [member.id, outsider.id, nobody.id, None])
    assert [(r.user_id, r.tenant_id) for r in _rows(app)] == [(member.id, community.id)]


def test_titles_in_every_language_and_links_on_this_site_only(app, community, member):
    _send(app, community, [member.id], title=lazy_gettext("Notifications"))
    assert _rows(app)[0].title == {"zh_Hans": "通知", "en": "Notifications"}
    with app.test_request_context(), tenant_scope(community.id):
        for bad in ("https://evil.example/x", "//evil.example/x", "c/alpha", "/\x0b/evil.example"):
            with pytest.raises(ValueError):
                notify([member.id], "core.join_request", "x", bad)
        with pytest.raises(notifications.UndeclaredNotificationKind):
            notify([member.id], "core.no_such_kind", "x")


def test_e_mail_follows_each_persons_choice(app, community, member, staff, login, mailbox):
    staff_client = login(staff)
    # Default for this kind: e-mailed. The staff member turns it off, the member keeps it.
    page = staff_client.get("/notifications/settings").get_data(as_text=True)
    assert 'value="core.join_request" checked' in page
    response = staff_client.post("/notifications/settings", data={"email": ["core.join_answer"]})
    assert response.status_code == 303
    page = staff_client.get("/notifications/settings").get_data(as_text=True)
    assert 'value="core.join_request" checked' not in page
    assert 'value="core.join_answer" checked' in page

    _send(app, community, [member.id, staff.id], title={"zh_Hans": "有新申请", "en": "New"})
    assert [m["To"] for m in mailbox.sent] == [member.email]
    mail = mailbox.sent[0]
    assert "有新申请" in mail["Subject"] and "甲社区" in mail["Subject"]
    assert "http://localhost/c/alpha/" in mail.get_content()
    assert "/notifications/settings" in mail.get_content()
    assert {r.user_id for r in _rows(app)} == {member.id, staff.id}  # both see it in the app


def test_e_mail_in_the_recipients_language(app, community, member, mailbox):
    with app.app_context():
        from core.models import User

        db.session.get(User, member.id).locale = "en"
        db.session.commit()
    _send(app, community, [member.id], title={"zh_Hans": "有新申请", "en": "New request"})
    assert mailbox.sent[0]["Subject"] == "Alpha Community · New request"
    assert "Open: http://localhost/c/alpha/" in mailbox.sent[0].get_content()


def test_no_mail_without_a_mail_server(app, community, member):
    app.extensions["gongzhi.outbox"] = []
    _send(app, community, [member.id])
    assert app.extensions["gongzhi.outbox"] == []
    assert len(_rows(app, member.id)) == 1


def test_a_failed_mail_is_retried_once_without_duplicates(app, community, member, mailbox):
    from core.community.events import retry_failed

    app.config["EVENTS_TOLERATE_FAILURES"] = True
    mailbox.down = True
    _send(app, community, [member.id])
    assert len(_rows(app, member.id)) == 1  # the row is there even though mail failed
    with app.app_context(), all_tenants():
        failure = db.session.execute(db.select(EventFailure)).scalar_one()
        assert failure.plugin_id == "core" and "mail server down" in failure.error
    mailbox.down = False
    with app.app_context():
        assert retry_failed() == (1, 0)
        assert retry_failed() == (0, 0)
    assert [m["To"] for m in mailbox.sent] == [member.email]
    rows = _rows(app, member.id)
    assert len(rows) == 1 and rows[0].emailed_at is not None


def test_the_bell_the_list_and_marking_read(app, community, member, member_client):
    for n in range(25):
        _send(app, community, [member.id], title=f"第{n}条通知", link=f"/c/alpha/?n={n}")
    page = member_client.get("/c/alpha/").get_data(as_text=True)
    assert 'id="bell-count">25<' in page and 'href="/c/alpha/notifications"' in page
    listing = member_client.get("/c/alpha/notifications").get_data(as_text=True)
    assert "第24条通知" in listing and "第4条通知" not in listing  # 20 per page, newest first
    older = member_client.get("/c/alpha/notifications?before=" + str(_rows(app)[5].id))
    assert "第4条通知" in older.text and "第5条通知" not in older.text

    newest = _rows(app, member.id)[-1]
    response = member_client.get(f"/notifications/{newest.id}/open")
    assert response.status_code == 303 and response.headers["Location"] == "/c/alpha/?n=24"
    assert 'id="bell-count">24<' in member_client.get("/c/alpha/").text
    second = _rows(app, member.id)[-2]
    member_client.post(f"/notifications/{second.id}/read", data={"next": "/c/alpha/notifications"})
    assert 'id="bell-count">23<' in member_client.get("/c/alpha/").text
    member_client.post("/c/alpha/notifications/read-all")
    assert "bell-count" not in member_client.get("/c/alpha/").text
    assert all(r.read_at is not None for r in _rows(app, member.id))


def test_nobody_reads_or_marks_anothers_notifications(app, community, member, staff, login):
    _send(app, community, [member.id])
    mine = _rows(app, member.id)[0]
    staff_client = login(staff)
    assert staff_client.get(f"/notifications/{mine.id}/open").status_code == 404
    staff_client.post(f"/notifications/{mine.id}/read")
    staff_client.post("/notifications/read-all")
    staff_client.post("/c/alpha/notifications/read-all")
    assert _rows(app, member.id)[0].read_at is None
    assert "有新申请" not in staff_client.get("/c/alpha/notifications").text
    assert staff_client.get("/notifications/settings").status_code == 200


def test_never_shown_in_another_community(
    app, community, other_community, make_user, login, in_community
):
    both = make_user("both@example.org", community)
    make_user("both@example.org", other_community)
    _send(app, community, [both.id], title="甲社区的通知")
    _send(app, other_community, [both.id], title="乙社区的通知", link="/c/beta/")
    client = login(both)
    alpha = client.get("/c/alpha/notifications").text
    beta = client.get("/c/beta/notifications").text
    assert "甲社区的通知" in alpha and "乙社区的通知" not in alpha
    assert "乙社区的通知" in beta and "甲社区的通知" not in beta
    assert 'id="bell-count">1<' in client.get("/c/beta/").text
    # Reading all in one community leaves the other's unread.
    client.post("/c/beta/notifications/read-all")
    assert 'id="bell-count">1<' in client.get("/c/alpha/").text
    # Outside any community the person's own list names each row's community.
    everything = client.get("/notifications").text
    assert "甲社区的通知" in everything and "甲社区 ·" in everything
    with in_community(community):
        assert notifications.unread_count(both.id) == 1
        assert {r.tenant_id for r in db.session.execute(db.select(Notification)).scalars()} == {
            community.id
        }
    # A non-member of a community cannot open its list at all.
    outsider = login(make_user("outsider@example.org", other_community))
    assert outsider.get("/c/alpha/notifications").status_code == 403


def test_whom_to_tell_is_found_by_the_database_in_a_large_community(
    app, community, staff, make_members
):
    """``members_with_permission`` for a staff permission loads only people with a role
    beyond "member" (or a plugin's role): telling staff of a new request in a community of
    2,000 residents loads a handful of rows, not every membership."""
    from sqlalchemy import event

    from core.plugin_api import members_with_permission
    from tenants.models import Membership

    make_members(community, 2_000)
    helper = make_members(community, 1)[0]
    with app.app_context(), tenant_scope(community.id):
        row = db.session.execute(
            db.select(Membership).where(Membership.user_id == helper)
        ).scalar_one()
        row.extra_roles = ["volunteer_lead"]  # a plugin's role: a candidate, asked about
        db.session.commit()

    loaded: list[int] = []

    def on_load(target, _context):
        loaded.append(target.user_id)

    event.listen(Membership, "load", on_load)
    try:
        with app.test_request_context(), tenant_scope(community.id):
            ids = {person.user_id for person in members_with_permission("core.join_requests")}
    finally:
        event.remove(Membership, "load", on_load)
    assert staff.id in ids and helper not in ids
    assert helper in loaded
    assert len(loaded) < 10, len(loaded)  # without the database's filter: 2,000 and more
