"""dashboard_widgets: rendered on the dashboard; a raising widget or hook shows
"Module unavailable" in its place and the page is still a 200."""

import pytest
from markupsafe import Markup

from core.plugin_api import Widget, current_tenant


@pytest.fixture
def gongzhi_config(gongzhi_config):
    return {**gongzhi_config, "PLUGINS_STRICT": False}  # strict mode re-raises instead


def broken_render():
    raise RuntimeError("widget exploded")


def broken_hook():
    raise RuntimeError("hook exploded")


@pytest.fixture
def gongzhi_extra_plugins(make_probe):
    return {
        "probe": make_probe(
            dashboard_widgets=lambda user: [
                Widget("broken", {"zh_Hans": "坏小组件", "en": "Broken"}, broken_render, order=2),
                Widget(
                    "ok",
                    {"zh_Hans": "探针统计", "en": "Probe figures"},
                    lambda: Markup('<p id="probe-widget">{} 户</p>').format(
                        current_tenant().households
                    ),
                    order=1,
                ),
            ]
        ),
        "probe2": make_probe("probe2", dashboard_widgets=broken_hook),
    }


def test_hook_dashboard_widgets(app, community, member_client, enable_plugin, caplog):
    assert 'id="probe-widget"' not in member_client.get("/c/alpha/").get_data(as_text=True)
    enable_plugin(community, "probe")
    enable_plugin(community, "probe2")

    page = member_client.get("/c/alpha/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<p id="probe-widget">0 户</p>' in html
    assert html.index("探针统计") < html.index("坏小组件")  # sorted by order
    assert html.count("模块暂不可用") == 2  # the broken widget and the broken hook, each alone
    assert "widget exploded" in caplog.text and "hook exploded" in caplog.text
