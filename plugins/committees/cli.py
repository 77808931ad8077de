"""``flask committees remind-assessors``: the scheduled job (e.g. daily, by cron or an RQ
scheduler) that reminds assessors of scores still due. An assessor is reminded at most once
a day, so running it more often is safe."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from core.plugin_api import (
    Tenant,
    all_tenants,
    commit,
    community_scope,
    current_tenant,
    db,
    enabled_plugins,
    to_local,
    utcnow,
)

committees_cli = AppGroup("committees", help="Residents' committees (专委会).")


def remind_everywhere() -> dict[str, int]:
    """Run :func:`assessing.remind_due` in every community with committees on."""
    from plugins.committees.assessing import remind_due

    with all_tenants():
        tenants = list(db.session.execute(db.select(Tenant).order_by(Tenant.id)).scalars())
        db.session.commit()
    sent = {}
    # url_for in the notifications needs a request context with the site's address.
    with current_app.test_request_context(base_url=current_app.config.get("PUBLIC_URL") or None):
        for tenant in tenants:
            with community_scope(tenant.id):
                if "committees" not in enabled_plugins():
                    continue
                today = to_local(utcnow(), current_tenant().timezone).date()
                sent[tenant.slug] = remind_due(today)
                commit()  # and deliver the notifications
    return sent


@committees_cli.command("remind-assessors")
def remind_assessors_command() -> None:
    """Remind each community's assessors of the committees they have not scored yet."""
    sent = remind_everywhere()
    for slug, count in sent.items():
        if count:
            click.echo(f"{slug}: {count} reminded")
    click.echo(f"assessors reminded: {sum(sent.values())}")
