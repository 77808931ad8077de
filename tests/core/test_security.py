"""CSRF on every form and htmx request, security headers, cookie flags, password hashing."""

import re

import pytest

from core.extensions import db
from core.models import User


@pytest.fixture
def gongzhi_config(gongzhi_config):
    return {**gongzhi_config, "WTF_CSRF_ENABLED": True, "SESSION_COOKIE_SECURE": True}


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_a_form_post_without_the_token_is_refused_with_a_clear_message(client, member):
    response = client.post("/login", data={"email": member.email, "password": "x"})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)


def test_login_with_the_token_works_and_sets_secure_cookie_flags(client, member):
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"email": member.email, "password": "correct horse battery", "csrf_token": token},
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_htmx_requests_carry_the_token_in_a_header(app, community, admin, client, enable_plugin):
    token = _token(client.get("/login").get_data(as_text=True))
    client.post(
        "/login",
        data={"email": admin.email, "password": "correct horse battery", "csrf_token": token},
    )
    page = client.get("/c/alpha/settings").get_data(as_text=True)
    header_token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    url = "/c/alpha/settings/modules/notices"
    refused = client.post(url, data={"enabled": "1"}, headers={"HX-Request": "true"})
    assert refused.status_code == 400
    accepted = client.post(
        url, data={"enabled": "1"}, headers={"HX-Request": "true", "X-CSRFToken": header_token}
    )
    assert accepted.status_code == 200


def test_security_headers_and_a_csp_without_inline_script(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    html = response.get_data(as_text=True)
    assert "<script>" not in html  # every script is a file from our own origin
    assert '"includeIndicatorStyles": false' in html  # so htmx needs no inline style


def test_passwords_are_hashed(app, member):
    with app.app_context():
        stored = db.session.get(User, member.id).password_hash
    assert "correct horse" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


def test_no_page_loads_anything_from_a_cdn(client):
    html = client.get("/login").get_data(as_text=True)
    assert not re.search(r'(src|href)="https?://', html)
