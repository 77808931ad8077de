"""Alembic environment: the core history plus the branch of each installed plugin, active
or not (see core/plugins/migrations.py). After every online upgrade on PostgreSQL, the
row-level security policies are (re)applied to every tenant-owned table.

Autogenerate for one plugin's branch: ``flask plugins migrate <id> -m "..."``, which runs
autogenerate with ``-x plugin=<id>`` (core/plugins/migrations.py). Without ``-x plugin``,
autogenerate only looks at core tables. The plugin must be active:
a failed or incompatible plugin's models are not loaded, so autogenerate would drop its
tables.
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from core.services.time import UTCDateTime
from tenants import rls

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url", db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)
HOST = current_app.extensions["gongzhi.plugins"]
# Every installed plugin, active or not: a failed plugin's tables are still its own, never
# core's (core autogenerate must not offer to drop them).
PLUGIN_IDS = set(HOST.plugins)
ONLY_PLUGIN = context.get_x_argument(as_dictionary=True).get("plugin")
ONLY_RECORD = HOST.get(ONLY_PLUGIN) if ONLY_PLUGIN else None
if ONLY_PLUGIN and not (ONLY_RECORD and ONLY_RECORD.active):
    why = f"it is {ONLY_RECORD.status}: {ONLY_RECORD.error}" if ONLY_RECORD else "not installed"
    raise RuntimeError(f"-x plugin={ONLY_PLUGIN}: {why}; autogenerate needs it active")


def owner_of(table_name: str) -> str:
    prefix = table_name.split("_", 1)[0]
    return prefix if prefix in PLUGIN_IDS else "core"


def include_object(obj, name, type_, reflected, compare_to):
    table = obj if type_ == "table" else getattr(obj, "table", None)
    if table is None or table.name == "alembic_version":
        return True
    return owner_of(table.name) == (ONLY_PLUGIN or "core")


def render_item(type_, obj, autogen_context):
    """UTCDateTime is plain TIMESTAMP WITH TIME ZONE in the database: write it as such, so
    migration files need no import from the app."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def process_revision_directives(ctx, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=db.metadata,
        literal_binds=True,
        include_object=include_object,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.pop("render_as_batch", None)
    with db.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=db.metadata,
            include_object=include_object,
            render_item=render_item,
            render_as_batch=connection.dialect.name == "sqlite",
            **conf_args,
        )
        with context.begin_transaction():
            context.run_migrations()
            rls.apply(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
