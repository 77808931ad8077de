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
