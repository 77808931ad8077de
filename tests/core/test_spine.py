"""The platform spine: one community carrier, one plugin gateway, checked permissions.

* ``plugin_api`` answers the same in a request, in ``flask events retry``, in an
  ``on_enable`` started from the operator console and in ``demo_data``;
* the full export names a module it could not export, in the archive and on screen;
* an undeclared permission name fails the plugin's load, with the name in the reason;
* among ``permission_decision`` answers a deny wins whatever the plugin order;
* a plugin whose ``cli_commands`` hook raises does not stop the app or other commands.
"""

from __future__ import annotations

import io
import types
import zipfile

import pytest
from flask import Blueprint

from core.community.events import emit
from core.community.permissions import (
    UndeclaredPermission,
    check_permission_names,
    has_permission,
    permission_names_in,
)
from core.extensions import db
from core.plugin_api import (
    ExportTable,
    Permission,
    PluginMeta,
    SettingField,
    TenantScopeError,
    commit,
    community_scope,
    current_tenant,
    hookimpl,
    plugin_settings,
)
from core.testing import count_statements


def _plugin(plugin_id: str = "witness", **hooks) -> types.ModuleType:
    module = types.ModuleType(f"{plugin_id}_plugin")
    module.meta = PluginMeta(
        id=plugin_id,
        version="1.0",
        label={"zh_Hans": f"{plugin_id}模块", "en": f"{plugin_id} module"},
        description={"zh_Hans": "测试", "en": "Test"},
    )
    for name, fn in hooks.items():
        setattr(module, name, hookimpl(fn))
    return module


# ----- one carrier: the four contexts --------------------------------------------------
SEEN: list[tuple[str, str, str]] = []


def _witness(where: str) -> None:
    """What a plugin sees through plugin_api, wherever it is called from."""
    SEEN.append((where, current_tenant().slug, plugin_settings("witness")["greeting"]))


def _witness_plugin() -> types.ModuleType:
    state = {"fail": True}
    bp = Blueprint("witness", __name__)

    @bp.route("/")
    def index():
        _witness("request")
        return "ok"

    def on_event(event):
        if event.name == "witness.ping":
            if state["fail"]:  # first delivery fails: the retry comes from the CLI
                state["fail"] = False
                raise RuntimeError("down for now")
            _witness("events retry")

    return _plugin(
        settings_schema=lambda: [
            SettingField("greeting", "str", "default", {"zh_Hans": "问候", "en": "Greeting"})
        ],
        register_blueprints=lambda: [bp],
        on_event=on_event,
        on_enable=lambda: _witness("on_enable"),
        demo_data=lambda tenant: _witness("demo_data"),
    )


@pytest.fixture
def gongzhi_extra_plugins(request):
    if request.node.get_closest_marker("probe"):
        return request.node.get_closest_marker("probe").kwargs["plugins"]()
    return {"witness": _witness_plugin()}


@pytest.fixture
def gongzhi_config(gongzhi_config):
    return {**gongzhi_config, "EVENTS_TOLERATE_FAILURES": True}


@pytest.fixture(autouse=True)
def _fresh_witness():
    SEEN.clear()


def test_plugin_api_in_a_request(app, community, enable_plugin, member_client):
    enable_plugin(community, "witness", greeting="你好")
    assert member_client.get("/c/alpha/witness/").status_code == 200
    assert ("request", "alpha", "你好") in SEEN


def test_plugin_api_in_flask_events_retry(app, community, enable_plugin):
    enable_plugin(community, "witness", greeting="你好")
    with app.test_request_context(), community_scope(community.id):
        emit("witness.ping")
        commit()  # delivered inline: the handler fails, the failure is kept
    assert [s for s in SEEN if s[0] == "events retry"] == []
    result = app.test_cli_runner().invoke(args=["events", "retry"])
    assert "retried 1, still failing 0" in result.output, result.output
    # Outside any request: the community's own setting, not the schema default.
    assert [s for s in SEEN if s[0] == "events retry"] == [("events retry", "alpha", "你好")]


