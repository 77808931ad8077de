"""The audit log: who changed settings, roles and plugins, and when."""

from __future__ import annotations

from flask_login import current_user

from core.extensions import db
from core.models import AuditEntry


def record(action: str, target: str = "", **details) -> AuditEntry:
    """Add an audit entry to the current transaction (the caller commits)."""
    actor_id = current_user.id if getattr(current_user, "is_authenticated", False) else None
    entry = AuditEntry(action=action, target=target, details=details, actor_id=actor_id)
    db.session.add(entry)
    return entry
