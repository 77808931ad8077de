"""The dashboard box: my points, my next activity, and one tap to log hours."""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import current_user

from core.plugin_api import db, has_permission, render
from plugins.volunteers import clock, ledger
from plugins.volunteers.models import Activity, HourLog, Signup


def widget_html() -> str:
    now = clock.now()
    next_activity = db.session.execute(
        sa.select(Activity)
        .join(
            Signup,
            sa.and_(Signup.activity_id == Activity.id, Signup.tenant_id == Activity.tenant_id),
        )
        .where(
            Signup.user_id == current_user.id,
            Signup.status == "signed_up",
            Activity.status == "published",
            Activity.ends_at > now,
        )
        .order_by(Activity.starts_at)
        .limit(1)
    ).scalar_one_or_none()
    pending = None
    if has_permission("volunteers.manage"):
        pending = db.session.execute(
            sa.select(sa.func.count()).select_from(HourLog).where(HourLog.status == "pending")
        ).scalar_one()
    return render(
        "volunteers/_widget.html",
        balance=ledger.balance_of(current_user.id),
        next_activity=next_activity,
        pending=pending,
    )
