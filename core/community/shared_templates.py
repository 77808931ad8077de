"""Templates the operator publishes for many communities (a county's pay scale, a
district's checklist): versioned, global, read by the communities that adopt them.

A plugin names its templates by ``kind`` (e.g. ``"scale"``) and ``key`` (e.g.
``"wangcang-2026"``). Publishing a key again adds a version with its own effective date;
nothing is edited or removed, so what was in force on any past date can always be read
again. Adopting is the community's business: it stores the key in its own tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import has_request_context
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.models import SharedTemplate


class NotOperator(PermissionError):
    """Only the platform's operator publishes shared templates."""


@dataclass(frozen=True)
class TemplateVersion:
    """One published version of a shared template."""

    key: str
    version: int
    effective_from: date
    payload: dict
    published_by: int | None
    created_at: datetime


def _version(row: SharedTemplate) -> TemplateVersion:
    return TemplateVersion(
        row.key, row.version, row.effective_from, row.payload, row.published_by, row.created_at
    )


def _publisher() -> int | None:
    """Who publishes: a signed-in person must be the operator (anyone else is refused
    with ``NotOperator``); code run with nobody signed in (a ``flask`` command on the
    server, the demo loader) publishes as the platform. Plugins call this only from
    operator-only paths (a command, an operator page), never from a community page."""
    if not has_request_context() or not getattr(current_user, "is_authenticated", False):
        return None
    if not current_user.is_operator:
        raise NotOperator("only the platform operator publishes shared templates")
    return current_user.id


def publish_shared_template(
    plugin_id: str, kind: str, key: str, payload: dict, effective_from: date
) -> TemplateVersion:
    """Publish the next version of ``key`` (version 1 if new), in force from
    ``effective_from``; the caller commits. Two publishing at once both get a version:
    the unique ``(plugin_id, kind, key, version)`` makes the later one take the next."""
    by = _publisher()
    for _attempt in range(5):
        latest = db.session.execute(
            db.select(db.func.max(SharedTemplate.version)).where(
                SharedTemplate.plugin_id == plugin_id,
                SharedTemplate.kind == kind,
                SharedTemplate.key == key,
            )
        ).scalar()
        row = SharedTemplate(
            plugin_id=plugin_id, kind=kind, key=key, version=(latest or 0) + 1,
            effective_from=effective_from, payload=payload, published_by=by,
        )  # fmt: skip
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            continue
        return _version(row)
    raise RuntimeError(f"could not publish {plugin_id}/{kind}/{key}: too many at once")


def shared_templates(plugin_id: str, kind: str) -> list[TemplateVersion]:
    """The latest version of each template of ``kind``, by key."""
    newest = (
        db.select(SharedTemplate.key, db.func.max(SharedTemplate.version).label("v"))
        .where(SharedTemplate.plugin_id == plugin_id, SharedTemplate.kind == kind)
        .group_by(SharedTemplate.key)
        .subquery()
    )
    rows = db.session.execute(
        db.select(SharedTemplate)
        .join(newest, db.and_(SharedTemplate.key == newest.c.key,
                              SharedTemplate.version == newest.c.v))
        .where(SharedTemplate.plugin_id == plugin_id, SharedTemplate.kind == kind)
        .order_by(SharedTemplate.key)
    ).scalars()  # fmt: skip
    return [_version(r) for r in rows]


def shared_template_versions(plugin_id: str, kind: str, key: str) -> list[TemplateVersion]:
    """Every version of one template, oldest first."""
    rows = db.session.execute(
        db.select(SharedTemplate)
        .where(
            SharedTemplate.plugin_id == plugin_id,
            SharedTemplate.kind == kind,
            SharedTemplate.key == key,
        )
        .order_by(SharedTemplate.version)
    ).scalars()
    return [_version(r) for r in rows]


def shared_template_in_force(
    plugin_id: str, kind: str, key: str, on: date
) -> TemplateVersion | None:
    """The version of ``key`` in force on ``on``: the latest effective date not after it
    (of two with the same date, the later version); ``None`` before the first."""
    row = db.session.execute(
        db.select(SharedTemplate)
        .where(
            SharedTemplate.plugin_id == plugin_id,
            SharedTemplate.kind == kind,
            SharedTemplate.key == key,
            SharedTemplate.effective_from <= on,
        )
        .order_by(SharedTemplate.effective_from.desc(), SharedTemplate.version.desc())
        .limit(1)
    ).scalar_one_or_none()
    return _version(row) if row else None
