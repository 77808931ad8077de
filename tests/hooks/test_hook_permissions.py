"""permissions: declared names with default roles decide who may open a guarded route."""

import pytest

from core.plugin_api import Permission


@pytest.fixture
def gongzhi_extra_plugins(make_probe, make_blueprint):
    return {
        "probe": make_probe(
            register_blueprints=lambda: [make_blueprint()],
            permissions=lambda: [
                Permission(
                    "probe.publish",
                    {"zh_Hans": "发布探针", "en": "Publish probes"},
                    default_roles=("staff",),
                )
            ],
        )
    }


def test_hook_permissions(app, community, enable_plugin, admin_client, staff_client, member_client):
    host = app.extensions["gongzhi.plugins"]
    assert host.permissions["probe.publish"].default_roles == ("staff",)
    assert "probe.access" in host.permissions  # declared for you

    enable_plugin(community, "probe")
    assert staff_client.get("/c/alpha/probe/publish").status_code == 200
    assert admin_client.get("/c/alpha/probe/publish").status_code == 200  # admin has all
    assert member_client.get("/c/alpha/probe/publish").status_code == 403
    assert member_client.get("/c/alpha/probe/").status_code == 200  # probe.access: members
