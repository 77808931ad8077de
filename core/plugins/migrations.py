"""Alembic: the core history plus one branch per plugin (``plugins/<name>/migrations``).

``flask db upgrade`` upgrades every branch (its default target is ``heads``), so a new
plugin's tables arrive with the usual deploy step. Migrations never run at start-up.
Every installed plugin's branch is known, active or not (failed, incompatible): the
database may already hold its revision. ``flask plugins migrate <id> -m "…"`` writes a
plugin's next revision (:func:`new_plugin_revision`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import Flask, current_app

from core.extensions import migrate
from core.plugins.host import PluginHost


class PluginMigrationError(Exception):
    """Why a plugin's revision could not be written, in words for the vendor."""


def plugin_migration_dirs(host: PluginHost) -> list[str]:
    """Every installed plugin's ``migrations/versions``, whatever its status.

    A failed or incompatible plugin whose tables were migrated earlier still has its
    revision in ``alembic_version``: without its folder Alembic cannot locate that
    revision and ``flask db upgrade`` fails for the whole platform.
    """
    dirs: list[str] = []
    for record in sorted(host.plugins.values(), key=lambda r: r.id):
        if record.package_dir is None:
            continue
        versions = Path(record.package_dir) / "migrations" / "versions"
        if versions.is_dir() and str(versions) not in dirs:
            dirs.append(str(versions))
    return dirs


def _add_plugin_branches(config):
    core_versions = Path(config.get_main_option("script_location")) / "versions"
    locations = [
        str(core_versions),
        *plugin_migration_dirs(current_app.extensions["gongzhi.plugins"]),
    ]
    config.set_main_option("path_separator", "os")  # paths may contain spaces
    config.set_main_option("version_locations", os.pathsep.join(locations))
    return config


def configure_migrations(app: Flask, host: PluginHost) -> None:
    if _add_plugin_branches not in migrate.configure_callbacks:
        migrate.configure(_add_plugin_branches)
    _default_upgrade_to_heads()


def _default_upgrade_to_heads() -> None:
    """Make ``flask db upgrade`` (no argument) mean ``heads``: every plugin branch."""
    from flask_migrate import cli as migrate_cli

    for command_name, default in (("upgrade", "heads"),):
        command = migrate_cli.db.commands.get(command_name)
        for param in getattr(command, "params", []):
            if param.name == "revision":
                param.default = default


def _versions_dir(record) -> Path:
    return Path(record.package_dir) / "migrations" / "versions"


def _inside(script, folder: Path) -> bool:
    return Path(script.path).resolve().parent == folder.resolve()


def new_plugin_revision(plugin_id: str, message: str) -> Path:
    """Autogenerate plugin ``plugin_id``'s next revision from its models; the file written.

    The first revision starts the branch (``branch_labels = ("<id>",)``, ``depends_on``
    the core head, since plugin tables reference ``tenants`` and ``users``); later ones
    continue it (``down_revision`` = the branch head). Ids are ``<id>_0001``, ``<id>_0002``…
    Only ``<id>_`` tables are compared (``-x plugin=<id>`` in ``migrations/env.py``), so
    the plugin must be active: a failed plugin's models are not loaded.
    """
    host: PluginHost = current_app.extensions["gongzhi.plugins"]
    record = host.get(plugin_id)
    if record is None:
        raise PluginMigrationError(
            f"{plugin_id}: no such plugin is installed (no gongzhi.plugins entry point "
            f"named {plugin_id!r}; see `flask plugins list`)"
        )
    if not record.active:
        raise PluginMigrationError(
            f"{plugin_id} is {record.status}: {record.error} — its models are not loaded, "
            "so there is nothing to compare; fix that first (`flask plugins list`)"
        )
    if record.package_dir is None:
        raise PluginMigrationError(f"{plugin_id}: its package folder is unknown")
    versions = _versions_dir(record)
    versions.mkdir(parents=True, exist_ok=True)  # before the config: it lists existing dirs
    config = migrate.get_config(x_arg=[f"plugin={plugin_id}"], opts=["autogenerate"])
    scripts = ScriptDirectory.from_config(config)
    mine = [s for s in scripts.walk_revisions() if _inside(s, versions)]
    numbers = [
        int(m.group(1)) for s in mine if (m := re.fullmatch(rf"{plugin_id}_(\d+)", s.revision))
    ]
    rev_id = f"{plugin_id}_{max(numbers, default=len(mine)) + 1:04d}"
    if mine:
        options = {"head": f"{plugin_id}@head"}
    else:
        core = Path(config.get_main_option("script_location")) / "versions"
        core_heads = tuple(s.revision for s in scripts.get_revisions("heads") if _inside(s, core))
        options = {"head": "base", "branch_label": plugin_id, "depends_on": core_heads}
    try:
        written = command.revision(
            config,
            message=message,
            autogenerate=True,
            version_path=str(versions),
            rev_id=rev_id,
            **options,
        )
    except CommandError as exc:
        if "not up to date" in str(exc):
            raise PluginMigrationError(
                "the database is not up to date: run `flask db upgrade` first (autogenerate "
                "compares the models with an upgraded database)"
            ) from exc
        raise PluginMigrationError(str(exc)) from exc
    if not written:
        raise PluginMigrationError(
            f"no changes: the {plugin_id}_ tables in the database already match the models"
        )
    return Path(written.path if not isinstance(written, list) else written[0].path)
