"""The hook reference is complete: every hookspec is documented in docs/hooks.md, with the
same arguments, and is exercised by a ``test_hook_<name>`` test in tests/hooks/."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

from core.plugins import hookspecs
from core.plugins.host import PLUGIN_API_VERSION

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "hooks.md"
HOOK_TESTS = ROOT / "tests" / "hooks"
HEADING = re.compile(r"^### `(\w+)\(([^)]*)\)`", re.MULTILINE)


def specs() -> dict[str, list[str]]:
    """Hook name -> argument names, read from core/plugins/hookspecs.py."""
    marker = f"{hookspecs.PROJECT}_spec"
    return {
        name: list(inspect.signature(function).parameters)
        for name, function in vars(hookspecs).items()
        if callable(function) and hasattr(function, marker)
    }


def sections() -> dict[str, tuple[list[str], str]]:
    """Hook name -> (documented arguments, the section's text) from docs/hooks.md."""
    text = DOC.read_text(encoding="utf-8")
    found = {}
    matches = list(HEADING.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        args = [a.strip() for a in match.group(2).split(",") if a.strip()]
        found[match.group(1)] = (args, text[match.end() : end])
    return found


def hook_test_names() -> set[str]:
    names = set()
    for path in HOOK_TESTS.glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_hook_"):
                names.add(node.name.removeprefix("test_hook_"))
    return names


def test_there_are_hookspecs_to_check():
    assert {"nav_items", "permission_decision", "demo_data"} <= set(specs())


def test_every_hookspec_is_documented_with_its_arguments():
    documented = sections()
    missing = sorted(set(specs()) - set(documented))
    assert not missing, f"docs/hooks.md lacks a '### `name(args)`' section for: {missing}"
    for name, args in specs().items():
        assert documented[name][0] == args, f"{name}: docs say {documented[name][0]}, spec {args}"


def test_every_documented_hook_exists():
    stale = sorted(set(sections()) - set(specs()))
    assert not stale, f"docs/hooks.md documents hooks that core/plugins/hookspecs.py lacks: {stale}"


def test_every_section_says_when_and_whether_per_community_and_shows_an_example():
    for name, (_args, body) in sections().items():
        for part in ("**Returns:**", "**Called:**", "**Per community:**", "```python"):
            assert part in body, f"docs/hooks.md, {name}: missing {part}"
        assert f"def {name}(" in body, f"docs/hooks.md, {name}: the example must implement it"


def test_every_hookspec_has_a_test():
    untested = sorted(set(specs()) - hook_test_names())
    assert not untested, f"add tests/hooks/test_hook_<name>.py::test_hook_<name> for {untested}"


def test_the_versioning_policy_names_the_current_api_version():
    text = DOC.read_text(encoding="utf-8")
    assert f'PLUGIN_API_VERSION = "{PLUGIN_API_VERSION}"' in text
    assert "incompatible" in text and "DeprecationWarning" in text
