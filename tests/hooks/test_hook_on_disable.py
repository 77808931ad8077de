"""on_disable: called once after the disabling commit; the plugin's data is kept."""

import pytest

from core.extensions import db
from tenants.models import PluginActivation


@pytest.fixture
def gongzhi_extra_plugins(make_probe, calls):
    def on_disable(tenant):
        enabled = db.session.execute(
            db.select(PluginActivation.enabled).where(PluginActivation.plugin_id == "probe")
        ).scalar_one()
        calls.append(("on_disable", tenant.slug, enabled, not (db.session.new or db.session.dirty)))

    return {"probe": make_probe(on_disable=on_disable)}


def test_hook_on_disable(app, community, admin_client, enable_plugin, commits):
    url = "/c/alpha/settings/modules/probe"
    admin_client.post(url, data={"enabled": "0"})
    assert "on_disable" not in {c[0] for c in commits if c != "commit"}  # it was never on

    enable_plugin(community, "probe")
    commits.clear()
    assert admin_client.post(url, data={"enabled": "0"}).status_code == 302
    call = commits.index(("on_disable", "alpha", False, True))
    assert "commit" in commits[:call]  # the row already says "off", committed
    admin_client.post(url, data={"enabled": "0"})  # already off: not called again
    assert [c for c in commits if c != "commit"] == [("on_disable", "alpha", False, True)]
