"""Fixtures come from ``gongzhi.testing`` (core/testing/__init__.py), the same ones vendors use.

Here only what is specific to this repository: Playwright's Chromium is Debian's.
"""

import pytest

from core.extensions import db
from core.offices.models import Office, OfficeCommunity, OfficeMember
from core.testing import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _push_request_context():
    """Replace pytest-flask's autouse request context: each request gets its own app
    context, as in production, so nothing (``g``, the DB session) leaks between clients."""
    yield


@pytest.fixture
def own_redis():
    """A Redis of the test's own (fault tests stop it; the shared one is never touched)."""
    from core.testing.servers import RedisServer, require_program

    require_program("redis-server")
    with RedisServer() as server:
        yield server


# Street and district offices (tests/core/test_offices*.py and the plugins' office tests).
OFFICES = {"yunlong": "云龙区", "east": "东街道", "west": "西街道"}
COMMUNITIES = {
    "alpha": ("甲社区", "Alpha Community"),
    "beta": ("乙社区", "Beta Community"),
    "gamma": ("丙社区", "Gamma Community"),
}


def make_office(slug, kind, parent=None):
    office = Office(
        slug=slug, kind=kind, name_zh=OFFICES[slug], name_en=f"{slug.title()} Office",
        parent_id=parent,
    )  # fmt: skip
    db.session.add(office)
    db.session.flush()
    return office


@pytest.fixture
def make_town(app, make_community, make_user, enable_plugin):
    """``make_town(plugin, streets={"alpha": "east", ...}, people={"staff": (email,
    "alpha", role[, name]), ...})``: a district (云龙区) with two streets (东街道, 西街道),
    each community under the street given, ``plugin`` switched on in all of them; the
    accounts of the east street ("east") and of the district ("district") and the people
    given. Returns the communities by slug, the offices' ``ids`` ("district", "east",
    "west") and ``people``."""

    def make(plugin: str, streets: dict[str, str], people: dict[str, tuple]) -> dict:
        communities = {}
        for slug in streets:
            name_zh, name_en = COMMUNITIES[slug]
            communities[slug] = make_community(slug, name_zh=name_zh, name_en=name_en)
            enable_plugin(communities[slug], plugin)
        with app.app_context():
            district = make_office("yunlong", "district")
            offices = {
                "district": district,
                "east": make_office("east", "street", district.id),
                "west": make_office("west", "street", district.id),
            }
            db.session.add_all(
                OfficeCommunity(community_id=communities[slug].id, office_id=offices[street].id)
                for slug, street in streets.items()
            )
            ids = {slug: office.id for slug, office in offices.items()}
            db.session.commit()
        accounts = {
            "east": make_user("east@office.example", name="East Office"),
            "district": make_user("district@office.example", name="District Office"),
        }
        for key, (email, community, role, *name) in people.items():
            accounts[key] = make_user(email, communities[community], role, name=(name or [None])[0])
        with app.app_context():
            db.session.add(OfficeMember(office_id=ids["east"], user_id=accounts["east"].id))
            db.session.add(OfficeMember(office_id=ids["district"], user_id=accounts["district"].id))
            db.session.commit()
        return {**communities, "ids": ids, "people": accounts}

    return make


@pytest.fixture
def town(make_town):
    """A district with two streets: east holds alpha and beta, west holds gamma."""
    return make_town(
        "requests",
        streets={"alpha": "east", "beta": "east", "gamma": "west"},
        people={
            "resident": ("r@alpha.example", "alpha", "member"),
            "staff": ("s@alpha.example", "alpha", "staff"),
        },
    )
