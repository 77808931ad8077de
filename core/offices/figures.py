"""Figures of communities by month: computed by the plugins, stored, read across communities.

Plugins answer ``community_figures`` for one community and one month, in that community's
own scope (no plugin ever reads across communities). :func:`refresh` stores the answers in
``core_figure_snapshots``; the offices' pages read them with one statement for any number
of communities (:func:`table`), and the offices' sums kept per month (:func:`office_months`).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.extensions import db
from core.offices.models import FigureSnapshot, Office, OfficeCommunity, OfficeFigure
from core.plugins.gateway import Unavailable, gateway, host
from core.plugins.types import FigureKind
from core.services.time import to_local, utcnow
from tenants.context import all_tenants, community_scope
from tenants.models import Tenant

log = logging.getLogger("gongzhi.offices")


def month_of(moment: date) -> date:
    return moment.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def this_month(zone: str) -> date:
    return month_of(to_local(utcnow(), zone).date())


def bounds(month: date, zone: str) -> tuple[datetime, datetime]:
    """The month's start and end (excluded) as aware times of the community's zone."""
    tz = ZoneInfo(zone)
    following = add_months(month, 1)
    return (
        datetime(month.year, month.month, 1, tzinfo=tz),
        datetime(following.year, following.month, 1, tzinfo=tz),
    )


def kinds() -> list[FigureKind]:
    """Every figure the loaded plugins give, in column order."""
    return sorted(host().figure_kinds.values(), key=lambda k: (k.order, k.key))


def refresh(tenant: Tenant, months: list[date], keep_totals: bool = True) -> int:
    """Ask the community's enabled plugins for each month's figures and store them
    (replacing that month's earlier snapshot). Returns the number of figures stored."""
    declared = host().figure_kinds
    stored = 0
    with community_scope(tenant):
        for month in months:
            start, end = bounds(month, tenant.timezone)
            values: dict[str, int] = {}
            for plugin_id, answer in gateway().call_isolated(
                "community_figures", start=start, end=end
            ):
                if answer is Unavailable or not isinstance(answer, dict):
                    continue
                for key, value in answer.items():
                    if key.startswith(plugin_id + ".") and key in declared and _integer(value):
                        values[key] = int(value)
                    else:
                        log.warning("plugin %s: figure %r=%r ignored", plugin_id, key, value)
            db.session.execute(db.delete(FigureSnapshot).where(FigureSnapshot.month == month))
            now = utcnow()
            db.session.add_all(
                FigureSnapshot(month=month, key=key, value=value, computed_at=now)
                for key, value in values.items()
            )
            stored += len(values)
        db.session.commit()
    if keep_totals:
        refresh_office_totals(offices_above(tenant.id))
    return stored


def _integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def refresh_all(months_back: int = 1) -> tuple[int, int]:
    """Every community's figures for this month and ``months_back - 1`` before it (the
    scheduled job). Returns (communities, figures)."""
    with all_tenants():
        communities = db.session.execute(db.select(Tenant).order_by(Tenant.id)).scalars().all()
    figures = 0
    for tenant in communities:
        current = this_month(tenant.timezone)
        months = [add_months(current, -back) for back in range(months_back)]
        figures += refresh(tenant, months, keep_totals=False)
    with all_tenants():
        refresh_office_totals(db.session.scalars(db.select(Office.id)).all())
    return len(communities), figures


def offices_above(community_id: int) -> list[int]:
    """The community's street office and that street's district."""
    with all_tenants():
        street = db.session.scalar(
            db.select(OfficeCommunity.office_id).where(OfficeCommunity.community_id == community_id)
        )
        if street is None:
            return []
        district = db.session.scalar(db.select(Office.parent_id).where(Office.id == street))
    return [street] + ([district] if district else [])


def refresh_office_totals(office_ids: list[int]) -> None:
    """Sum the offices' communities' figures per month into ``core_office_figures`` (after
    a refresh, and when the operator moves a community): one grouped statement each."""
    from core.offices.access import community_ids_select

    with all_tenants():
        for office_id in office_ids:
            office = db.session.get(Office, office_id)
            if office is None:
                continue
            sums = db.session.execute(
                db.select(
                    FigureSnapshot.month, FigureSnapshot.key, db.func.sum(FigureSnapshot.value)
                )
                .where(FigureSnapshot.tenant_id.in_(community_ids_select(office)))
                .group_by(FigureSnapshot.month, FigureSnapshot.key)
            ).all()
            db.session.execute(db.delete(OfficeFigure).where(OfficeFigure.office_id == office_id))
            if sums:
                db.session.execute(
                    db.insert(OfficeFigure),
                    [
                        {"office_id": office_id, "month": m, "key": k, "value": int(v)}
                        for m, k, v in sums
                    ],
                )
        db.session.commit()


# Reads across communities: called by core.offices.access's views only, inside
# all_tenants() and for the communities the office may see.


def table(community_ids: list[int], month: date) -> dict[int, dict[str, int]]:
    """{community: {key: value}} for one month: one statement for any number."""
    out: dict[int, dict[str, int]] = {cid: {} for cid in community_ids}
    if not community_ids:
        return out
    rows = db.session.execute(
        db.select(FigureSnapshot.tenant_id, FigureSnapshot.key, FigureSnapshot.value).where(
            FigureSnapshot.tenant_id.in_(community_ids), FigureSnapshot.month == month
        )
    )
    for tenant_id, key, value in rows:
        out[tenant_id][key] = value
    return out


def office_months(office_id: int, first: date, last: date) -> dict[date, dict[str, int]]:
    """{month: {key: sum over the office's communities}} from ``first`` to ``last``, as
    kept by :func:`refresh_office_totals`: one statement of at most months × figures rows."""
    return _by_month(OfficeFigure, OfficeFigure.office_id == office_id, first, last)


def community_months(community_id: int, first: date, last: date) -> dict[date, dict]:
    """{month: {key: value}} of one community: one statement."""
    return _by_month(FigureSnapshot, FigureSnapshot.tenant_id == community_id, first, last)


def _by_month(model, owner, first: date, last: date) -> dict[date, dict[str, int]]:
    """{month: {key: value}} of ``model``'s rows of one ``owner``, every month from
    ``first`` to ``last`` present (empty when nothing was stored)."""
    out: dict[date, dict[str, int]] = {}
    month = first
    while month <= last:
        out[month] = {}
        month = add_months(month, 1)
    rows = db.session.execute(
        db.select(model.month, model.key, model.value).where(
            owner, model.month >= first, model.month <= last
        )
    )
    for month, key, value in rows:
        out.setdefault(month, {})[key] = value
    return out


def computed_at(community_ids: list[int]) -> datetime | None:
    """When these communities' figures were last refreshed (the page's "as of")."""
    if not community_ids:
        return None
    return db.session.scalar(
        db.select(db.func.max(FigureSnapshot.computed_at)).where(
            FigureSnapshot.tenant_id.in_(community_ids)
        )
    )


def total_row(kinds: list[FigureKind], sums: dict[str, int]) -> dict[str, int | None]:
    """The total row from the sums over every community: counts, minutes and money add
    up; shares do not (None)."""
    return {k.key: None if k.unit == "permille" else sums.get(k.key, 0) for k in kinds}
