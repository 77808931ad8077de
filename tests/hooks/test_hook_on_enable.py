"""on_enable: called once after the enabling commit, in the community's scope; also for
plugins enabled when a community is created, and again after a disable."""

import pytest

from core.extensions import db
from core.plugin_api import current_tenant_id
from tenants.models import PluginActivation


def switched_on() -> bool:
    return db.session.execute(
        db.select(PluginActivation.enabled).where(PluginActivation.plugin_id == "probe")
    ).scalar_one()


@pytest.fixture
def gongzhi_extra_plugins(make_probe, calls):
    def on_enable(tenant):
        clean = not (db.session.new or db.session.dirty)  # nothing left uncommitted
        calls.append(
            ("on_enable", tenant.slug, current_tenant_id() == tenant.id, switched_on(), clean)
        )

    return {"probe": make_probe(on_enable=on_enable)}


def hook_calls(calls):
    return [c for c in calls if c != "commit"]


def test_hook_on_enable(app, community, admin_client, make_community, commits):
    url = "/c/alpha/settings/modules/probe"
    commits.clear()
    assert admin_client.post(url, data={"enabled": "1"}).status_code == 302
    first = commits.index(("on_enable", "alpha", True, True, True))
    assert "commit" in commits[:first]  # the switch was committed before the call

    admin_client.post(url, data={"enabled": "1"})  # already on: not called again
    assert len(hook_calls(commits)) == 1
    admin_client.post(url, data={"enabled": "0"})
    admin_client.post(url, data={"enabled": "1"})  # on again: called again
    assert len(hook_calls(commits)) == 2

    make_community("gamma", plugins=["probe"])  # enabled when the community is created
    assert hook_calls(commits)[-1] == ("on_enable", "gamma", True, True, True)
