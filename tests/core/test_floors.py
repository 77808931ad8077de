"""The floors of docs/architecture.md hold: ``tenants/`` (the ground floor) imports
nothing that knows plugins."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

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

