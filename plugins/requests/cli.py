"""``flask requests notify-overdue``: the scheduled job that tells handlers of requests
past their deadline (cron or an RQ scheduler runs it, e.g. every 15 minutes). Each
request is announced once, so running it often is safe."""

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

requests_cli = AppGroup("requests", help="Resident requests.")


def notify_overdue_everywhere() -> dict[str, int]:
    """Run :func:`notifying.notify_overdue` in every community that has requests on;
    returns {slug: requests announced}."""
    from plugins.requests.notifying import notify_overdue

    with all_tenants():
        tenants = db.session.execute(db.select(Tenant).order_by(Tenant.id)).scalars().all()
        db.session.commit()
    counts = {}
    # Links in the notifications are built with url_for: a request context gives it the
    # site's address (PUBLIC_URL) and lets the community in scope fill in the slug.
    with current_app.test_request_context(base_url=current_app.config.get("PUBLIC_URL") or None):
        for tenant in tenants:
            with community_scope(tenant.id):
                if "requests" not in enabled_plugins():
                    continue
                counts[tenant.slug] = notify_overdue()
                commit()  # and deliver: the handlers are told now
    return counts


@requests_cli.command("notify-overdue")
def notify_overdue_command() -> None:
    """Tell each community's handlers of requests past their deadline (once each)."""
    counts = notify_overdue_everywhere()
    for slug, count in counts.items():
        if count:
            click.echo(f"{slug}: {count} overdue")
    click.echo(f"overdue requests announced: {sum(counts.values())}")
