"""The event catalogue in docs/hooks.md is complete: every event core (and each built-in
plugin) emits is listed there, with every payload field it sends, and nothing listed is
stale. Read from the source (every ``emit("name", field=...)`` call), so a new event that
is not documented fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "hooks.md"
ROW = re.compile(r"^\| `(\w+)`(?: \((\w+)\))? \| (.*?) \| (.*?) \|$", re.MULTILINE)


def emitted(*folders: str) -> dict[str, set[str]]:
    """Event name -> payload fields, from every ``emit(...)`` call under ``folders``."""
    found: dict[str, set[str]] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name != "emit":
                    continue
                first = node.args[0] if node.args else None
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                    f"{where}: name events with a literal string, so they can be catalogued"
                )
                fields = found.setdefault(first.value, set())
                fields |= {keyword.arg for keyword in node.keywords if keyword.arg}
    return found


def catalogue(section: str) -> dict[str, tuple[str | None, str]]:
    """Event name -> (owning plugin or None, payload cell) from one table of hooks.md."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(section)
    end = text.index("\n## ", start)
    return {m.group(1): (m.group(2), m.group(3)) for m in ROW.finditer(text[start:end])}


def core_catalogue() -> dict[str, str]:
    return {name: cell for name, (owner, cell) in catalogue("### Core events").items() if not owner}


def plugin_catalogue() -> dict[str, tuple[str, str]]:
    rows = catalogue("### Core events").items()
    return {name: (owner, cell) for name, (owner, cell) in rows if owner}


def test_the_scan_finds_what_core_emits():
    """Guard the guard: the member events are found, with their fields."""
    core = emitted("core", "tenants")
    assert core["member_joined"] == {"user_id", "roles", "via"}
    assert core["member_role_changed"] == {"user_id", "roles_before", "roles_after"}
    assert "member_left" in core


def test_every_core_event_is_catalogued_with_its_payload():
    documented = core_catalogue()
    for name, fields in emitted("core", "tenants").items():
        assert name in documented, f"core emits {name!r}: add it to docs/hooks.md, Core events"
        missing = sorted(f for f in fields if f"`{f}`" not in documented[name])
        assert not missing, f"docs/hooks.md, {name}: payload fields {missing} are not listed"


def test_no_catalogued_core_event_is_stale():
    stale = sorted(set(core_catalogue()) - set(emitted("core", "tenants")))
    assert not stale, f"docs/hooks.md lists core events nothing emits: {stale}"


def test_every_builtin_plugin_event_is_catalogued_with_its_owner_and_payload():
    documented = plugin_catalogue()
    plugin_ids = sorted(
        p.name for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").exists()
    )
    sent = set()
    for plugin_id in plugin_ids:
        for name, fields in emitted(f"plugins/{plugin_id}").items():
            sent.add(name)
            assert name in documented, f"{plugin_id} emits {name!r}: list it in docs/hooks.md"
            owner, cell = documented[name]
            assert owner == plugin_id, f"docs/hooks.md says {name!r} is {owner!r}'s"
            missing = sorted(f for f in fields if f"`{f}`" not in cell)
            assert not missing, f"docs/hooks.md, {name}: payload fields {missing} are not listed"
    assert not set(documented) - sent, f"stale: {sorted(set(documented) - sent)}"
