"""Alembic: the core history plus one branch per plugin (``plugins/<name>/migrations``).

``flask db upgrade`` upgrades every branch (its default target is ``heads``), so a new
plugin's tables arrive with the usual deploy step. Migrations never run at start-up.
Every installed plugin's branch is known, active or not (failed, incompatible): the
database may already hold its revision.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, current_app

from core.extensions import migrate
from core.plugins.host import PluginHost


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
