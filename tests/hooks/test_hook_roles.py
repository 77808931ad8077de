"""roles: plugin roles appear on the member roles page and grant the permissions naming them."""

import pytest

from core.extensions import db
from core.plugin_api import Permission, Role
from tenants.models import Membership


@pytest.fixture
def gongzhi_extra_plugins(make_probe, make_blueprint):
    return {
        "probe": make_probe(
            register_blueprints=lambda: [make_blueprint()],
            roles=lambda: [
                Role("probe.coordinator", {"zh_Hans": "探针协调员", "en": "Coordinator"})
            ],
            permissions=lambda: [
                Permission(
                    "probe.coordinate",
                    {"zh_Hans": "协调", "en": "Coordinate"},
                    default_roles=("probe.coordinator",),
                )
            ],
        )
    }


def test_hook_roles(
    app, community, admin_client, member, member_client, enable_plugin, in_community
):
    with in_community(community):
        membership_id = db.session.execute(
            db.select(Membership.id).where(Membership.user_id == member.id)
        ).scalar_one()
    url = f"/c/alpha/members/{membership_id}"
    assert "探针协调员" not in admin_client.get(url).get_data(as_text=True)  # not enabled

    enable_plugin(community, "probe")
    assert "探针协调员" in admin_client.get(url).get_data(as_text=True)
    assert member_client.get("/c/alpha/probe/coordinate").status_code == 403

    saved = admin_client.post(url, data={"role": "member", "extra_roles": ["probe.coordinator"]})
    assert saved.status_code == 302
    assert member_client.get("/c/alpha/probe/coordinate").status_code == 200
    assert "探针协调员" in admin_client.get("/c/alpha/members").get_data(as_text=True)
