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
NAMES = {"yunlong": "云龙区", "east": "东街道", "west": "西街道"}


def make_office(slug, kind, parent=None):
    office = Office(
        slug=slug, kind=kind, name_zh=NAMES[slug], name_en=slug.title(), parent_id=parent
    )
    db.session.add(office)
    db.session.flush()
    return office


@pytest.fixture
def town(app, make_community, make_user, enable_plugin):
    """A district with two streets: east holds alpha and beta, west holds gamma."""
    alpha = make_community("alpha", name_zh="甲社区", name_en="Alpha Community")
    beta = make_community("beta", name_zh="乙社区", name_en="Beta Community")
    gamma = make_community("gamma", name_zh="丙社区", name_en="Gamma Community")
    for c in (alpha, beta, gamma):
        enable_plugin(c, "requests")
    with app.app_context():
        district = make_office("yunlong", "district")
        east = make_office("east", "street", district.id)
        west = make_office("west", "street", district.id)
        db.session.add_all(
            [
                OfficeCommunity(community_id=alpha.id, office_id=east.id),
                OfficeCommunity(community_id=beta.id, office_id=east.id),
                OfficeCommunity(community_id=gamma.id, office_id=west.id),
            ]
        )
        ids = {"district": district.id, "east": east.id, "west": west.id}
        db.session.commit()
    people = {
        "east": make_user("east@office.example", name="East Office"),
        "district": make_user("district@office.example", name="District Office"),
        "resident": make_user("r@alpha.example", alpha, "member"),
        "staff": make_user("s@alpha.example", alpha, "staff"),
    }
    with app.app_context():
        db.session.add(OfficeMember(office_id=ids["east"], user_id=people["east"].id))
        db.session.add(OfficeMember(office_id=ids["district"], user_id=people["district"].id))
        db.session.commit()
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "ids": ids, "people": people}


