"""The requests plugin's commands.

* ``flask requests notify-overdue``: the scheduled job that tells handlers of requests past
  their deadline (cron or an RQ scheduler runs it, e.g. every 15 minutes). Each request is
  announced once, so running it often is safe.
* ``flask requests counts check|rebuild [--community SLUG]``: the ledger counts against a
  recount from the rows (counts.py).
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from core.plugin_api import (
    Tenant,
    all_tenants,
    commit,
    community_scope,
    db,
    enabled_plugins,
)
from plugins.requests import counts

requests_cli = AppGroup("requests", help="Resident requests (居民诉求).")
counts_cli = AppGroup("counts", help="The ledger's pre-aggregated counts.")
requests_cli.add_command(counts_cli)


def notify_overdue_everywhere() -> dict[str, int]:
    """Run :func:`notifying.notify_overdue` in every community that has requests on;
    returns {slug: requests announced}."""
    from plugins.requests.notifying import notify_overdue

    announced = {}
    # Links in the notifications are built with url_for: a request context gives it the
    # site's address (PUBLIC_URL) and lets the community in scope fill in the slug.
    with current_app.test_request_context(base_url=current_app.config.get("PUBLIC_URL") or None):
        for tenant in _communities(None):
            with community_scope(tenant.id):
                if "requests" not in enabled_plugins():
                    continue
                announced[tenant.slug] = notify_overdue()
                commit()  # and deliver: the handlers are told now
    return announced


@requests_cli.command("notify-overdue")
def notify_overdue_command() -> None:
    """Tell each community's handlers of requests past their deadline (once each)."""
    counts = notify_overdue_everywhere()
    for slug, count in counts.items():
        if count:
            click.echo(f"{slug}: {count} overdue")
    click.echo(f"overdue requests announced: {sum(counts.values())}")


def _communities(slug: str | None) -> list[Tenant]:
    with all_tenants():
        select = db.select(Tenant).order_by(Tenant.id)
        if slug:
            select = select.where(Tenant.slug == slug)
        found = list(db.session.execute(select).scalars())
        db.session.commit()
    if slug and not found:
        raise click.ClickException(f"no community {slug!r}")
    return found


@counts_cli.command("check")
@click.option("--community", "slug", help="one community's slug (default: every one)")
def check(slug: str | None) -> None:
    """Compare the counts with a recount of the requests; exit 1 if they differ."""
    wrong = 0
    for tenant in _communities(slug):
        with community_scope(tenant):
            found = counts.differences(db.session.connection(), tenant.id)
            db.session.commit()
        for line in found:
            click.echo(f"{tenant.slug}: {line}")
        wrong += bool(found)
    if wrong:
        raise click.ClickException(
            f"{wrong} communities' counts differ from their requests: flask requests counts rebuild"
        )
    click.echo("the counts agree with the requests")


@counts_cli.command("rebuild")
@click.option("--community", "slug", help="one community's slug (default: every one)")
def rebuild(slug: str | None) -> None:
    """Recompute the counts from the requests, one community per transaction."""
    communities = _communities(slug)
    for tenant in communities:
        with community_scope(tenant):
            counts.rebuild(db.session.connection(), tenant.id)
            db.session.commit()
    click.echo(f"rebuilt the counts of {len(communities)} communities")
