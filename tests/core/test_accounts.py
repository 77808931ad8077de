"""Sign-up, login, logout, password reset, invitations and several communities per person."""

import re

import pytest

from core.extensions import db
from core.models import User
from tenants.context import tenant_scope
from tenants.models import Membership


def _outbox(app):
    return app.extensions.setdefault("gongzhi.outbox", [])


def _link(message) -> str:
    return re.search(r"http://localhost(/\S+)", message.get_content()).group(1)


def test_sign_up_then_log_out_and_in_again(app, client):
    response = client.post(
        "/signup",
        data={
            "name": "张阿姨",
            "email": "Zhang@Example.org",
            "password": "long enough 1",
            "confirm": "long enough 1",
        },
    )
    assert response.status_code == 302
    assert "张阿姨" in client.get("/?all=1").get_data(as_text=True)
    client.post("/logout")
    assert client.get("/account").status_code == 302  # login required again
    ok = client.post("/login", data={"email": "zhang@example.org", "password": "long enough 1"})
    assert ok.status_code == 302


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {
                "name": "",
                "email": "a@example.org",
                "password": "long enough 1",
                "confirm": "long enough 1",
            },
            "This field is required",
        ),
        (
            {
                "name": "A",
                "email": "not-an-email",
                "password": "long enough 1",
                "confirm": "long enough 1",
            },
            "Enter a valid e-mail address",
        ),
        (
            {"name": "A", "email": "a@example.org", "password": "short", "confirm": "short"},
            "between 8 and 128",
        ),
        (
            {
                "name": "A",
                "email": "a@example.org",
                "password": "long enough 1",
                "confirm": "different 12",
            },
            "The passwords differ",
        ),
    ],
)
def test_sign_up_with_bad_input_keeps_typed_values(client, data, message):
    response = client.post("/signup", data=data, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    assert f'value="{data["email"]}"' in body
    if data["name"]:
        assert f'value="{data["name"]}"' in body


def test_sign_up_twice_with_one_email_is_refused(client, member):
    response = client.post(
        "/signup",
        data={
            "name": "X",
            "email": member.email,
            "password": "long enough 1",
            "confirm": "long enough 1",
        },
    )
    assert response.status_code == 422
    assert "账号" in response.get_data(as_text=True)


def test_wrong_password_is_a_422_with_the_email_kept(client, member):
    response = client.post("/login", data={"email": member.email, "password": "nope nope"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "邮箱或密码错误" in body and f'value="{member.email}"' in body


def test_login_is_rate_limited(app, gongzhi_config, member):
    from core import create_app

    limited = create_app({**gongzhi_config, "RATELIMIT_ENABLED": True})
    client = limited.test_client()
    # A different account each time: the per-address limit, not the per-account throttle
    # (tests/core/test_hostile_input.py), is what stops this client.
    statuses = [
        client.post("/login", data={"email": f"n{i}@example.org", "password": "x"}).status_code
        for i in range(12)
    ]
    assert statuses[0] == 422
    assert statuses[-1] == 429  # "10 per minute" by default (LOGIN_RATE_LIMIT)
    assert statuses.count(422) == 10
    assert "一分钟后再试" in client.post("/login", data={}).get_data(as_text=True)


def test_password_reset_by_mail_link_is_single_use(app, client, member):
    client.post("/reset", data={"email": member.email})
    message = _outbox(app)[-1]
    assert message["To"] == member.email
    link = _link(message)
    assert client.get(link).status_code == 200
    bad = client.post(link, data={"password": "new password", "confirm": "other password"})
    assert bad.status_code == 422
    ok = client.post(link, data={"password": "new password", "confirm": "new password"})
    assert ok.status_code == 302
    assert client.get(link).status_code == 400  # used: the password hash changed
    login = client.post("/login", data={"email": member.email, "password": "new password"})
    assert login.status_code == 302


def test_reset_for_an_unknown_email_says_the_same_and_sends_nothing(app, client):
    before = len(_outbox(app))
    response = client.post("/reset", data={"email": "nobody@example.org"})
    assert response.status_code == 302
    assert len(_outbox(app)) == before


def test_a_tampered_reset_link_is_refused(client):
    assert client.get("/reset/not-a-real-token").status_code == 400


def test_invitation_creates_an_account_with_the_role(app, community, admin_client, client):
    admin_client.post("/c/alpha/members", data={"email": "new.staff@example.org", "role": "staff"})
    link = _link(_outbox(app)[-1])
    page = client.get(link)
    assert page.status_code == 200 and 'value="new.staff@example.org"' in page.get_data(True)
    response = client.post(
        link,
        data={
            "name": "新社工",
            "email": "new.staff@example.org",
            "password": "long enough 1",
            "confirm": "long enough 1",
        },
    )
    assert response.status_code == 302
    with app.app_context(), tenant_scope(community.id):
        roles = {m.user.email: m.role for m in db.session.execute(db.select(Membership)).scalars()}
    assert roles["new.staff@example.org"] == "staff"
    assert client.get(link).status_code == 410  # used


def test_one_person_belongs_to_two_communities_with_a_role_in_each(
    app, community, other_community, make_user, login
):
    person = make_user("both@example.org", community, "staff")
    make_user("both@example.org", other_community, "member")
    client = login(person)
    home = client.get("/").get_data(as_text=True)
    assert "甲社区" in home and "乙社区" in home
    roles = re.findall(r'<small class="muted">(\w+)</small></article>', home)
    assert sorted(roles) == ["居民", "社区工作者"]  # each community's role, in words
    assert client.get("/c/alpha/members").status_code == 403  # staff, not admin
    assert client.get("/c/beta/").status_code == 200


def test_language_switch_is_remembered(app, client, member):
    client.post("/login", data={"email": member.email, "password": "correct horse battery"})
    client.post("/lang", data={"locale": "en", "next": "/"})
    assert "Sign out" in client.get("/?all=1").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, member.id).locale == "en"
    client.post("/lang", data={"locale": "zh_Hans", "next": "/"})
    assert "退出" in client.get("/?all=1").get_data(as_text=True)
    assert client.post("/lang", data={"locale": "fr"}).status_code == 400


def test_forgot_password_with_a_bad_address_keeps_it(client):
    response = client.post("/reset", data={"email": "not an address"})
    assert response.status_code == 422
    assert 'value="not an address"' in response.get_data(as_text=True)


def test_accepting_an_invitation_with_bad_input_keeps_the_values(app, admin_client, client):
    admin_client.post("/c/alpha/members", data={"email": "helper@example.org", "role": "member"})
    link = _link(_outbox(app)[-1])
    response = client.post(
        link,
        data={
            "name": "小帮手",
            "email": "helper@example.org",
            "password": "short",
            "confirm": "short",
        },
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'value="小帮手"' in body and 'value="helper@example.org"' in body


def test_operator_console_pages_through_many_communities(make_community, make_user, login):
    for n in range(55):
        make_community(f"c{n:02d}")
    client = login(make_user("op2@gongzhi.example", operator=True))
    first = client.get("/operator/").get_data(as_text=True)
    assert "/c/c54/" in first and "/c/c04/" not in first
    older = re.search(r'href="(/operator/\?before=\d+)"', first.replace("&amp;", "&")).group(1)
    second = client.get(older).get_data(as_text=True)
    assert "/c/c04/" in second and "/c/c54/" not in second