def test_plugin_api_in_on_enable_from_the_operator_console(app, make_user, login):
    app.config["DEFAULT_PLUGINS"] = ["witness"]
    operator = make_user("op@example.org", operator=True)
    response = login(operator).post(
        "/operator/communities/new",
        data={
            "slug": "newtown",
            "name_zh": "新镇社区",
            "name_en": "Newtown",
            "kind": "urban",
            "households": "100",
            "timezone": "Asia/Shanghai",
            "default_locale": "zh_Hans",
            "admin_email": "chief@newtown.example",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert SEEN == [("on_enable", "newtown", "default")]


def test_plugin_api_in_demo_data(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert [s for s in SEEN if s[0] == "demo_data"] == [
        ("demo_data", "heyunlu", "default"),
        ("demo_data", "wangcang-dongcheng", "default"),
    ]


def test_outside_any_community_plugin_api_says_so(app):
    with app.app_context():
        with pytest.raises(TenantScopeError):
            current_tenant()
        with pytest.raises(TenantScopeError):
            plugin_settings("witness")  # never a silent default for the wrong community


def test_settings_are_read_once_per_request(app, community, enable_plugin, member_client):
    """However often a page asks for settings and the enabled set, one query answers."""
    enable_plugin(community, "witness", greeting="你好")
    with count_statements(app) as statements:
        member_client.get("/c/alpha/witness/")
    assert len([s for s in statements if "FROM tenant_plugins" in s]) == 1


# ----- one gateway: the export names what it could not export --------------------------
def _exports_plugins():
    def fine():
        return [ExportTable("rows", ["a"], [[1]])]

    def broken():
        raise RuntimeError("export broke")

    return {"aaa": _plugin("aaa", export_data=fine), "bbb": _plugin("bbb", export_data=broken)}


@pytest.mark.probe(plugins=_exports_plugins)
def test_the_full_export_names_a_module_it_could_not_export(
    app, community, enable_plugin, admin_client, caplog
):
    app.extensions["gongzhi.plugins"].strict = False  # production: isolate, do not raise
    enable_plugin(community, "aaa")
    enable_plugin(community, "bbb")

    page = admin_client.get("/c/alpha/export")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-testid="not-exported"' in html and "bbb模块" in html

    response = admin_client.get("/c/alpha/export.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert "aaa/rows.csv" in archive.namelist()
    note = archive.read("NOT-EXPORTED.txt").decode()
    assert "bbb" in note and "aaa" not in note
    assert response.headers["X-Gongzhi-Not-Exported"] == "bbb"
    assert any(r.exc_info and "export broke" in str(r.exc_info[1]) for r in caplog.records)


@pytest.mark.probe(plugins=_exports_plugins)
def test_the_full_export_names_a_switched_on_module_that_is_no_longer_active(
    app, community, enable_plugin, admin_client
):
    """A module the community has on whose plugin now fails to load (or is incompatible
    after an upgrade) keeps its tables, but nothing of it can be exported: say so."""
    plugin_host = app.extensions["gongzhi.plugins"]
    plugin_host.strict = False
    enable_plugin(community, "aaa")
    enable_plugin(community, "bbb")
    plugin_host.mark_failed("bbb", "broke at start-up")

    html = admin_client.get("/c/alpha/export").get_data(as_text=True)
    assert 'data-testid="not-exported"' in html and "bbb模块" in html

    response = admin_client.get("/c/alpha/export.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert "aaa/rows.csv" in archive.namelist()
    assert "bbb" in archive.read("NOT-EXPORTED.txt").decode()
    assert response.headers["X-Gongzhi-Not-Exported"] == "bbb"


# ----- checked permissions ---------------------------------------------------------------
def _typo_plugins():
    from core.plugin_api import requires

    bp = Blueprint("typo", __name__)

    @bp.route("/")
    @requires("typo.mange")  # declared is "typo.manage"
    def index():
        return "ok"

    return {
        "typo": _plugin(
            "typo",
            register_blueprints=lambda: [bp],
            permissions=lambda: [Permission("typo.manage", {"zh_Hans": "管", "en": "Manage"})],
        )
    }


def test_an_undeclared_permission_fails_the_plugins_load(app, gongzhi_config):
    from core import create_app
    from core.community.provisioning import create_community
    from core.plugins.host import PluginLoadError

    with pytest.raises(PluginLoadError, match="typo.mange"):  # strict (tests, CI): at once
        create_app(dict(gongzhi_config), plugins=[], extra_plugins=_typo_plugins())
    lenient = create_app(
        {**gongzhi_config, "PLUGINS_STRICT": False}, plugins=[], extra_plugins=_typo_plugins()
    )
    record = lenient.extensions["gongzhi.plugins"].get("typo")
    assert record.status == "failed" and "typo.mange" in record.error
    with lenient.app_context():
        create_community(slug="typos", name_zh="错", name_en="Typos", plugins=["typo"])
    assert lenient.test_client().get("/c/typos/typo/").status_code == 404  # none of it runs


def test_names_in_code_and_templates_are_found(tmp_path):
    (tmp_path / "views.py").write_text('x = requires("vendor.publish")\n')
    (tmp_path / "page.html").write_text("{% if has_permission('vendor.review') %}{% endif %}\n")
    (tmp_path / "widgets.py").write_text('Widget(id="w", permission="vendor.see")\n')
    names = sorted(name for name, _where in permission_names_in(tmp_path))
    assert names == ["vendor.publish", "vendor.review", "vendor.see"]


def test_core_using_an_undeclared_name_stops_the_start(app, tmp_path):
    (tmp_path / "page.html").write_text("{% if has_permission('core.membres') %}{% endif %}\n")
    with pytest.raises(UndeclaredPermission, match="core.membres"):
        check_permission_names(app, [tmp_path])


def test_an_undeclared_name_raises_when_checked(app, community, member):
    with (
        app.test_request_context(),
        community_scope(community.id),
        pytest.raises(UndeclaredPermission, match="core.nope"),
    ):
        has_permission("core.nope", user=member)


def _deciders(allow_id: str, deny_id: str):
    def plugins():
        return {
            allow_id: _plugin(allow_id, permission_decision=lambda permission: True),
            deny_id: _plugin(
                deny_id,
                permission_decision=lambda permission: (
                    False if permission == "core.export" else None
                ),
            ),
        }

    return plugins


@pytest.mark.parametrize("allow_id, deny_id", [("aallow", "zdeny"), ("zallow", "adeny")])
def test_a_deny_wins_whatever_the_plugin_order(app, gongzhi_config, allow_id, deny_id):
    from core import create_app

    # ``app`` made the schema and empties it afterwards; this app has only the two deciders.
    two = create_app(dict(gongzhi_config), plugins=[], extra_plugins=_deciders(allow_id, deny_id)())
    with two.app_context():
        from core.community.provisioning import create_community
        from core.models import User
        from tenants.models import Membership

        tenant = create_community(
            slug="order", name_zh="顺序", name_en="Order", plugins=[allow_id, deny_id]
        )
        user = User(email="m@order.example", name="M")
        user.set_password("a long enough password")
        db.session.add(user)
        db.session.commit()
        with community_scope(tenant):
            db.session.add(Membership(user_id=user.id, role="admin"))
            db.session.commit()
        with two.test_request_context(), community_scope(tenant.id):
            assert has_permission("core.export", user=user) is False  # the deny wins
            assert has_permission("core.audit", user=user) is True  # the allow stands


# ----- plugin CLI commands are isolated -------------------------------------------------
def test_a_failing_cli_hook_does_not_stop_the_app(gongzhi_config):
    import click

    from core import create_app

    @click.command("fine-cmd")
    def fine_cmd():
        click.echo("fine")

    def broken():
        raise RuntimeError("no commands today")

    plugins = {
        "brokencli": _plugin("brokencli", cli_commands=broken),
        "finecli": _plugin("finecli", cli_commands=lambda: [fine_cmd]),
    }
    with pytest.raises(RuntimeError, match="no commands today"):  # strict: at once
        create_app(dict(gongzhi_config), plugins=[], extra_plugins=plugins)
    lenient = create_app(
        {**gongzhi_config, "PLUGINS_STRICT": False}, plugins=[], extra_plugins=plugins
    )
    runner = lenient.test_cli_runner()
    assert runner.invoke(args=["fine-cmd"]).output == "fine\n"
    listing = runner.invoke(args=["plugins", "list"]).output
    assert "brokencli" in listing and "finecli" in listing


def test_start_up_failures_are_logged_with_their_traceback(gongzhi_config, caplog):
    """A failing blueprint (and an import failure) is kept with its reason for the
    operator and logged with the whole traceback for whoever fixes it."""
    from core import create_app

    def broken_blueprints():
        raise RuntimeError("blueprint exploded")

    lenient = create_app(
        {**gongzhi_config, "PLUGINS_STRICT": False},
        plugins=[],
        extra_plugins={"shaky": _plugin("shaky", register_blueprints=broken_blueprints)},
    )
    record = lenient.extensions["gongzhi.plugins"].get("shaky")
    assert record.status == "failed" and "blueprint exploded" in record.error
    logged = [r for r in caplog.records if r.name == "gongzhi.plugins" and r.exc_info]
    assert logged and "blueprint exploded" in str(logged[-1].exc_info[1])
