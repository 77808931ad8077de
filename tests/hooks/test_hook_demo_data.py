"""demo_data: called by ``flask demo`` for each new demo community, in its scope."""

import pytest

from core.plugin_api import current_tenant_id


@pytest.fixture
def gongzhi_extra_plugins(make_probe, calls):
    def demo_data(tenant, users):
        calls.append((tenant.slug, sorted(users), current_tenant_id() == tenant.id))

    return {"probe": make_probe(demo_data=demo_data)}


def test_hook_demo_data(app, calls):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    roles = ["admin", "member", "member2", "staff"]
    assert calls == [("heyunlu", roles, True), ("wangcang-dongcheng", roles, True)]

    runner.invoke(args=["demo"])  # idempotent: existing communities are not seeded again
    assert len(calls) == 2
