"""``flask funds check``: kept balances and monthly totals against the ledger."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from core.plugin_api import Tenant, all_tenants, community_scope, db, enabled_plugins

funds_cli = AppGroup("funds", help="Community funds.")


@funds_cli.command("check")
@click.option("--community", "slug", default=None, help="Only this community (its slug).")
def check(slug: str | None) -> None:
    """Every kept balance equals the sum of its fund's entries, every posting balances,
    every month's totals equal its postings; exit 1 otherwise."""
    from plugins.funds.ledger import mismatches

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
            if "funds" not in enabled_plugins():
                continue
            checked += 1
            for line in mismatches():
                wrong += 1
                click.echo(f"{tenant.slug}: {line}")
        db.session.rollback()
    if wrong:
        raise SystemExit(1)
    click.echo(f"the funds' ledgers add up in {checked} communities")
