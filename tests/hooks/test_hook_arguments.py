"""Per-community display hooks receive the community as ``tenant``, as documented."""

import pytest
from markupsafe import Markup

from core.plugin_api import NavItem, SearchResult, Widget


@pytest.fixture
def gongzhi_extra_plugins(make_probe, make_blueprint, calls):
    def seen(hook):
        def record(tenant):
            calls.append((hook, getattr(tenant, "slug", None)))

        return record

    def nav_items(tenant):
        seen("nav_items")(tenant)
        return [NavItem("probe.index", {"zh_Hans": "探针", "en": "Probe"})]

    def dashboard_widgets(tenant):
        seen("dashboard_widgets")(tenant)
        return [Widget("w", {"zh_Hans": "探针", "en": "Probe"}, lambda: Markup("<p>w</p>"))]

    def template_slot(slot, tenant):
        if slot == "page_top":
            seen("template_slot")(tenant)

    def search(tenant):
        seen("search")(tenant)
        return [SearchResult("r", "/")]

    def export_data(tenant):
        seen("export_data")(tenant)
        return []

    def public_pages(tenant):
        seen("public_pages")(tenant)
        return []

    return {
        "probe": make_probe(
            register_blueprints=lambda: [make_blueprint()],
            nav_items=nav_items,
            dashboard_widgets=dashboard_widgets,
            template_slot=template_slot,
            search=search,
            export_data=export_data,
            public_pages=public_pages,
        )
    }


def test_display_hooks_receive_the_community(app, community, admin_client, enable_plugin, calls):
    enable_plugin(community, "probe")
    admin_client.get("/c/alpha/")
    admin_client.get("/c/alpha/search?q=x")
    admin_client.get("/c/alpha/export.zip")
    app.test_client().get("/c/alpha/")
    assert sorted(set(calls)) == [
        ("dashboard_widgets", "alpha"),
        ("export_data", "alpha"),
        ("nav_items", "alpha"),
        ("public_pages", "alpha"),
        ("search", "alpha"),
        ("template_slot", "alpha"),
    ]
