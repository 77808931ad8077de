"""search: results from enabled plugins on /c/<slug>/search?q=, only what the user may see."""

import pytest

from core.plugin_api import SearchResult, current_tenant


@pytest.fixture
def gongzhi_extra_plugins(make_probe, calls):
    def search(user, query, limit):
        tenant = current_tenant()
        calls.append((tenant.slug, user.email, query, limit))
        if user.email.startswith("staff"):
            return []  # the plugin decides what each user may see
        return [SearchResult(f"探针结果：{query}", f"/c/{tenant.slug}/probe/", "片段文字")]

    return {"probe": make_probe(search=search)}


def test_hook_search(app, community, member_client, staff_client, enable_plugin, calls):
    assert "探针结果" not in member_client.get("/c/alpha/search?q=电梯").get_data(as_text=True)
    assert calls == []

    enable_plugin(community, "probe")
    html = member_client.get("/c/alpha/search?q=电梯").get_data(as_text=True)
    assert "探针结果：电梯" in html and 'href="/c/alpha/probe/"' in html
    assert calls == [("alpha", "member@alpha.example", "电梯", 20)]

    fragment = member_client.get("/c/alpha/search?q=电梯", headers={"HX-Request": "true"})
    assert "探针结果：电梯" in fragment.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)  # htmx gets the results only

    assert "探针结果" not in staff_client.get("/c/alpha/search?q=电梯").get_data(as_text=True)
