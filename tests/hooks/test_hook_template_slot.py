"""template_slot: HTML in named slots of core templates, only for enabled plugins."""

import pytest
from markupsafe import Markup

from core.plugin_api import current_tenant


@pytest.fixture
def gongzhi_extra_plugins(make_probe, calls):
    def template_slot(slot, context):
        calls.append(slot)
        if slot == "page_top":
            return Markup('<aside id="probe-slot">探针横幅 {}</aside>').format(
                current_tenant().slug
            )
        if slot == "member_row":
            return Markup('<i class="probe-member">#{}</i>').format(context["membership"].id)
        return None

    return {"probe": make_probe(template_slot=template_slot)}


def test_hook_template_slot(app, community, admin_client, enable_plugin, calls):
    assert 'id="probe-slot"' not in admin_client.get("/c/alpha/").get_data(as_text=True)
    assert calls == []

    enable_plugin(community, "probe")
    dashboard = admin_client.get("/c/alpha/").get_data(as_text=True)
    assert '<aside id="probe-slot">探针横幅 alpha</aside>' in dashboard
    assert {"head", "page_top", "dashboard_top", "page_bottom"} <= set(calls)

    members = admin_client.get("/c/alpha/members").get_data(as_text=True)
    assert 'class="probe-member">#' in members  # member_row receives context["membership"]
