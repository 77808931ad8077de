"""The dashboard widget: bookings to approve and today's count for staff, one's own next
bookings for a resident."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from flask_login import current_user

from core.plugin_api import current_tenant, db, has_permission, to_local, utcnow
from plugins.booking.models import HOLDING, Booking, Space
from plugins.booking.rules import midnight


def widget_html() -> str:
    from plugins.booking.views import helpers

    now = utcnow()
    if has_permission("booking.manage"):
        tz = current_tenant().timezone
        today = to_local(now, tz).date()
        pending = db.session.execute(
            db.select(db.func.count(Booking.id)).where(Booking.status == "pending")
        ).scalar()
        today_count = db.session.execute(
            db.select(db.func.count(Booking.id)).where(
                Booking.status.in_(HOLDING),
                Booking.starts_at >= midnight(today, tz),
                Booking.starts_at < midnight(today + timedelta(days=1), tz),
            )
        ).scalar()
        return render_template(
            "booking/_widget.html",
            **helpers(),
            staff=True,
            pending=pending,
            today_count=today_count,
            mine=[],
        )
    mine = db.session.execute(
        db.select(Booking, Space.name)
        .join(Space, Space.id == Booking.space_id)
        .where(
            Booking.person_id == current_user.id,
            Booking.status.in_(HOLDING),
            Booking.ends_at > now,
        )
        .order_by(Booking.starts_at)
        .limit(3)
    ).all()
    return render_template("booking/_widget.html", **helpers(), staff=False, mine=mine)
