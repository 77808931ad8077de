"""A demo district with one street per demo community, an office account, and a year of
figures, so `make run` shows what an office sees."""

from __future__ import annotations

from core.extensions import db
from core.models import User
from core.offices import figures, templates_down
from core.offices.models import Office, OfficeCommunity, OfficeMember
from core.services.time import DEFAULT_TIMEZONE
from tenants.models import Tenant

DISTRICT = ("demo-district", "演示区", "Demo District")
STREETS = {  # community slug -> its street
    "heyunlu": ("nanping", "南坪街道", "Nanping Street"),
    "wangcang-dongcheng": ("dongcheng", "东城街道", "Dongcheng Street"),
}


def _office(slug: str, name_zh: str, name_en: str, kind: str, parent=None) -> Office:
    office = db.session.execute(db.select(Office).where(Office.slug == slug)).scalar_one_or_none()
    if office is None:
        office = Office(slug=slug, name_zh=name_zh, name_en=name_en, kind=kind, parent_id=parent)
        db.session.add(office)
        db.session.flush()
    return office


def load(account: User) -> str:
    """Set the offices up (idempotent) and refresh a year of figures; the district's slug."""
    district = _office(*DISTRICT, "district")
    for community_slug, street in STREETS.items():
        tenant = db.session.execute(
            db.select(Tenant).where(Tenant.slug == community_slug)
        ).scalar_one_or_none()
        if tenant is None:
            continue
        office = _office(*street, "street", district.id)
        if db.session.get(OfficeCommunity, tenant.id) is None:
            db.session.add(OfficeCommunity(community_id=tenant.id, office_id=office.id))
    if (
        db.session.execute(
            db.select(OfficeMember).where(
                OfficeMember.office_id == district.id, OfficeMember.user_id == account.id
            )
        ).scalar_one_or_none()
        is None
    ):
        db.session.add(OfficeMember(office_id=district.id, user_id=account.id))
    _publish_examples(district, account)
    db.session.commit()
    for tenant in db.session.execute(db.select(Tenant)).scalars().all():
        current = figures.this_month(tenant.timezone)
        figures.refresh(tenant, [figures.add_months(current, -n) for n in range(12)])
    return district.slug


def _publish_examples(district: Office, account: User) -> None:
    """The district publishes each module's example template once, so its communities
    have something to adopt (templates down)."""
    for kind in templates_down.kinds():
        if not kind.example or templates_down.versions(district, kind):
            continue
        first = figures.this_month(DEFAULT_TIMEZONE)
        templates_down.publish(district, kind, kind.example, first, account.id)
