"""Asking other plugins this plugin's own questions (``request_assignees`` …).

``core.plugin_api`` has no public way yet to call a plugin-declared hook for the current
community only, so this mirrors the core's gating: only plugins the community enabled
answer, each inside a savepoint, and one that raises is logged and skipped.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask import current_app, g

from core.plugin_api import current_tenant_id, db

log = logging.getLogger("gongzhi.plugins.requests")


def _enabled_ids(host) -> set[str]:
    activations = db.metadata.tables["tenant_plugins"]
    rows = db.session.execute(
        sa.select(activations.c.plugin_id).where(
            activations.c.tenant_id == current_tenant_id(), activations.c.enabled.is_(True)
        )
    ).scalars()
    return (set(rows) | set(host.always_on())) & set(host.active_ids)


def ask(hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call ``hook_name`` on the community's enabled plugins: ``[(plugin_id, answer)]``."""
    host = current_app.extensions["gongzhi.plugins"]
    enabled = _enabled_ids(host)
    answers = []
    for impl in host.implementations(frozenset(enabled), hook_name):
        try:
            with db.session.begin_nested():
                answer = impl.function(*(kwargs.get(name) for name in impl.argnames))
        except Exception:
            if host.strict:
                raise
            log.exception(
                "plugin %s failed in %s for %s", impl.plugin_name, hook_name, g.get("tenant")
            )
            continue
        if answer:
            answers.append((impl.plugin_name, answer))
    return answers


def staff_members() -> list[tuple[int, str]]:
    """(user id, name) of the community's staff and admins, the fallback assignees.

    Read through the table objects: the membership model is not part of the plugin API.
    """
    memberships = db.metadata.tables["tenant_memberships"]
    users = db.metadata.tables["users"]
    rows = db.session.execute(
        sa.select(users.c.id, users.c.name)
        .join(memberships, memberships.c.user_id == users.c.id)
        .where(
            memberships.c.tenant_id == current_tenant_id(),
            memberships.c.role.in_(("staff", "admin")),
        )
        .order_by(users.c.name)
    )
    return [(row.id, row.name) for row in rows]


def find_member(email: str) -> tuple[int, str] | None:
    """(user id, name) of the community member with this e-mail, or None."""
    memberships = db.metadata.tables["tenant_memberships"]
    users = db.metadata.tables["users"]
    row = db.session.execute(
        sa.select(users.c.id, users.c.name)
        .join(memberships, memberships.c.user_id == users.c.id)
        .where(
            memberships.c.tenant_id == current_tenant_id(),
            sa.func.lower(users.c.email) == email.strip().lower(),
        )
    ).first()
    return (row.id, row.name) if row else None
