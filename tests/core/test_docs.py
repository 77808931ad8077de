"""The documentation tells the truth about what it documents: links lead to files in the
repository, the API version is the platform's, and the references of docs/plugins.md (what
every template has, the fixtures) and the value types' docstrings are complete."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import jinja2
import pytest

from core.plugins import types
from core.plugins.host import PLUGIN_API_VERSION

ROOT = Path(__file__).resolve().parents[2]
PLUGINS_MD = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")


def _tracked(*patterns: str) -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", *patterns], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / name for name in listed]


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


# ----- links --------------------------------------------------------------------------------
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
PATH_IN_TEXT = re.compile(r"(?<![\w/.])((?:\.\./|docs/)[\w./-]+\.md)")


def test_every_link_leads_to_a_file_in_the_repository():
    broken = []
    for doc in _tracked("*.md", "Makefile"):
        text = doc.read_text(encoding="utf-8")
        targets = [] if doc.name == "Makefile" else LINK.findall(text)
        targets += PATH_IN_TEXT.findall(text)
        for target in targets:
            if re.match(r"^[a-z]+:", target):  # https:, mailto:
                continue
            base = ROOT if target.startswith("docs/") else doc.parent
            path = (base / target).resolve()
            if not path.is_relative_to(ROOT) or not path.exists():
                broken.append(f"{doc.relative_to(ROOT)}: {target}")
    assert broken == []


def test_the_docs_name_the_platforms_plugin_api_version():
    hooks = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    named = re.findall(
        r"(?:provides|plugin API|API|on|PLUGIN_API_VERSION = \")\s*(\d+\.\d+\.\d+)",
        _section(hooks, "## Plugin API versioning", "### History"),
    )
    assert named and set(named) == {PLUGIN_API_VERSION}
    assert f"| {PLUGIN_API_VERSION} |" in hooks  # its row in the history


# ----- what every template has --------------------------------------------------------------
def _template_section() -> str:
    return _section(PLUGINS_MD, "**What every template has.**", "**Permission names are checked.**")


def test_every_template_name_is_documented_and_every_documented_one_exists(app):
    with app.test_request_context():
        context: dict = {}
        for processors in app.template_context_processors.values():
            for processor in processors:
                context.update(processor())
    defaults = jinja2.Environment()
    actual = (set(app.jinja_env.globals) - set(defaults.globals)) | set(context)
    actual |= set(app.jinja_env.filters) - set(defaults.filters)
    actual = {n for n in actual if not n.startswith("rq_")}  # the requests plugin's own
    section = _template_section()
    in_table = {
        name
        for line in section.splitlines()
        if line.startswith("| `") or line.startswith("| filters")
        for name in re.findall(r"`(\w+)", line.split(" | ")[0])
    }
    internal = set(re.findall(r"`(\w+)`", section[section.index("The layout uses") :]))
    assert sorted(actual - in_table - internal) == [], "in templates but not documented"
    assert sorted(in_table - actual) == [], "documented but not in templates"


# ----- fixtures ---------------------------------------------------------------------------------
def test_every_fixture_of_gongzhi_testing_is_in_the_reference():
    import core.testing as testing

    fixtures = {
        name
        for name, value in vars(testing).items()
        if type(value).__name__ == "FixtureFunctionDefinition"
        or hasattr(value, "_pytestfixturefunction")
    }
    assert {"app", "plugin_contract", "plugin_status"} <= fixtures
    table = _section(PLUGINS_MD, "**Fixtures** (`gongzhi.testing`", "Helpers to import")
    rows = {
        name
        for line in table.splitlines()
        if line.startswith("| `")
        for name in re.findall(r"`(\w+)`", line.split(" | ")[0])
    }
    assert sorted(fixtures - rows) == []
    assert sorted(rows - fixtures - {"client"}) == []  # client: pytest-flask's


@pytest.mark.parametrize(
    "name", ["read_xlsx", "read_csv", "count_statements", "DEMO_PASSWORD", "browser_login"]
)
def test_the_testing_helpers_are_documented_and_exported(name):
    import core.testing as testing

    assert hasattr(testing, name)
    assert f"`{name}" in _section(PLUGINS_MD, "Helpers to import", "## 15.")


# ----- value types --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cls",
    [v for v in vars(types).values() if dataclasses.is_dataclass(v)],
    ids=lambda c: c.__name__,
)
def test_every_value_type_has_a_docstring_naming_its_fields(cls):
    doc = cls.__doc__ or ""
    assert not doc.startswith(f"{cls.__name__}("), "only the dataclass's generated signature"
    fields = [f.name for f in dataclasses.fields(cls)]
    unexplained = [f for f in fields if f"``{f}``" not in doc and f"`{f}`" not in doc]
    assert len(unexplained) <= len(fields) // 2, f"fields not explained: {unexplained}"


def _api_exports() -> list[tuple[str, object]]:
    """The classes and functions of ``core.plugin_api`` that the platform itself defines
    (not Flask-Babel's or SQLAlchemy's)."""
    import inspect

    import core.plugin_api as api

    found = []
    for name in api.__all__:
        value = getattr(api, name)
        own = getattr(value, "__module__", "").startswith(("core.", "tenants."))
        if own and (inspect.isclass(value) or inspect.isfunction(value)):
            found.append((name, value))
    return found


@pytest.mark.parametrize("name, value", _api_exports(), ids=[n for n, _v in _api_exports()])
def test_every_class_and_function_of_the_plugin_api_has_a_docstring(name, value):
    doc = value.__dict__.get("__doc__") if isinstance(value, type) else value.__doc__
    assert doc and doc.strip(), f"{name} has no docstring"
    assert not doc.startswith(f"{value.__name__}("), "only the dataclass's generated signature"


def test_widget_permission_none_means_the_plugins_access_permission():
    assert "``None`` means\n    ``<plugin_id>.access``" in types.Widget.__doc__
