"""Hostile input and abuse (issue 16), one test per class of fault: the parsers, redirects
that stay on the site, control characters in names, a community created with its admin
or not at all, a per-account sign-in throttle that holds across app instances without
Redis, rate limits, the request size limit and the trusted proxy setting."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import create_app
from core.extensions import db
from core.services import parsing
from core.testing import DEMO_PASSWORD
from tenants.context import all_tenants
from tenants.models import Invitation, Tenant

# Characters that str.isdigit() or int() treat as digits, and look-alikes.
ODD_DIGITS = "²③①١٢३௫𝟙٣۴߂0１２"
UNICODE = st.characters(exclude_categories=("Cs",))  # what HTTP can carry
FUZZ = settings(
    derandomize=True,
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
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


# ----- the parsers, with arbitrary Unicode ----------------------------------------------
@FUZZ
@given(st.one_of(st.text(UNICODE), st.text(st.sampled_from(ODD_DIGITS + "0123456789 -+_"))))
def test_parse_int_and_id_accept_ascii_digits_only_and_never_raise(raw):
    value = parsing.parse_int(raw)
    if value is not None:
        assert re.fullmatch(r"[ \t\n\r\f\v]*[+-]?[0-9]{1,19}[ \t\n\r\f\v]*", raw)
        assert parsing.BIGINT_MIN <= value <= parsing.BIGINT_MAX
    ident = parsing.parse_id(raw)
    assert ident is None or 0 < ident <= parsing.BIGINT_MAX


@pytest.mark.parametrize("raw", ["②", "²", "١٢", "𝟙", "1_000", "１２", "9" * 20, "0", "-3", ""])
def test_parse_id_refuses_what_isdigit_or_int_would_take(raw):
    assert parsing.parse_id(raw) is None


def test_parse_id_reads_plain_ids():
    assert parsing.parse_id(" 42 ") == 42 and parsing.parse_id(str(parsing.BIGINT_MAX))


@FUZZ
@given(
    st.one_of(
        st.text(UNICODE, max_size=30),
        st.dates().map(date.isoformat),
        st.datetimes().map(datetime.isoformat),
        st.times().map(time.isoformat),
        st.text(st.sampled_from(ODD_DIGITS + "0123456789-:T "), max_size=25),
    )
)
def test_date_and_time_parsers_stay_in_range_and_never_raise(raw):
    day = parsing.parse_date(raw)
    assert day is None or parsing.DATE_MIN <= day <= parsing.DATE_MAX
    moment = parsing.parse_datetime(raw)
    if moment is not None:
        assert parsing.DATE_MIN <= moment.date() <= parsing.DATE_MAX
        # valid in every time zone: UTC-12 to UTC+14 and back
        for hours in (-12, 14):
            moment.replace(tzinfo=timezone(timedelta(hours=hours))).astimezone(UTC)
    parsing.parse_time(raw)


@pytest.mark.parametrize(
    "raw", ["0001-01-01", "9999-12-31", "2026-02-30", "20260101", "2026-W01-1", "２０２６-01-01"]
)
def test_parse_date_refuses_extremes_and_other_iso_forms(raw):
    assert parsing.parse_date(raw) is None


@pytest.mark.parametrize(
    ("raw", "month"),
    [
        ("2026-11", date(2026, 11, 1)),
        (" 2026-3 ", date(2026, 3, 1)),
        ("2026-13", None),
        ("1999-12", None),
        ("２０２６-11", None),
        ("2026-11-01", None),
        ("2026/11", None),
        ("2026-¹¹", None),
        (None, None),
        ("", None),
    ],
)
def test_one_month_parser_for_offices_and_payroll(raw, month):
    """The offices' ?month= and the salaries form read months through parse_month."""
    assert parsing.parse_month(raw) == month


def _browser_target(location: str) -> str:
    """Where a browser goes for this Location: it drops tabs and newlines, leading C0
    characters and spaces, and reads backslashes as slashes."""
    cleaned = re.sub(r"[\t\n\r]", "", location).lstrip("".join(map(chr, range(0x21))))
    return urlsplit(cleaned.replace("\\", "/")).netloc


@FUZZ
@given(
    st.one_of(
        st.text(UNICODE, max_size=40),
        st.text(st.sampled_from("/\\.:@%?#\t\n\r \x00\x0b\x1fhttps"), max_size=20),
        st.text(UNICODE, max_size=20).map(lambda tail: "/" + tail),
    )
)
def test_local_path_only_answers_paths_on_this_site(raw):
    target = parsing.local_path(raw)
    if target is not None:
        assert target.startswith("/") and not target.startswith("//")
        assert _browser_target(target) == ""


