"""The plugin host: discovery by entry point, failure isolation, API ranges, the CLI list."""

import importlib
import sys
import textwrap

import pytest

from core import create_app
from core.plugins.host import PluginLoadError


@pytest.fixture
def installed_package(tmp_path, monkeypatch):
    """Install a tiny plugin distribution on sys.path the way pip would (dist-info)."""

    def install(dist: str, plugin_id: str, source: str) -> None:
        module = f"{dist}_mod"
        (tmp_path / f"{module}.py").write_text(textwrap.dedent(source))
        info = tmp_path / f"{dist}-0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
        (info / "entry_points.txt").write_text(f"[gongzhi.plugins]\n{plugin_id} = {module}\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        importlib.invalidate_caches()

    yield install
    for name in [m for m in sys.modules if m.endswith("_mod") and m.startswith("gz")]:
        sys.modules.pop(name)


GOOD = """
from core.plugin_api import PluginMeta, hookimpl, NavItem
meta = PluginMeta(id="{id}", version="0.1", label={{"zh_Hans": "好", "en": "Good"}},
                  description={{"zh_Hans": "", "en": ""}}, api="{api}")
"""


def _config(gongzhi_config, strict=False):
    return {**gongzhi_config, "PLUGINS_STRICT": strict}


def test_a_plugin_that_fails_to_import_is_listed_as_failed_and_the_app_starts(
    installed_package, gongzhi_config, caplog
):
    installed_package("gzbroken", "broken", "raise ImportError('missing dependency: foo')\n")
    app = create_app(_config(gongzhi_config), plugins=["broken", "notices"])
    record = app.extensions["gongzhi.plugins"].get("broken")
    assert record.status == "failed"
    assert "missing dependency: foo" in record.error
    # Logged with the whole traceback, which leads to the line of the plugin that failed.
    logged = [r for r in caplog.records if r.name == "gongzhi.plugins" and r.exc_info]
    assert logged and "missing dependency: foo" in str(logged[-1].exc_info[1])
    assert "gzbroken_mod.py" in caplog.text
    assert app.extensions["gongzhi.plugins"].get("notices").active
    assert app.test_client().get("/login").status_code == 200


def test_strict_mode_reraises_a_failed_import(installed_package, gongzhi_config):
    installed_package("gzbroken2", "broken2", "raise RuntimeError('boom')\n")
    with pytest.raises(PluginLoadError, match="boom"):
        create_app(_config(gongzhi_config, strict=True), plugins=["broken2"])


def test_a_plugin_outside_the_api_range_is_incompatible_not_a_crash(
    installed_package, gongzhi_config
):
    installed_package("gzfuture", "future", GOOD.format(id="future", api=">=2.0,<3"))
    app = create_app(_config(gongzhi_config), plugins=["future"])
    record = app.extensions["gongzhi.plugins"].get("future")
    assert record.status == "incompatible"
    assert "needs plugin API >=2.0,<3" in record.error
    assert (record.version, record.api) == ("0.1", ">=2.0,<3")  # shown to the operator


def test_a_compatible_third_party_plugin_is_active(installed_package, gongzhi_config):
    installed_package("gzgood", "good", GOOD.format(id="good", api=">=1.0,<2"))
    app = create_app(_config(gongzhi_config, strict=True), plugins=["good"])
    assert app.extensions["gongzhi.plugins"].get("good").active


def test_meta_id_must_match_the_entry_point(installed_package, gongzhi_config):
    installed_package("gzwrong", "wrongname", GOOD.format(id="other", api=">=1.0"))
    app = create_app(_config(gongzhi_config), plugins=["wrongname"])
    assert "meta.id" in app.extensions["gongzhi.plugins"].get("wrongname").error


def test_flask_plugins_list_shows_version_range_status_and_reason(
    installed_package, gongzhi_config
):
    installed_package("gzbroken3", "broken3", "import does_not_exist_anywhere\n")
    app = create_app(_config(gongzhi_config), plugins=["broken3", "notices"])
    result = app.test_cli_runner().invoke(args=["plugins", "list"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()[2:]}
    assert "1.0.0" in lines["notices"] and ">=1.3,<2" in lines["notices"]
    assert "active" in lines["notices"]
    assert "failed" in lines["broken3"] and "does_not_exist_anywhere" in lines["broken3"]


def test_failed_plugins_show_on_the_operator_plugin_page(
    installed_package, gongzhi_config, make_user
):
    installed_package("gzbroken4", "broken4", "raise ImportError('no luck')\n")
    app = create_app(_config(gongzhi_config), plugins=["broken4", "notices"])
    from core.extensions import db
    from core.models import User

    with app.app_context():
        op = User(email="op@example.org", name="Op", is_operator=True)
        op.set_password("correct horse battery")
        db.session.add(op)
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": "op@example.org", "password": "correct horse battery"})
    page = client.get("/operator/plugins").get_data(as_text=True)
    assert "broken4" in page and "no luck" in page
