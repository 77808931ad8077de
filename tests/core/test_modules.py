"""Turning modules on and off per community; fault isolation of display hooks."""

import types

import pytest
from flask import render_template_string

from core.extensions import db
from core.models import AuditEntry
from core.plugin_api import NavItem, PluginMeta, SettingField, Widget, hookimpl
from plugins.notices.models import Notice
from tenants.context import tenant_scope


def _probe_plugin(plugin_id="probe", widget_raises=False, nav_raises=False):
    """A plugin object that records which hooks were called."""
    calls: list[str] = []
    module = types.ModuleType(f"probe_plugin_{plugin_id}")
    module.meta = PluginMeta(
        id=plugin_id,
        version="0.1",
        label={"zh_Hans": "探针", "en": "Probe"},
        description={"zh_Hans": "测试", "en": "Test"},
    )
    module.calls = calls

    @hookimpl
    def nav_items():
        calls.append("nav_items")
        if nav_raises:
            raise RuntimeError("nav exploded")
        return [NavItem("community.search", {"zh_Hans": "探针菜单", "en": "Probe menu"})]

    @hookimpl
    def dashboard_widgets():
        calls.append("dashboard_widgets")

        def render():
            if widget_raises:
                raise RuntimeError("widget exploded")
            return render_template_string("<p>probe widget ok</p>")

        return [Widget("w", {"zh_Hans": "探针", "en": "Probe"}, render)]

    @hookimpl
    def on_enable(tenant):
        calls.append(f"on_enable:{tenant.slug}")

    @hookimpl
    def on_disable(tenant):
        calls.append(f"on_disable:{tenant.slug}")

    @hookimpl
    def settings_schema():
        return [
            SettingField("greeting", "str", "你好", {"zh_Hans": "问候语", "en": "Greeting"}),
            SettingField("api_key", "secret", "", {"zh_Hans": "接口密钥", "en": "API key"}),
        ]

    for fn in (nav_items, dashboard_widgets, on_enable, on_disable, settings_schema):
        setattr(module, fn.__name__, fn)
    return module


@pytest.fixture
def probe():
    return _probe_plugin()


@pytest.fixture
def gongzhi_extra_plugins(request):
    marker = request.node.get_closest_marker("probe")
    kwargs = marker.kwargs if marker else {}
    return {"probe": _probe_plugin(**kwargs)}


def _probe(app):
    return app.extensions["gongzhi.plugins"].get("probe").module


def test_settings_lists_every_installed_plugin_with_its_description(admin_client):
    page = admin_client.get("/c/alpha/settings").get_data(as_text=True)
    assert "公告栏" in page and "发布社区公告" in page
    assert "探针" in page


