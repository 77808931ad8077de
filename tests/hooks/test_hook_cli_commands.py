"""cli_commands: the plugin's click commands appear under ``flask``."""

import click
import pytest
from flask.cli import AppGroup

from core.plugin_api import all_tenants, db
from tenants.models import Tenant

# AppGroup (not click.group): its commands run inside the app context, so they can use db.
probe_cli = AppGroup("probe", help="Probe maintenance.")


@probe_cli.command("count")
def count():
    """How many communities exist."""
    with all_tenants():
        click.echo(f"communities: {len(db.session.execute(db.select(Tenant)).all())}")


@pytest.fixture
def gongzhi_extra_plugins(make_probe):
    return {"probe": make_probe(cli_commands=lambda: [probe_cli])}


def test_hook_cli_commands(app, community):
    runner = app.test_cli_runner()
    listing = runner.invoke(args=["--help"])
    assert "probe" in listing.output and "Probe maintenance." in listing.output

    result = runner.invoke(args=["probe", "count"])
    assert result.exit_code == 0, result.output
    assert "communities: 1" in result.output
