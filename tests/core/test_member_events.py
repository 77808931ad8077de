"""Core member events: every change of who belongs to a community, or with which roles,
reaches the community's plugins through the outbox after it commits."""

from __future__ import annotations

import re
import types

import pytest

from core.extensions import db
from core.plugin_api import PluginMeta, current_tenant_id, hookimpl
from tenants.context import tenant_scope
from tenants.models import Membership

MEMBER_EVENTS = ("member_joined", "member_left", "member_role_changed")


def _listener():
    """A plugin that keeps the member events it receives, with the community they came in."""
    module = types.ModuleType("member_listener")
    module.meta = PluginMeta(
        id="listener",
        version="1",
        label={"zh_Hans": "听", "en": "Listener"},
        description={"zh_Hans": "", "en": ""},
    )
    module.seen = []

    @hookimpl
    def on_event(event):
        if event.name in MEMBER_EVENTS:
            module.seen.append((event.name, dict(event.payload), current_tenant_id()))

    module.on_event = on_event
    return module


@pytest.fixture
def gongzhi_plugins():
    return []


@pytest.fixture
def gongzhi_extra_plugins():
    return {"listener": _listener()}


@pytest.fixture
def seen(app, community, enable_plugin):
    enable_plugin(community, "listener")
    return app.extensions["gongzhi.plugins"].get("listener").module.seen


def _membership_id(app, community, user) -> int:
    with app.app_context(), tenant_scope(community.id):
        return db.session.execute(
            db.select(Membership.id).where(Membership.user_id == user.id)
        ).scalar_one()


def test_self_join_sends_member_joined(app, community, seen, make_user, login):
    with app.app_context(), tenant_scope(community.id):
        from tenants.models import Tenant

        tenant = db.session.get(Tenant, community.id)
        tenant.open_registration, tenant.join_approval = True, False  # joining at once
        db.session.commit()
    newcomer = make_user("newcomer@example.org")
    assert login(newcomer).post("/c/alpha/join").status_code == 302
    joined = {"user_id": newcomer.id, "roles": ["member"], "via": "self"}
    assert seen == [("member_joined", joined, community.id)]


def _invite(app, admin_client, email: str, role: str) -> str:
    admin_client.post("/c/alpha/members", data={"email": email, "role": role})
    message = app.extensions["gongzhi.outbox"][-1]
    return re.search(r"http://localhost(/\S+)", message.get_content()).group(1)


def test_accepting_an_invitation_sends_member_joined(app, community, seen, admin_client, client):
    link = _invite(app, admin_client, "new.staff@example.org", "staff")
    form = {"name": "新社工", "email": "new.staff@example.org"}
    form |= {"password": "long enough 1", "confirm": "long enough 1"}
    assert client.post(link, data=form).status_code == 302
    with app.app_context():
        from core.models import User

        user_id = db.session.execute(
            db.select(User.id).where(User.email == "new.staff@example.org")
        ).scalar_one()
    joined = {"user_id": user_id, "roles": ["staff"], "via": "invitation"}
    assert seen == [("member_joined", joined, community.id)]


def test_an_invitation_for_a_member_sends_member_role_changed(
    app, community, seen, admin_client, member, login
):
    link = _invite(app, admin_client, member.email, "staff")
    assert login(member).post(link).status_code == 302
    changed = {"user_id": member.id, "roles_before": ["member"], "roles_after": ["staff"]}
    assert seen == [("member_role_changed", changed, community.id)]


def test_removal_sends_member_left(app, community, seen, admin_client, staff):
    member_id = _membership_id(app, community, staff)
    response = admin_client.post(f"/c/alpha/members/{member_id}/remove")
    assert response.status_code == 302
    assert seen == [("member_left", {"user_id": staff.id, "roles": ["staff"]}, community.id)]


def test_a_role_change_sends_member_role_changed_and_no_change_sends_nothing(
    app, community, seen, admin_client, member
):
    member_id = _membership_id(app, community, member)
    assert (
        admin_client.post(f"/c/alpha/members/{member_id}", data={"role": "staff"}).status_code
        == 302
    )
    changed = {"user_id": member.id, "roles_before": ["member"], "roles_after": ["staff"]}
    assert seen == [("member_role_changed", changed, community.id)]
    admin_client.post(f"/c/alpha/members/{member_id}", data={"role": "staff"})  # the same again
    assert len(seen) == 1


def test_nothing_is_sent_when_the_change_fails(app, community, seen, admin_client, admin):
    """Refused changes (an admin demoting themself) commit nothing, so announce nothing."""
    own = _membership_id(app, community, admin)
    response = admin_client.post(f"/c/alpha/members/{own}", data={"role": "member"})
    assert response.status_code == 422
    assert admin_client.post(f"/c/alpha/members/{own}/remove").status_code == 303
    assert seen == []


def test_demo_members_are_announced_too(app, seen):
    """``flask demo`` adds people through the same path: the plugins it switches on hear it."""
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    demo = [payload for name, payload, _tenant in seen if name == "member_joined"]
    assert len(demo) == 8 and {p["via"] for p in demo} == {"demo"}
