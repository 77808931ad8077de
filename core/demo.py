"""Two demo communities with realistic people and figures from the domain brief."""

from __future__ import annotations

from collections.abc import Iterator

from flask import current_app, has_request_context

from core.community.events import flush_deliveries
from core.community.membership import add_member
from core.community.provisioning import create_community
from core.extensions import db
from core.models import User
from core.plugins.gateway import gateway, host
from core.plugins.host import call_impl
from tenants.context import community_scope
from tenants.models import COMMUNITY_KINDS, CORE_ROLES, Membership, Tenant

DEMO_PASSWORD = "gongzhi-demo"

COMMUNITIES = [
    # 河运路社区 (Chongqing): the "三事三色" method of seed 000.
    dict(
        slug="heyunlu",
        name_zh="河运路社区",
        name_en="Heyunlu Community",
        kind=COMMUNITY_KINDS[0],
        households=4200,
    ),
    # 旺苍 county town community (seed 004): rural (集镇) pay scale.
    dict(
        slug="wangcang-dongcheng",
        name_zh="旺苍县东城社区",
        name_en="Dongcheng Community, Wangcang",
        kind=COMMUNITY_KINDS[1],
        households=1850,
    ),
]

PEOPLE = {
    "heyunlu": {
        "admin": ("李书记", "admin@heyunlu.demo"),
        "staff": ("王社工", "staff@heyunlu.demo"),
        "member": ("张阿姨", "resident@heyunlu.demo"),
        "member2": ("陈志愿", "volunteer@heyunlu.demo"),
    },
    "wangcang-dongcheng": {
        "admin": ("赵主任", "admin@dongcheng.demo"),
        "staff": ("刘社工", "staff@dongcheng.demo"),
        "member": ("周大爷", "resident@dongcheng.demo"),
        "member2": ("吴志愿", "volunteer@dongcheng.demo"),
    },
}


def _user(name: str, email: str, operator: bool = False) -> User:
    user = db.session.execute(db.select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        user = User(name=name, email=email, is_operator=operator)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        db.session.flush()
    return user


def seed_demo_data(tenant: Tenant, users: dict[str, User]) -> None:
    """Every active plugin's ``demo_data`` for ``tenant``, in its community scope (the
    caller commits)."""
    h = host()
    with community_scope(tenant):
        for impl in h.implementations(frozenset(h.active_ids), "demo_data"):
            call_impl(impl, {"tenant": tenant, "users": users})


def load_demo(reset: bool = False) -> Iterator[str]:
    """Load the demo communities (idempotent), yielding the lines to show the person.

    Plugins' ``demo_data`` builds links (a request's notifications) with ``url_for``: outside
    a request (the CLI, a benchmark, a test's set-up) this gives it the site's address."""
    if has_request_context():
        yield from _load_demo(reset)
        return
    base_url = current_app.config.get("PUBLIC_URL") or None
    with current_app.test_request_context(base_url=base_url):
        yield from _load_demo(reset)


def _load_demo(reset: bool) -> Iterator[str]:
    if reset:
        db.drop_all()
        db.create_all()
    _user("平台运营", "operator@gongzhi.demo", operator=True)
    db.session.commit()
    yield f"operator@gongzhi.demo / {DEMO_PASSWORD}  (operator console: /operator/)"
    every_plugin = host().active_ids
    for spec in COMMUNITIES:
        tenant = db.session.execute(
            db.select(Tenant).where(Tenant.slug == spec["slug"])
        ).scalar_one_or_none()
        fresh = tenant is None
        if fresh:
            tenant = create_community(**spec, plugins=every_plugin)
        users = {}
        with community_scope(tenant):
            for role_key, (name, email) in PEOPLE[spec["slug"]].items():
                user = _user(name, email)
                users[role_key] = user
                if (
                    db.session.execute(
                        db.select(Membership).where(Membership.user_id == user.id)
                    ).scalar_one_or_none()
                    is None
                ):
                    role = role_key if role_key in CORE_ROLES else "member"
                    add_member(user, role, via="demo")
            db.session.commit()
            flush_deliveries()
            if fresh:
                gateway().forget()
                seed_demo_data(tenant, users)
                db.session.commit()
        for role_key, (_, email) in PEOPLE[spec["slug"]].items():
            yield f"{tenant.name_zh} /c/{tenant.slug}/  {role_key:<8} {email} / {DEMO_PASSWORD}"
    from core.offices import demo as offices_demo

    office_account = _user("区民政局 周科长", "district@gongzhi.demo")
    db.session.commit()
    district = offices_demo.load(office_account)
    yield f"district@gongzhi.demo / {DEMO_PASSWORD}  (district office: /o/{district}/)"
    current_app.logger.info("demo data loaded")
