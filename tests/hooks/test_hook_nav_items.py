"""nav_items: shown in the community menu only when enabled, filtered by permission."""

import pytest

from core.plugin_api import NavItem, Permission, current_tenant


@pytest.fixture
def gongzhi_extra_plugins(make_probe, make_blueprint, calls):
    def nav_items(user):
        calls.append((current_tenant().slug, user.email))
        return [
            NavItem(
                "probe.publish",
                {"zh_Hans": "探针发布", "en": "Publish"},
                order=20,
                permission="probe.publish",
            ),
            NavItem("probe.index", {"zh_Hans": "探针首页", "en": "Probe"}, order=10),
        ]

    return {
        "probe": make_probe(
            register_blueprints=lambda: [make_blueprint()],
            nav_items=nav_items,
            permissions=lambda: [
                Permission("probe.publish", {"zh_Hans": "发布", "en": "Publish"}, ("staff",))
            ],
        )
    }


def menu(client) -> str:
    html = client.get("/c/alpha/").get_data(as_text=True)
    start = html.index('class="community-menu"')
    return html[start : html.index("</nav>", start)]


def test_hook_nav_items(app, community, enable_plugin, member_client, staff_client, calls):
    assert "探针首页" not in menu(member_client)
    assert calls == []  # a disabled plugin's hook is not even called

    enable_plugin(community, "probe")
    member_menu = menu(member_client)
    assert '<a href="/c/alpha/probe/" data-plugin="probe"' in member_menu
    assert "探针首页" in member_menu
    assert "探针发布" not in member_menu  # needs probe.publish
    assert ("alpha", "member@alpha.example") in calls

    staff_menu = menu(staff_client)
    assert staff_menu.index("探针首页") < staff_menu.index("探针发布")  # by order
