"""Fixtures shared by the core tests."""

from __future__ import annotations

import pytest

from core.demo import seed_demo_data
from core.extensions import db
from core.models import User
from tenants.context import community_scope
from tenants.models import Tenant


@pytest.fixture
def filled(app, community, make_user, enable_plugin):
    """Community A with every plugin on and its demo data; returns an admin of it."""
    for plugin_id in app.extensions["gongzhi.plugins"].active_ids:
        enable_plugin(community, plugin_id)
    admin = make_user("fuzz-admin@alpha.example", community, "admin", name="Fuzz Admin")
    people = {
        key: make_user(f"{key}@alpha.example", community, key if key != "member2" else "member")
        for key in ("staff", "member", "member2")
    }
    with app.test_request_context(), community_scope(community.id):
        tenant = db.session.get(Tenant, community.id)
        users = {k: db.session.get(User, u.id) for k, u in people.items()}
        users["admin"] = db.session.get(User, admin.id)
        seed_demo_data(tenant, users)
        db.session.commit()
    return admin


@pytest.fixture
def street_office(app, community, filled):
    """Community A under a street office (in a district), the ``filled`` admin its account,
    with one open matter sent up: the office pages (/o/<slug>/...) have something to show.
    Returns the street's slug."""
    from core.offices.models import Office, OfficeCommunity, OfficeMatter, OfficeMember

    with app.app_context():
        district = Office(slug="fuzz-district", kind="district", name_zh="区", name_en="District")
        db.session.add(district)
        db.session.flush()
        street = Office(slug="fuzz-street", kind="street", name_zh="街道", name_en="Street")
        street.parent_id = district.id
        db.session.add(street)
        db.session.flush()
        db.session.add(OfficeCommunity(community_id=community.id, office_id=street.id))
        db.session.add(OfficeMember(office_id=street.id, user_id=filled.id))
        db.session.commit()
    with app.app_context(), community_scope(community.id):
        db.session.add(OfficeMatter(reference="fuzz:1", title="井盖缺失", detail="三号楼"))
        db.session.commit()
    return "fuzz-street"


@pytest.fixture
def unread_notifications(app, community, filled):
    """Two unread notifications for the ``filled`` admin: the list shows its "mark read"
    forms (with their ``next`` field)."""
    from core.models import Notification

    with app.app_context(), community_scope(community.id):
        for n in range(2):
            db.session.add(
                Notification(user_id=filled.id, kind="core.join_request", title={"en": f"#{n}"})
            )
        db.session.commit()
