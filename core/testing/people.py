"""Communities, people with roles, signed-in clients, switching plugins on."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.testing.services import DEMO_PASSWORD


@pytest.fixture
def make_community(app) -> Callable:
    from core.community.provisioning import create_community

    counter = {"n": 0}

    def make(slug: str | None = None, plugins: list[str] | None = None, **fields):
        counter["n"] += 1
        slug = slug or f"community-{counter['n']}"
        with app.app_context():
            tenant = create_community(
                slug=slug,
                name_zh=fields.pop("name_zh", f"测试社区{counter['n']}"),
                name_en=fields.pop("name_en", f"Test Community {counter['n']}"),
                plugins=plugins or [],
                **fields,
            )
            return _detached(tenant)

    return make


def _detached(obj):
    from core.extensions import db

    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


@pytest.fixture
def make_user(app) -> Callable:
    """``make_user(email, community=None, role="member", extra_roles=(), operator=False)``."""
    from core.extensions import db
    from core.models import User
    from tenants.context import community_scope
    from tenants.models import Membership

    def make(
        email: str,
        community=None,
        role: str = "member",
        extra_roles=(),
        name=None,
        operator: bool = False,
        password: str = DEMO_PASSWORD,
    ):
        with app.app_context():
            user = db.session.execute(
                db.select(User).where(User.email == email)
            ).scalar_one_or_none()
            if user is None:
                user = User(email=email, name=name or email.split("@")[0], is_operator=operator)
                user.set_password(password)
                db.session.add(user)
                db.session.commit()
            if community is not None:
                with community_scope(community.id):
                    db.session.add(
                        Membership(user_id=user.id, role=role, extra_roles=list(extra_roles))
                    )
                    db.session.commit()
            return _detached(user)

    return make


@pytest.fixture
def make_members(app) -> Callable:
    """``make_members(community, count, role="member")`` -> their user ids: ``count``
    people inserted in bulk (10,000 in about a second), to test that a page or a search
    stays bounded in a big community. Named ``<surname><given name><n>`` from a few
    common surnames (so a search for "张" finds many), e-mail
    ``m<n>@<community slug>.example``. Sign in as one with ``login``."""
    from werkzeug.security import generate_password_hash

    from core.extensions import db
    from core.models import User
    from core.services.time import utcnow
    from tenants.context import community_scope
    from tenants.models import Membership

    surnames, given = "王李张刘陈杨黄赵吴周", ("伟", "芳", "娜", "敏", "静", "强", "磊", "洋")
    password_hash = generate_password_hash(DEMO_PASSWORD)  # once: hashing is slow on purpose

    made: dict[str, int] = {}  # people made so far per community: numbers go on

    def make(community, count: int, role: str = "member") -> list[int]:
        now, first = utcnow(), made.get(community.slug, 0)
        made[community.slug] = first + count
        numbers = range(first, first + count)
        users = [
            {
                "email": f"m{n}@{community.slug}.example",
                "name": f"{surnames[n % len(surnames)]}{given[n // len(surnames) % len(given)]}{n}",
                "password_hash": password_hash,
                "is_operator": False,
                "created_at": now,
            }
            for n in numbers
        ]
        with app.app_context():
            ids = list(db.session.execute(db.insert(User).returning(User.id), users).scalars())
            with community_scope(community.id):
                memberships = [
                    {"user_id": user_id, "role": role, "extra_roles": [], "created_at": now}
                    for user_id in ids
                ]
                db.session.execute(
                    db.insert(Membership), [{**m, "tenant_id": community.id} for m in memberships]
                )
            db.session.commit()
        return sorted(ids)

    return make


@pytest.fixture
def login(app) -> Callable:
    """``login(user)`` -> a new test client signed in as ``user``."""

    def sign_in(user, password: str = DEMO_PASSWORD):
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, f"login failed for {user.email}"
        return client

    return sign_in


@pytest.fixture
def community(make_community):
    return make_community("alpha", name_zh="甲社区", name_en="Alpha Community")


@pytest.fixture
def other_community(make_community):
    return make_community("beta", name_zh="乙社区", name_en="Beta Community")


@pytest.fixture
def admin(make_user, community):
    return make_user("admin@alpha.example", community, "admin", name="Alpha Admin")


@pytest.fixture
def staff(make_user, community):
    return make_user("staff@alpha.example", community, "staff", name="Alpha Staff")


@pytest.fixture
def member(make_user, community):
    return make_user("member@alpha.example", community, "member", name="Alpha Member")


@pytest.fixture
def admin_client(login, admin):
    return login(admin)


@pytest.fixture
def staff_client(login, staff):
    return login(staff)


@pytest.fixture
def member_client(login, member):
    return login(member)


@pytest.fixture
def enable_plugin(app) -> Callable:
    """``enable_plugin(community, "notices", per_page=10)``: switch on, set settings,
    run ``on_enable`` after commit, exactly as the settings page does (``secret``
    settings are stored encrypted, as the page stores them)."""
    from core.extensions import db
    from core.plugins.gateway import gateway, run_lifecycle
    from core.plugins.settings import encrypt
    from tenants.context import community_scope
    from tenants.models import PluginActivation

    def enable(tenant, plugin_id: str, **settings):
        with app.test_request_context(), community_scope(tenant.id):
            row = db.session.execute(
                db.select(PluginActivation).where(PluginActivation.plugin_id == plugin_id)
            ).scalar_one_or_none()
            if row is None:
                row = PluginActivation(plugin_id=plugin_id, settings={})
                db.session.add(row)
            row.enabled = True
            secrets = {
                f.key for f in gateway().host.settings_schema(plugin_id) if f.kind == "secret"
            }
            stored = {k: encrypt(v) if k in secrets and v else v for k, v in settings.items()}
            row.settings = {**(row.settings or {}), **stored}
            db.session.commit()
            gateway().forget()
            run_lifecycle(plugin_id, "on_enable", tenant.id)

    return enable


@pytest.fixture
def in_community(app):
    """``with in_community(tenant): ...`` an app context scoped to the community."""
    from contextlib import contextmanager

    from tenants.context import community_scope

    @contextmanager
    def scoped(tenant):
        with app.test_request_context(), community_scope(tenant.id) as scope:
            yield scope

    return scoped
