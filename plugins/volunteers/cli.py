"""``flask volunteers …``: the ledger check and the kept totals check."""

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

    wrong = 0
    checked = 0
    for tenant in _tenants(slug):
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


totals_cli = AppGroup("totals", help="Kept month and year totals of volunteer hours.")
volunteers_cli.add_command(totals_cli)


@totals_cli.command("check")
@click.option("--community", "slug", default=None, help="Only this community (its slug).")
@click.option("--repair", is_flag=True, help="Rewrite the totals of a community that differs.")
def check_totals(slug: str | None, repair: bool) -> None:
    """Compare every kept month total (approved and pending minutes, services, points) and
    year and all-years total (approved minutes, services, points) with the sums over the
    hour logs; exit 1 on a difference (after --repair: rewritten)."""
    from plugins.volunteers import monthly
    from plugins.volunteers.models import ALL_YEARS

    wrong = 0
    checked = 0
    for tenant in _tenants(slug):
        with community_scope(tenant.id):
            if "volunteers" not in enabled_plugins():
                continue
            checked += 1
            found = monthly.mismatches()
            for user_id, month, kept, total in found:
                wrong += 1
                click.echo(f"{tenant.slug}: user {user_id} {month:%Y-%m} kept {kept} != {total}")
            years = monthly.year_mismatches()
            for user_id, year, kept, total in years:
                wrong += 1
                when = "all years" if year == ALL_YEARS else f"year {year}"
                click.echo(f"{tenant.slug}: user {user_id} {when} kept {kept} != {total}")
            if (found or years) and repair:
                monthly.rebuild()
                db.session.commit()
                click.echo(f"{tenant.slug}: totals rewritten from the logs")
            db.session.rollback()
    if wrong and not repair:
        raise SystemExit(1)
    click.echo(f"month and year totals checked in {checked} communities: {wrong} differences")


def _tenants(slug: str | None) -> list[Tenant]:
    select = db.select(Tenant).order_by(Tenant.id)
    if slug:
        select = select.where(Tenant.slug == slug)
    with all_tenants():
        tenants = list(db.session.execute(select).scalars())
        db.session.commit()
    return tenants