# ----- redirects: sign-in, sign-up and the language switch --------------------------
OFF_SITE = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\\evil.example",
    "/\x0b/evil.example",
    "\x01//evil.example",
    "//evil.example",
    "https://evil.example/",
    "/ /evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_after_sign_in_never_leaves_the_site(client, member, target):
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": member.email, "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert _browser_target(response.headers["Location"]) == ""


def test_next_after_sign_in_keeps_a_local_path(client, member):
    response = client.post(
        "/login?next=/c/alpha/members%3Fq%3D1",
        data={"email": member.email, "password": DEMO_PASSWORD},
    )
    assert response.headers["Location"] == "/c/alpha/members?q=1"


@pytest.mark.parametrize("target", OFF_SITE[:3])
def test_next_after_sign_up_never_leaves_the_site(client, target):
    response = client.post(
        "/signup",
        query_string={"next": target},
        data={
            "name": "王",
            "email": "wang@example.org",
            "password": "long enough 1",
            "confirm": "long enough 1",
        },
    )
    assert response.status_code == 302
    assert _browser_target(response.headers["Location"]) == ""


@pytest.mark.parametrize("target", ["/c/alpha/\r\nSet-Cookie: x=1", "/\n", *OFF_SITE])
def test_the_language_switch_with_a_newline_or_off_site_next_goes_home(client, target):
    response = client.post("/lang", data={"locale": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Set-Cookie: x" not in str(response.headers)


@pytest.mark.parametrize("target", ["/\r\n/evil.example", *OFF_SITE])
@pytest.mark.parametrize(
    "path", ["/notifications/read-all", "/c/alpha/notifications/read-all", "/notifications/1/read"]
)
def test_next_after_marking_notifications_read_never_leaves_the_site(member_client, path, target):
    response = member_client.post(path, data={"next": target})
    assert response.status_code == 303
    assert _browser_target(response.headers["Location"]) == ""
    assert response.headers["Location"] in ("/notifications", "/c/alpha/notifications")


def test_next_after_marking_notifications_read_keeps_a_local_path(member_client):
    response = member_client.post("/notifications/read-all", data={"next": "/c/alpha/?x=1"})
    assert response.headers["Location"] == "/c/alpha/?x=1"


# ----- ids in the operator console ----------------------------------------------------
@pytest.fixture
def operator_client(make_user, login):
    return login(make_user("op@gongzhi.example", operator=True))


@pytest.mark.parametrize("cursor", ["②", "²", "١٢", "𝟙"])
def test_non_ascii_digits_in_the_operator_console_cursor_are_ignored(
    operator_client, community, cursor
):
    response = operator_client.get("/operator/", query_string={"before": cursor})
    assert response.status_code == 200
    assert "甲社区" in response.get_data(as_text=True)  # the first page, as without cursor


def test_non_ascii_digits_in_a_path_id_are_a_404(admin_client, community):
    assert admin_client.get("/c/alpha/members/١").status_code == 404


# ----- control characters in names, and mail headers -----------------------------------
def _tenant(app, slug: str) -> Tenant | None:
    with app.app_context(), all_tenants():
        tenant = db.session.execute(db.select(Tenant).filter_by(slug=slug)).scalar_one_or_none()
        if tenant is not None:
            db.session.expunge(tenant)
        return tenant


def _invitations(app, slug: str) -> list[Invitation]:
    with app.app_context(), all_tenants():
        return list(
            db.session.execute(
                db.select(Invitation)
                .join(Tenant, Tenant.id == Invitation.tenant_id)
                .where(Tenant.slug == slug)
            ).scalars()
        )


def test_a_community_name_with_control_characters_is_cleaned_and_invites_work(
    app, operator_client, client
):
    data = {**NEW_COMMUNITY, "name_zh": "绿地\n北\x07社区\r", "name_en": "Lvdi\x1b North\t"}
    response = operator_client.post("/operator/communities/new", data=data)
    assert response.status_code == 302
    tenant = _tenant(app, "lvdi-north")
    assert tenant.name_zh == "绿地 北社区" and tenant.name_en == "Lvdi North"
    mail = app.extensions["gongzhi.outbox"][-1]
    assert mail["To"] == "secretary@lvdi.example" and "绿地 北社区" in mail["Subject"]
    link = re.search(r"http://localhost(/\S+)", mail.get_content()).group(1)
    assert client.get(link).status_code == 200


def test_a_name_of_control_characters_only_is_a_clear_422(app, operator_client):
    data = {**NEW_COMMUNITY, "name_zh": "\x07\x08\n"}
    response = operator_client.post(
        "/operator/communities/new", data=data, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)
    assert _tenant(app, "lvdi-north") is None


def test_an_admin_cannot_save_control_characters_and_invitations_keep_working(
    app, community, admin_client
):
    settings = {
        "name_zh": "甲\x0b社区\n",
        "name_en": "Alpha\x1b Community",
        "households": "100",
        "timezone": "Asia/Shanghai",
        "default_locale": "zh_Hans",
    }
    assert admin_client.post("/c/alpha/settings", data=settings).status_code == 302
    tenant = _tenant(app, "alpha")
    assert tenant.name_zh == "甲 社区" and tenant.name_en == "Alpha Community"
    invited = admin_client.post(
        "/c/alpha/members", data={"email": "x@alpha.example", "role": "member"}
    )
    assert invited.status_code == 302
    assert "\n" not in app.extensions["gongzhi.outbox"][-1]["Subject"]


def test_a_name_stored_with_a_line_break_still_gives_a_valid_mail(app, community, admin_client):
    with app.app_context(), all_tenants():
        db.session.get(Tenant, community.id).name_zh = "甲\r\nBcc: all@example.org\n社区"
        db.session.commit()
    response = admin_client.post(
        "/c/alpha/members", data={"email": "y@alpha.example", "role": "member"}
    )
    assert response.status_code == 302
    mail = app.extensions["gongzhi.outbox"][-1]
    assert mail["Bcc"] is None and "\n" not in mail["Subject"]


# ----- a community and its first admin's invitation: all or nothing --------------------
def test_a_failure_while_creating_a_community_leaves_nothing(app, operator_client, monkeypatch):
    from core.community import audit

    real = audit.record

    def failing(action, *args, **kwargs):
        if action == "community.created":
            raise RuntimeError("disk full")
        return real(action, *args, **kwargs)

    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        operator_client.post("/operator/communities/new", data=NEW_COMMUNITY)
    assert _tenant(app, "lvdi-north") is None
    assert _invitations(app, "lvdi-north") == []


def test_an_unreachable_mail_server_leaves_the_community_and_shows_the_link(
    app, operator_client, client
):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9)  # discard port: refused
    response = operator_client.post(
        "/operator/communities/new", data=NEW_COMMUNITY, follow_redirects=True
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "邀请邮件未能发出" in body
    link = re.search(r"http://localhost(/invite/[\w-]+)", body).group(1)
    assert _tenant(app, "lvdi-north") is not None
    assert [i.role for i in _invitations(app, "lvdi-north")] == ["admin"]
    assert client.get(link).status_code == 200


# ----- sign-in throttling per account, in the database ------------------------------
@pytest.fixture
def clock(monkeypatch):
    from core.web import sign_in_throttle

    now = {"t": datetime(2026, 11, 22, 1, 0, tzinfo=UTC)}
    monkeypatch.setattr(sign_in_throttle, "now", lambda: now["t"])
    return now


def _sign_in(client, email: str, password: str, **headers):
    return client.post("/login", data={"email": email, "password": password}, headers=headers)


def test_the_right_password_is_refused_until_the_wait_after_failures_has_passed(
    app, client, member, clock
):
    free = app.config["SIGN_IN_FREE_FAILURES"]
    statuses = [_sign_in(client, member.email, "wrong").status_code for _ in range(free + 1)]
    assert statuses == [422] * (free + 1)  # the last failure starts a 30 s wait
    refused = _sign_in(client, member.email, DEMO_PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    body = refused.get_data(as_text=True)
    assert "该账号登录失败次数过多" in body and f'value="{member.email}"' in body
    english = _sign_in(client, member.email, DEMO_PASSWORD, **{"Accept-Language": "en"})
    assert "Please try again in 30 seconds" in english.get_data(as_text=True)

    clock["t"] += timedelta(seconds=29)
    assert _sign_in(client, member.email, DEMO_PASSWORD).status_code == 429
    clock["t"] += timedelta(seconds=2)
    assert _sign_in(client, member.email, "wrong again").status_code == 422
    # the wait grows: this failure locks for 60 s
    assert _sign_in(client, member.email, DEMO_PASSWORD).headers["Retry-After"] == "60"
    clock["t"] += timedelta(seconds=61)
    assert _sign_in(client, member.email, DEMO_PASSWORD).status_code == 302
    # a success starts the count again
    assert _sign_in(app.test_client(), member.email, "wrong").status_code == 422


def test_unknown_accounts_are_throttled_the_same_way(app, client, clock):
    free = app.config["SIGN_IN_FREE_FAILURES"]
    for _ in range(free + 1):
        _sign_in(client, "nobody@example.org", "x")
    assert _sign_in(client, "NOBODY@example.org", "x").status_code == 429


def test_the_throttle_holds_across_app_instances_on_one_database_without_redis(
    app, gongzhi_config, member, clock
):
    no_redis = {
        **gongzhi_config,
        "REDIS_URL": "",
        "RATELIMIT_ENABLED": False,
        "CACHE_TYPE": "NullCache",
    }
    servers = [create_app(dict(no_redis)), create_app(dict(no_redis))]
    clients = [server.test_client() for server in servers]
    free = app.config["SIGN_IN_FREE_FAILURES"]
    for attempt in range(free + 1):  # spread over both "workers"
        assert _sign_in(clients[attempt % 2], member.email, "wrong").status_code == 422
    for c in clients:
        assert _sign_in(c, member.email, DEMO_PASSWORD).status_code == 429
    for server in servers:
        with server.app_context():
            db.engine.dispose()


def test_a_password_reset_clears_the_lock(app, client, member, clock):
    for _ in range(app.config["SIGN_IN_FREE_FAILURES"] + 1):
        _sign_in(client, member.email, "wrong")
    client.post("/reset", data={"email": member.email})
    link = re.search(r"http://localhost(/\S+)", app.extensions["gongzhi.outbox"][-1].get_content())
    client.post(link.group(1), data={"password": "new password 1", "confirm": "new password 1"})
    assert _sign_in(client, member.email, "new password 1").status_code == 302


# ----- per-address limits, the size limit, the proxy setting ---------------------------
def test_sign_up_is_rate_limited_per_address(gongzhi_config):
    limited = create_app(
        {**gongzhi_config, "RATELIMIT_ENABLED": True, "SIGNUP_RATE_LIMIT": "2 per hour"}
    )
    client = limited.test_client()
    statuses = [
        client.post("/signup", data={"name": "x", "email": f"s{i}@example.org"}).status_code
        for i in range(3)
    ]
    assert statuses == [422, 422, 429]


def test_a_body_over_the_size_limit_is_a_clear_413(gongzhi_config, monkeypatch, member):
    from core.config import from_environment
    from plugins.requests.photos import MAX_PHOTOS

    # By default, three photos at the requests plugin's highest setting (20 MB) fit.
    assert from_environment()["MAX_CONTENT_LENGTH"] > MAX_PHOTOS * 20 * 1024 * 1024
    monkeypatch.setenv("MAX_CONTENT_MB", "1")
    small = create_app(dict(gongzhi_config))
    photo = (io.BytesIO(b"\xff\xd8" + b"x" * (2 * 1024 * 1024)), "big.jpg")
    response = small.test_client().post(
        "/login",
        data={"email": member.email, "password": "x", "photos": photo},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "提交的内容太大：每次最多 1 MB" in response.get_data(as_text=True)


@pytest.mark.parametrize("hops, separate_buckets", [(0, False), (1, True)])
def test_forwarded_addresses_count_only_behind_a_configured_proxy(
    gongzhi_config, hops, separate_buckets
):
    app = create_app(
        {
            **gongzhi_config,
            "RATELIMIT_ENABLED": True,
            "LOGIN_RATE_LIMIT": "2 per minute",
            "PROXY_HOPS": hops,
        }
    )
    client = app.test_client()

    def attempt(address: str) -> int:
        return client.post(
            "/login", data={"email": "a@example.org"}, headers={"X-Forwarded-For": address}
        ).status_code

    assert [attempt("203.0.113.1"), attempt("203.0.113.1")] == [422, 422]
    assert attempt("203.0.113.1") == 429
    # another client behind the proxy (or, without a proxy, someone forging the header)
    assert (attempt("198.51.100.7") == 422) is separate_buckets
