"""``flask booking remind``: the scheduled job (cron, e.g. every 15 minutes) that reminds
people of their booking before the slot. Each booking is reminded once, so running it
often is safe."""

from __future__ import annotations

from datetime import datetime, timedelta

import click
from flask import current_app, url_for
from flask.cli import AppGroup

from core.plugin_api import (
    Tenant,
    all_tenants,
    commit,
    community_scope,
    db,
    enabled_plugins,
    notify,
    plugin_settings,
    utcnow,
)

booking_cli = AppGroup("booking", help="Neighbourhood-centre bookings.")


def remind_due(now: datetime) -> int:
    """Remind the people whose confirmed booking starts within the community's reminder
    window and who were not reminded yet; returns how many."""
    from plugins.booking.i18n import _l
    from plugins.booking.models import Booking, Space
    from plugins.booking.workflow import when

    hours = plugin_settings("booking")["reminder_hours"]
    rows = db.session.execute(
        db.select(Booking, Space.name)
        .join(Space, Space.id == Booking.space_id)
        .where(
            Booking.status == "confirmed",
            Booking.reminded_at.is_(None),
            Booking.starts_at > now,
            Booking.starts_at <= now + timedelta(hours=hours),
        )
        .order_by(Booking.starts_at)
        .limit(5000)
    ).all()
    for booking, name in rows:
        notify(
            [booking.person_id],
            "booking.reminder",
            _l("Reminder: %(space)s %(when)s", space=name, when=when(booking)),
            url_for("booking.mine"),
            body=booking.purpose,
        )
        booking.reminded_at = now
    return len(rows)


def remind_everywhere(now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    with all_tenants():
        tenants = db.session.execute(db.select(Tenant).order_by(Tenant.id)).scalars().all()
        db.session.commit()
    counts = {}
    with current_app.test_request_context(base_url=current_app.config.get("PUBLIC_URL") or None):
        for tenant in tenants:
            with community_scope(tenant.id):
                if "booking" not in enabled_plugins():
                    continue
                counts[tenant.slug] = remind_due(now)
                commit()
    return counts


@booking_cli.command("remind")
def remind_command() -> None:
    """Remind people of their coming bookings (once each)."""
    counts = remind_everywhere()
    click.echo(f"bookings reminded: {sum(counts.values())}")
