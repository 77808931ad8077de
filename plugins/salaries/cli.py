"""``flask salaries publish-scale FILE``: the operator publishes (a new version of) a
county's scale for many communities. ``flask salaries compare --year 2026``: the
operator's budget comparison across the communities that consent to it (each reading
is written to that community's audit log)."""

from __future__ import annotations

import json
from datetime import date

import click
from flask.cli import AppGroup

from core.plugin_api import (
    Tenant,
    all_tenants,
    audit,
    commit,
    community_scope,
    db,
    enabled_plugins,
    plugin_settings,
)

salaries_cli = AppGroup("salaries", help="Community-worker pay.")


def read_template(text: str) -> tuple[str, str, dict, date]:
    """``{"key", "name", "effective_from": "YYYY-MM-DD", "rates": {post: {area: [fen x 10]}}}``
    -> its parts; ``ValueError`` with what is wrong."""
    from plugins.salaries.scales import check_rates

    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("the file holds one object")
    key, name = data.get("key"), data.get("name", "")
    if not isinstance(key, str) or not key.strip() or len(key) > 64:
        raise ValueError("key: a name of at most 64 characters")
    try:
        effective_from = date.fromisoformat(data.get("effective_from", ""))
    except (TypeError, ValueError):
        raise ValueError("effective_from: a date like 2026-01-01") from None
    return key.strip(), str(name), check_rates(data.get("rates")), effective_from


@salaries_cli.command("publish-scale")
@click.argument("path", type=click.File("r", encoding="utf-8"))
def publish_scale(path) -> None:
    """Publish the next version of a shared pay scale from a JSON file."""
    from plugins.salaries.scales import BadScale, publish_template

    try:
        key, name, rates, effective_from = read_template(path.read())
    except (ValueError, BadScale) as problem:
        raise click.ClickException(f"not published: {problem}") from None
    version = publish_template(key, name, rates, effective_from)
    db.session.commit()
    click.echo(f"published {key} version {version.version}, in force from {effective_from}")


def compare_budgets(year: int) -> list[tuple[Tenant, object]]:
    """Each consenting community's budget for ``year`` (the plugin on and
    ``share_budget`` set); each reading is audited in the community read."""
    from plugins.salaries.budget import year_plan

    with all_tenants():
        tenants = db.session.execute(db.select(Tenant).order_by(Tenant.id)).scalars().all()
        db.session.commit()
    found = []
    for tenant in tenants:
        with community_scope(tenant):
            if "salaries" not in enabled_plugins():
                continue
            if not plugin_settings("salaries")["share_budget"]:
                continue
            found.append((tenant, year_plan(year)))
            audit("salaries.budget_compared", str(year))
            commit()
    return found


@salaries_cli.command("compare")
@click.option("--year", type=int, default=date.today().year, show_default=True)
def compare(year: int) -> None:
    """The year's projected pay of every community that consents, side by side."""
    from plugins.salaries.money import yuan

    rows = compare_budgets(year)
    click.echo("community\tworkers\tyear total (yuan)")
    for tenant, plan in rows:
        workers = sum(plan.workers_by_post.values())
        click.echo(f"{tenant.slug}\t{workers}\t{yuan(plan.total_fen)}")
    click.echo(f"{len(rows)} communities consent")
