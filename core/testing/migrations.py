"""Helpers for tests of a plugin's data migration: rows written at an older revision,
where the ORM's models already have columns the tables do not have yet."""

from __future__ import annotations

from sqlalchemy import text

from core.services.i18n import DEFAULT_LOCALE
from core.services.time import DEFAULT_TIMEZONE, utcnow


def old_schema_community(db, slug: str, name_zh: str, name_en: str) -> int:
    """Add a community with the columns every revision has (the ORM's ``Tenant`` may
    carry later ones, e.g. ``data_version``); returns its id. The caller commits. For the
    rest of the session (the app context) writes raise no data version: its column may
    not exist yet."""
    from tenants.data_version import OLD_SCHEMA
    from tenants.models import COMMUNITY_KINDS

    db.session.info[OLD_SCHEMA] = True
    db.session.execute(
        text(
            "INSERT INTO tenants (slug, name_zh, name_en, kind, households, timezone,"
            " default_locale, open_registration, created_at)"
            " VALUES (:slug, :zh, :en, :kind, 0, :zone, :locale, :yes, :now)"
        ),
        {
            "slug": slug,
            "zh": name_zh,
            "en": name_en,
            "kind": COMMUNITY_KINDS[0],
            "zone": DEFAULT_TIMEZONE,
            "locale": DEFAULT_LOCALE,
            "yes": True,
            "now": utcnow(),
        },
    )
    return db.session.execute(
        text("SELECT id FROM tenants WHERE slug = :slug"), {"slug": slug}
    ).scalar_one()
