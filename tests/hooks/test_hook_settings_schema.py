"""settings_schema: a form at /c/<slug>/settings/modules/<id>/settings, stored per community."""

import pytest

from core.plugin_api import SettingField, plugin_settings

SCHEMA = [
    SettingField("greeting", "str", "你好", {"zh_Hans": "问候语", "en": "Greeting"}),
    SettingField("limit", "int", 5, {"zh_Hans": "上限", "en": "Limit"}, minimum=1, maximum=10),
    SettingField("api_key", "secret", "", {"zh_Hans": "接口密钥", "en": "API key"}),
]


@pytest.fixture
def gongzhi_extra_plugins(make_probe):
    return {"probe": make_probe(settings_schema=lambda: SCHEMA)}


def test_hook_settings_schema(app, community, admin_client, enable_plugin, in_community):
    url = "/c/alpha/settings/modules/probe/settings"
    assert admin_client.get(url).status_code == 404  # only for enabled modules
    enable_plugin(community, "probe")

    settings_page = admin_client.get("/c/alpha/settings").get_data(as_text=True)
    assert url in settings_page  # the module row links to its settings

    form = admin_client.get(url)
    html = form.get_data(as_text=True)
    assert form.status_code == 200
    assert 'name="greeting"' in html and 'value="你好"' in html
    assert 'name="limit"' in html and 'name="api_key"' in html

    bad = admin_client.post(url, data={"greeting": "Hello", "limit": "50", "api_key": ""})
    assert bad.status_code == 422  # outside minimum/maximum

    saved = admin_client.post(url, data={"greeting": "Hello", "limit": "7", "api_key": "sk_1"})
    assert saved.status_code == 302
    with in_community(community):
        assert plugin_settings("probe") == {"greeting": "Hello", "limit": 7, "api_key": "sk_1"}
    assert "sk_1" not in admin_client.get(url).get_data(as_text=True)  # secrets never echo
