"""Invitations to join a community: stored in the caller's transaction, mailed after it
commits, so a failed mail never undoes the invitation and a rolled-back invitation is
never mailed."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_login import current_user

from core.extensions import db
from core.services.time import utcnow
from tenants.models import Invitation


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_invitation(email: str, role: str) -> str:
    """Add an invitation to the community in scope (the caller commits); its token."""
    token = secrets.token_urlsafe(24)
    db.session.add(
        Invitation(
            email=email.strip().lower(),
            role=role,
            token_hash=hash_token(token),
            invited_by_id=current_user.id
            if getattr(current_user, "is_authenticated", False)
            else None,
            expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
        )
    )
    return token
