"""public_pages: links on the community's public landing page for visitors."""

import pytest

from core.plugin_api import NavItem


@pytest.fixture
def gongzhi_extra_plugins(make_probe, make_blueprint):
    return {
        "probe": make_probe(
            register_blueprints=lambda: [make_blueprint()],
            public_pages=lambda: [
                NavItem("probe.open_page", {"zh_Hans": "探针公示", "en": "Probe notices"})
            ],
        )
    }


def test_hook_public_pages(app, community, enable_plugin):
    visitor = app.test_client()
    assert "探针公示" not in visitor.get("/c/alpha/").get_data(as_text=True)

    enable_plugin(community, "probe")
    landing = visitor.get("/c/alpha/")
    html = landing.get_data(as_text=True)
    assert landing.status_code == 200
    assert '<a href="/c/alpha/probe/open">探针公示</a>' in html
    assert visitor.get("/c/alpha/probe/open").status_code == 200  # the link works signed out
