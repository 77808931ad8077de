"""Templates published for many communities (a county's pay scale, a district's
responsibility list): versioned, read by the communities that adopt them.

The platform's operator publishes for every community (``publish_shared_template``); a
street or district office publishes for the communities under it
(``publish_office_template``, key ``"@<office slug>"``: one template of each kind per
office, versioned). A community sees the operator's templates and those of the offices
above it, never another office's (``shared_templates`` in a community's scope).

A plugin names its templates by ``kind`` (e.g. ``"scale"``) and ``key`` (e.g.
``"wangcang-2026"``). Publishing a key again adds a version with its own effective date;
nothing is edited or removed, so what was in force on any past date can always be read
again. Adopting is the community's business: it copies the payload into its own tables
(or stores the key) and records the adoption (``record_adoption``), which the office sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import has_request_context
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.models import SharedTemplate, TemplateAdoption
from core.offices.access import offices_above
from core.offices.models import Office
from tenants.context import current_tenant_id


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
    office_id: int | None = None  # None: the platform operator's
    office: str = ""  # the publishing office's name in the reader's language


@dataclass(frozen=True)
class Adoption:
    """A community's latest adoption of a template of one kind (``template_adoption``):
    the version it adopted, when, and the newest version of that template it may see
    (``newer`` is that one when it is later than the adopted one, else ``None``)."""

    template: TemplateVersion
    adopted_at: datetime
    adopted_by: int | None
    newer: TemplateVersion | None


def _version(row: SharedTemplate, office: Office | None = None) -> TemplateVersion:
    return TemplateVersion(
        row.key, row.version, row.effective_from, row.payload, row.published_by,
        row.created_at, row.office_id, office.name() if office is not None else "",
    )  # fmt: skip


def _with_office(select):
    """Add the publishing office (for its name) to a select of ``SharedTemplate``."""
    return select.add_columns(Office).outerjoin(Office, Office.id == SharedTemplate.office_id)


def _visible(select):
    """In a community's scope: the operator's templates and those of the offices above
    the community; elsewhere (the operator, a command, an office's own page): all."""
    community_id = current_tenant_id()
    if community_id is None:
        return select
    return select.where(
        db.or_(
            SharedTemplate.office_id.is_(None),
            SharedTemplate.office_id.in_(offices_above(community_id)),
        )
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
    return _publish(plugin_id, kind, key, payload, effective_from, _publisher(), None)


def office_key(office: Office) -> str:
    """The key of an office's template of each kind."""
    return "@" + office.slug


def publish_office_template(
    office: Office, plugin_id: str, kind: str, payload: dict, effective_from: date, by: int
) -> TemplateVersion:
    """An office publishes the next version of its template of ``kind`` for the
    communities under it (the caller checked that ``by`` holds the office; it commits)."""
    published = _publish(plugin_id, kind, office_key(office), payload, effective_from, by,
                         office.id)  # fmt: skip
    return TemplateVersion(**{**published.__dict__, "office": office.name()})


def _publish(
    plugin_id: str, kind: str, key: str, payload: dict, effective_from: date,
    by: int | None, office_id: int | None,
) -> TemplateVersion:  # fmt: skip
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
            office_id=office_id,
        )  # fmt: skip
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            continue
        return _version(row)
    raise RuntimeError(f"could not publish {plugin_id}/{kind}/{key}: too many at once")


def shared_templates(plugin_id: str, kind: str) -> list[TemplateVersion]:
    """The latest version of each template of ``kind`` by key: in a community's scope,
    those it may adopt (the operator's and its own offices'), the offices' first."""
    newest = (
        db.select(SharedTemplate.key, db.func.max(SharedTemplate.version).label("v"))
        .where(SharedTemplate.plugin_id == plugin_id, SharedTemplate.kind == kind)
        .group_by(SharedTemplate.key)
        .subquery()
    )
    rows = db.session.execute(
        _visible(_with_office(db.select(SharedTemplate)))
        .join(newest, db.and_(SharedTemplate.key == newest.c.key,
                              SharedTemplate.version == newest.c.v))
        .where(SharedTemplate.plugin_id == plugin_id, SharedTemplate.kind == kind)
        .order_by(SharedTemplate.office_id.is_(None), SharedTemplate.key)
    )  # fmt: skip
    return [_version(row, office) for row, office in rows]


def shared_template_versions(plugin_id: str, kind: str, key: str) -> list[TemplateVersion]:
    """Every version of one template, oldest first (none if the community in scope may
    not see it)."""
    rows = db.session.execute(
        _visible(_with_office(db.select(SharedTemplate)))
        .where(
            SharedTemplate.plugin_id == plugin_id,
            SharedTemplate.kind == kind,
            SharedTemplate.key == key,
        )
        .order_by(SharedTemplate.version)
    )
    return [_version(row, office) for row, office in rows]


def shared_template(plugin_id: str, kind: str, key: str, version: int) -> TemplateVersion | None:
    """One version of a template, if the community in scope may see it."""
    found = db.session.execute(
        _visible(_with_office(db.select(SharedTemplate))).where(
            SharedTemplate.plugin_id == plugin_id,
            SharedTemplate.kind == kind,
            SharedTemplate.key == key,
            SharedTemplate.version == version,
        )
    ).first()
    return _version(*found) if found else None


def record_adoption(template: TemplateVersion, plugin_id: str, kind: str, by: int | None) -> None:
    """The community in scope adopted ``template`` (its plugin copied what it needs); the
    caller commits. Refused (``LookupError``) for a template the community may not see."""
    if shared_template(plugin_id, kind, template.key, template.version) is None:
        raise LookupError(f"no template {plugin_id}/{kind}/{template.key} v{template.version}")
    db.session.add(
        TemplateAdoption(plugin_id=plugin_id, kind=kind, key=template.key,
                         version=template.version, adopted_by=by)
    )  # fmt: skip


def template_adoption(plugin_id: str, kind: str) -> Adoption | None:
    """The community in scope's latest adoption of a template of ``kind``, or None."""
    row = db.session.execute(
        db.select(TemplateAdoption)
        .where(TemplateAdoption.plugin_id == plugin_id, TemplateAdoption.kind == kind)
        .order_by(TemplateAdoption.adopted_at.desc(), TemplateAdoption.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        return None
    versions = shared_template_versions(plugin_id, kind, row.key)
    adopted = next((v for v in versions if v.version == row.version), None)
    if adopted is None:  # the office no longer holds the community: nothing to show
        return None
    newest = versions[-1]
    newer = newest if newest.version > adopted.version else None
    return Adoption(adopted, row.adopted_at, row.adopted_by, newer)


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
