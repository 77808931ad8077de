"""``flask`` commands: plugins list, demo data, operators, event retries, key purges."""

from __future__ import annotations

import logging

import click
from flask import Flask
from flask.cli import AppGroup

from core.extensions import db
from core.plugins.gateway import host
from core.plugins.host import PLUGIN_API_VERSION, call_impl

log = logging.getLogger("gongzhi.plugins")


def install(app: Flask) -> None:
    plugins_cli = AppGroup("plugins", help="Installed plugins.")

    @plugins_cli.command("list")
    def list_plugins() -> None:
        """Each plugin: version, API range, status and failure reason."""
        click.echo(f"plugin API {PLUGIN_API_VERSION}")
        click.echo(f"{'plugin':<16} {'version':<10} {'api':<14} {'status':<13} reason")
        for record in sorted(host().plugins.values(), key=lambda r: r.id):
            click.echo(
                f"{record.id:<16} {record.version:<10} {record.api:<14} {record.status:<13} "
                f"{record.error or ''}".rstrip()
            )

    app.cli.add_command(plugins_cli)

    events_cli = AppGroup("events", help="Domain events.")

    @events_cli.command("retry")
    def retry() -> None:
        """Deliver again every event whose handler failed."""
        from core.community.events import retry_failed

        retried, still = retry_failed()
        click.echo(f"retried {retried}, still failing {still}")

    app.cli.add_command(events_cli)

    idempotency_cli = AppGroup("idempotency", help="Keys of forms that were submitted.")

    @idempotency_cli.command("purge")
    @click.option("--days", default=30, show_default=True, help="Keep keys this recent.")
    def purge(days: int) -> None:
        """Forget submit keys older than --days (cron, daily)."""
        from datetime import timedelta

        from core.community.idempotency import purge_keys

        click.echo(f"purged {purge_keys(timedelta(days=days))} keys")

    app.cli.add_command(idempotency_cli)

    @app.cli.command("create-operator")
    @click.option("--email", required=True)
    @click.option("--name", default="Operator")
    @click.password_option()
    def create_operator(email: str, name: str, password: str) -> None:
        """Create (or promote) a platform operator account."""
        from core.models import User
        from core.web.auth import find_user

        user = find_user(email) or User(email=email.lower(), name=name)
        user.is_operator = True
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        click.echo(f"operator {email} ready")

    @app.cli.command("demo")
    @click.option("--reset", is_flag=True, help="Drop all tables first.")
    def demo(reset: bool) -> None:
        """Load two demo communities with realistic data (idempotent)."""
        from core.demo import load_demo

        for line in load_demo(reset=reset):
            click.echo(line)

    with app.app_context():
        plugin_host = host()
        for record in plugin_host.active():
            for impl in plugin_host.implementations(frozenset({record.id}), "cli_commands"):
                # Isolated like every hook: one plugin's broken commands must not stop the
                # app (or every other command) from starting.
                try:
                    commands = list(call_impl(impl, {}) or [])
                except Exception:
                    if plugin_host.strict:
                        raise
                    log.exception(
                        "plugin %s failed in cli_commands; its commands are off", record.id
                    )
                    continue
                for command in commands:
                    app.cli.add_command(command)