def test_toggle_on_runs_on_enable_after_commit_and_shows_the_menu_entry(app, admin_client):
    assert "探针菜单" not in admin_client.get("/c/alpha/").get_data(as_text=True)
    assert "nav_items" not in _probe(app).calls  # disabled: its hooks are not called
    response = admin_client.post(
        "/c/alpha/settings/modules/probe", data={"enabled": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'id="module-probe"' in response.get_data(as_text=True)  # the row fragment
    assert "on_enable:alpha" in _probe(app).calls
    dashboard = admin_client.get("/c/alpha/").get_data(as_text=True)
    assert "探针菜单" in dashboard
    assert "<p>probe widget ok</p>" in dashboard  # the widget's HTML, not escaped text


def test_a_disabled_plugin_404s_hides_its_entries_and_keeps_its_data(
    app, community, admin_client, enable_plugin
):
    enable_plugin(community, "notices")
    with app.app_context(), tenant_scope(community.id):
        db.session.add(Notice(title="停水通知", body="周六停水"))
        db.session.commit()
    assert "停水通知" in admin_client.get("/c/alpha/notices/").get_data(as_text=True)

    admin_client.post("/c/alpha/settings/modules/notices", data={"enabled": "0"})
    assert admin_client.get("/c/alpha/notices/").status_code == 404
    assert admin_client.get("/c/alpha/notices/public").status_code == 404
    dashboard = admin_client.get("/c/alpha/").get_data(as_text=True)
    assert "停水通知" not in dashboard and 'data-plugin="notices"' not in dashboard

    admin_client.post("/c/alpha/settings/modules/notices", data={"enabled": "1"})
    assert "停水通知" in admin_client.get("/c/alpha/notices/").get_data(as_text=True)


def test_switching_is_recorded_in_the_audit_log(app, community, admin_client):
    admin_client.post("/c/alpha/settings/modules/probe", data={"enabled": "1"})
    admin_client.post("/c/alpha/settings/modules/probe", data={"enabled": "0"})
    with app.app_context(), tenant_scope(community.id):
        actions = [
            (e.action, e.target, e.actor.email)
            for e in db.session.execute(db.select(AuditEntry).order_by(AuditEntry.id)).scalars()
        ]
    assert actions == [
        ("plugin.enabled", "probe", "admin@alpha.example"),
        ("plugin.disabled", "probe", "admin@alpha.example"),
    ]
    assert "on_disable:alpha" in _probe(app).calls
    page = admin_client.get("/c/alpha/audit").get_data(as_text=True)
    assert "plugin.disabled" in page
    # Off again: none of its hooks is called any more.
    _probe(app).calls.clear()
    admin_client.get("/c/alpha/")
    assert _probe(app).calls == []


def test_only_admins_may_switch_modules(member_client, staff_client):
    for client in (member_client, staff_client):
        assert client.get("/c/alpha/settings").status_code == 403
        assert (
            client.post("/c/alpha/settings/modules/probe", data={"enabled": "1"}).status_code == 403
        )


def test_enabling_one_community_does_not_enable_another(
    app, community, other_community, make_user, login, enable_plugin
):
    enable_plugin(community, "probe")
    b_admin = make_user("admin@beta.example", other_community, "admin")
    page = login(b_admin).get("/c/beta/").get_data(as_text=True)
    assert "探针菜单" not in page


@pytest.mark.probe(widget_raises=True)
def test_a_widget_that_raises_shows_module_unavailable_and_the_page_is_200(
    app, community, admin_client, enable_plugin
):
    app.extensions["gongzhi.plugins"].strict = False
    enable_plugin(community, "probe")
    enable_plugin(community, "notices")
    response = admin_client.get("/c/alpha/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "模块暂不可用" in page
    assert "最新公告" in page  # the other plugin's widget still renders


@pytest.mark.probe(nav_raises=True)
def test_a_nav_hook_that_raises_leaves_the_rest_of_the_menu(
    app, community, admin_client, enable_plugin
):
    app.extensions["gongzhi.plugins"].strict = False
    enable_plugin(community, "probe")
    enable_plugin(community, "notices")
    response = admin_client.get("/c/alpha/")
    assert response.status_code == 200
    assert "公告栏" in response.get_data(as_text=True)


@pytest.mark.probe(widget_raises=True)
def test_strict_mode_surfaces_a_raising_widget(app, community, admin_client, enable_plugin):
    enable_plugin(community, "probe")
    with pytest.raises(RuntimeError, match="widget exploded"):
        admin_client.get("/c/alpha/")


def test_plugin_settings_form_validates_and_keeps_typed_values(
    app, community, admin_client, enable_plugin
):
    enable_plugin(community, "notices")
    url = "/c/alpha/settings/modules/notices/settings"
    assert "每页条数" in admin_client.get(url).get_data(as_text=True)
    bad = admin_client.post(url, data={"per_page": "500", "widget_count": "3"})
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert 'value="500"' in body and "5" in body
    good = admin_client.post(url, data={"per_page": "10", "widget_count": "2"})
    assert good.status_code == 302
    from core.plugins.gateway import plugin_settings
    from tenants.models import Tenant

    with app.test_request_context():
        tenant = db.session.get(Tenant, community.id)
        settings = plugin_settings("notices", tenant)
    assert settings["per_page"] == 10 and settings["public_board"] is False


def test_plugin_settings_404_for_a_disabled_plugin(admin_client):
    assert admin_client.get("/c/alpha/settings/modules/notices/settings").status_code == 404


def test_unknown_plugin_toggle_is_404(admin_client):
    assert (
        admin_client.post("/c/alpha/settings/modules/nope", data={"enabled": "1"}).status_code
        == 404
    )


def test_secret_settings_are_encrypted_and_never_shown_again(
    app, community, admin_client, enable_plugin
):
    from core.plugins.gateway import plugin_settings
    from tenants.models import PluginActivation, Tenant

    enable_plugin(community, "probe")
    url = "/c/alpha/settings/modules/probe/settings"
    admin_client.post(url, data={"greeting": "早上好", "api_key": "sk_live_SECRET42"})
    page = admin_client.get(url).get_data(as_text=True)
    assert 'value="早上好"' in page and "sk_live_SECRET42" not in page
    with app.test_request_context(), tenant_scope(community.id):
        stored = db.session.execute(db.select(PluginActivation.settings)).scalar_one()
        assert "SECRET42" not in str(stored) and stored["api_key"].startswith("enc:")
        assert plugin_settings("probe", db.session.get(Tenant, community.id))["api_key"] == (
            "sk_live_SECRET42"
        )
    admin_client.post(url, data={"greeting": "晚上好", "api_key": ""})  # blank keeps it
    with app.test_request_context(), tenant_scope(community.id):
        values = plugin_settings("probe", db.session.get(Tenant, community.id))
    assert values == {"greeting": "晚上好", "api_key": "sk_live_SECRET42"}
