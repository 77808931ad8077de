"""permission_decision: a plugin can deny or allow; None leaves it to the roles; a raising
decision denies (fails closed); a disabled plugin has no say."""

import pytest


@pytest.fixture
def gongzhi_extra_plugins(make_probe, calls):
    def decide(user, permission):
        calls.append(permission)
        if permission == "core.members" and user.email.startswith("admin"):
            return False  # e.g. an auditor-only rule
        if permission == "core.export" and user.email.startswith("member"):
            return True
        return None

    def explode(permission):
        if permission == "core.audit":
            raise RuntimeError("decision failed")

    return {
        "probe": make_probe(permission_decision=decide),
        "probe2": make_probe("probe2", permission_decision=explode),
    }


def test_hook_permission_decision(
    app, community, admin_client, member_client, enable_plugin, calls
):
    assert admin_client.get("/c/alpha/members").status_code == 200
    assert member_client.get("/c/alpha/export.zip").status_code == 403
    assert admin_client.get("/c/alpha/audit").status_code == 200
    assert calls == []  # not enabled: never asked

    enable_plugin(community, "probe")
    assert admin_client.get("/c/alpha/members").status_code == 403  # denied by the plugin
    assert member_client.get("/c/alpha/export.zip").status_code == 200  # allowed by it
    assert admin_client.get("/c/alpha/settings").status_code == 200  # no opinion: roles
    assert "core.settings" in calls

    enable_plugin(community, "probe2")
    assert admin_client.get("/c/alpha/audit").status_code == 403  # raised: fail closed
