"""The floors of docs/architecture.md hold: ``tenants/`` (the ground floor) imports
nothing that knows plugins, and each constant is declared once, not retyped."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What tenants/ may import of core: the floors below the plugin machinery.
GROUND = ("core.extensions", "core.sqlite", "core.services")
KNOWS_PLUGINS = (
    "core.app",
    "core.cli",
    "core.community",
    "core.demo",
    "core.plugin_api",
    "core.plugins",
    "core.web",
    "plugins",
)


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every module a file imports, at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node.lineno))
    return found


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_tenants_imports_only_the_floors_below_the_plugin_machinery():
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted((ROOT / "tenants").glob("*.py"))
        for module, line in _imports(path)
        if (module == "core" or module.startswith("core.") or _under(module, ("plugins",)))
        and not _under(module, GROUND)
    ]
    assert wrong == []


def test_importing_tenants_loads_nothing_that_knows_plugins():
    """Not even through a package's ``__init__``: a fresh interpreter imports every
    module of tenants/ and looks at what came with it."""
    modules = [f"tenants.{p.stem}" for p in sorted((ROOT / "tenants").glob("*.py"))]
    code = (
        f"import sys\nfor m in {modules!r}: __import__(m)\nprint('\\n'.join(sorted(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = done.stdout.split()
    assert [m for m in loaded if _under(m, KNOWS_PLUGINS)] == []


# ----- each constant declared once ------------------------------------------------------
def _sources() -> list[Path]:
    files = []
    for top in ("core", "tenants", "plugins", "templates"):
        for path in (ROOT / top).rglob("*"):
            parts = set(path.relative_to(ROOT).parts)
            if path.suffix in {".py", ".html"} and not parts & {"tests", "migrations"}:
                files.append(path)
    return sorted(files)


QUOTED = r"""(?<!`)["']{}["']"""  # ``"admin"`` in a docstring names, it does not retype
ALL_THREE = "".join(f"(?=.*{QUOTED.format(role)})" for role in ("admin", "staff", "member"))
RETYPED = {
    # the default time zone: core/services/time.py's DEFAULT_TIMEZONE
    "default time zone": (re.compile(QUOTED.format("Asia/Shanghai")), "core/services/time.py"),
    # community kinds: tenants/models.py's COMMUNITY_KINDS (plugins: core.plugin_api)
    "community kind": (re.compile(QUOTED.format("(?:urban|rural)")), "tenants/models.py"),
    # the set of core roles (a list, a tuple, a label mapping): tenants/models.py's CORE_ROLES
    "core roles": (
        re.compile(ALL_THREE),
        "tenants/models.py",
    ),
    # the default language: core/services/i18n.py's DEFAULT_LOCALE (a label's key is fine)
    "default locale": (
        re.compile(r"""(?<!get\()["']zh_Hans["'](?!\s*:)"""),
        "core/services/i18n.py",
    ),
}


@pytest.mark.parametrize("what", sorted(RETYPED))
def test_each_constant_is_declared_once(what):
    pattern, home = RETYPED[what]
    retyped = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _sources()
        if str(path.relative_to(ROOT)) != home
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert retyped == [], f"{what} retyped instead of imported from {home}"
