"""The operator console and bad input on every core form: 4xx, a message, values kept."""

import re

import pytest

from core.extensions import db
from tenants.context import all_tenants
from tenants.models import PluginActivation, Tenant

NEW_COMMUNITY = {
    "name_zh": "绿地北社区",
    "name_en": "Lvdi North Community",
    "slug": "lvdi-north",
    "kind": "urban",
    "households": "3600",
    "timezone": "Asia/Shanghai",
    "default_locale": "zh_Hans",
    "admin_email": "secretary@lvdi.example",
}


@pytest.fixture
def operator_client(make_user, login):
    return login(make_user("op@gongzhi.example", operator=True))


def test_operator_creates_a_community_and_invites_its_admin(app, operator_client, client):
    app.config["DEFAULT_PLUGINS"] = ["notices"]
    response = operator_client.post("/operator/communities/new", data=NEW_COMMUNITY)
    assert response.status_code == 302
    console = operator_client.get("/operator/").get_data(as_text=True)
    assert "绿地北社区" in console and "3600" in console and "公告栏" in console
    assert "<td>城市</td>" in console  # the kind, in words
    with app.app_context(), all_tenants():
        tenant = db.session.execute(db.select(Tenant).filter_by(slug="lvdi-north")).scalar_one()
        assert tenant.kind == "urban" and tenant.households == 3600
        enabled = db.session.execute(db.select(PluginActivation.plugin_id)).scalars().all()
        assert enabled == ["notices"]
    mail = app.extensions["gongzhi.outbox"][-1]
    assert mail["To"] == "secretary@lvdi.example"
    link = re.search(r"http://localhost(/\S+)", mail.get_content()).group(1)
    client.post(
        link,
        data={
            "name": "书记",
            "email": "secretary@lvdi.example",
            "password": "long enough 1",
            "confirm": "long enough 1",
        },
    )
    assert client.get("/c/lvdi-north/settings").status_code == 200  # the first admin


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("slug", "Bad Slug!", "lower-case"),
        ("households", "-5", "between 0 and 1000000"),
        ("households", "many", "Enter a whole number."),
        ("timezone", "Mars/Olympus", "Unknown time zone"),
        ("admin_email", "nobody", "Enter a valid e-mail address"),
        ("name_zh", "", "This field is required"),
        ("kind", "suburban", "Not a valid choice"),
    ],
)
def test_new_community_bad_input(operator_client, field, value, message):
    data = {**NEW_COMMUNITY, field: value}
    response = operator_client.post(
        "/operator/communities/new", data=data, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body or message in body.replace("&#39;", "'")
    assert 'value="绿地北社区"' in body or field == "name_zh"
    assert "Lvdi North Community" in body


def test_a_taken_slug_is_refused(operator_client, community):
    response = operator_client.post(
        "/operator/communities/new", data={**NEW_COMMUNITY, "slug": "alpha"}
    )
    assert response.status_code == 422
    assert "已被占用" in response.get_data(as_text=True) or "taken" in response.get_data(True)


def test_only_operators_see_the_console(admin_client, client):
    assert admin_client.get("/operator/").status_code == 403
    assert admin_client.get("/operator/plugins").status_code == 403
    assert client.get("/operator/").status_code == 302


def test_community_profile_bad_input_keeps_values(admin_client):
    response = admin_client.post(
        "/c/alpha/settings",
        data={
            "name_zh": "甲社区改名",
            "name_en": "",
            "households": "abc",
            "timezone": "Asia/Shanghai",
            "default_locale": "zh_Hans",
        },
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'value="甲社区改名"' in body and 'value="abc"' in body


def test_community_profile_saves_and_is_audited(app, admin_client, community):
    response = admin_client.post(
        "/c/alpha/settings",
        data={
            "name_zh": "甲社区",
            "name_en": "Alpha",
            "households": "5200",
            "timezone": "Asia/Urumqi",
            "default_locale": "en",
        },
    )
    assert response.status_code == 302
    audit = admin_client.get("/c/alpha/audit").get_data(as_text=True)
    assert "settings.changed" in audit and "5200" in audit


def test_invite_bad_input(admin_client):
    response = admin_client.post("/c/alpha/members", data={"email": "nope", "role": "king"})
    assert response.status_code == 422
    assert 'value="nope"' in response.get_data(as_text=True)


def test_roles_form_assigns_roles_and_refuses_unknown_ones(app, admin_client, member, community):
    from tenants.context import tenant_scope
    from tenants.models import Membership

    with app.app_context(), tenant_scope(community.id):
        member_id = db.session.execute(
            db.select(Membership.id).where(Membership.user_id == member.id)
        ).scalar_one()
    url = f"/c/alpha/members/{member_id}"
    bad = admin_client.post(url, data={"role": "emperor"})
    assert bad.status_code == 422
    ok = admin_client.post(url, data={"role": "staff"})
    assert ok.status_code == 302
    assert "member.roles" in admin_client.get("/c/alpha/audit").get_data(as_text=True)


def test_an_admin_cannot_demote_or_remove_themself(app, admin_client, admin, community):
    from tenants.context import tenant_scope
    from tenants.models import Membership

    with app.app_context(), tenant_scope(community.id):
        own = db.session.execute(
            db.select(Membership.id).where(Membership.user_id == admin.id)
        ).scalar_one()
    assert admin_client.post(f"/c/alpha/members/{own}", data={"role": "member"}).status_code == 422
    admin_client.post(f"/c/alpha/members/{own}/remove")
    assert admin_client.get("/c/alpha/settings").status_code == 200


def test_removing_a_member_asks_first_and_works(admin_client, member, app, community):
    page = admin_client.get("/c/alpha/members").get_data(as_text=True)
    assert "hx-confirm" in page and member.email in page
    from tenants.context import tenant_scope
    from tenants.models import Membership

    with app.app_context(), tenant_scope(community.id):
        mid = db.session.execute(
            db.select(Membership.id).where(Membership.user_id == member.id)
        ).scalar_one()
    assert admin_client.post(f"/c/alpha/members/{mid}/remove").status_code == 302
    assert member.email not in admin_client.get("/c/alpha/members").get_data(as_text=True)


def test_a_visitor_sees_the_public_page_and_can_join_an_open_community(
    app, make_community, make_user, login, enable_plugin
):
    community = make_community("alpha", join_approval=False)  # open: no staff approval
    enable_plugin(community, "notices")
    visitor = make_user("visitor@example.org")
    client = login(visitor)
    page = client.get("/c/alpha/").get_data(as_text=True)
    assert "公告公示" in page and "加入" in page
    client.post("/c/alpha/join")
    assert client.get("/c/alpha/notices/").status_code == 200


def test_unknown_community_is_404(client):
    assert client.get("/c/no-such-place/").status_code == 404
