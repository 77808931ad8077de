"""``flask volunteers …``: the ledger check."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from core.plugin_api import Tenant, all_tenants, community_scope, db, enabled_plugins

volunteers_cli = AppGroup("volunteers", help="Volunteer points.")
balances_cli = AppGroup("balances", help="Kept points balances.")
volunteers_cli.add_command(balances_cli)


@balances_cli.command("check")
@click.option("--community", "slug", default=None, help="Only this community (its slug).")
def check_balances(slug: str | None) -> None:
    """Compare every kept balance with the sum of its ledger entries; exit 1 on a
    difference."""
    from plugins.volunteers.ledger import mismatches

    select = db.select(Tenant).order_by(Tenant.id)
    if slug:
        select = select.where(Tenant.slug == slug)
    with all_tenants():
        tenants = list(db.session.execute(select).scalars())
        db.session.commit()
    wrong = 0
    checked = 0
    for tenant in tenants:
        with community_scope(tenant.id):
            if "volunteers" not in enabled_plugins():
                continue
            checked += 1
            for user_id, kept, total in mismatches():
                wrong += 1
                click.echo(
                    f"{tenant.slug}: user {user_id} balance {kept} != sum of entries {total}"
                )
    db.session.rollback()
    if wrong:
        raise SystemExit(1)
    click.echo(f"balances match their entries in {checked} communities")
