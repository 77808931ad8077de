"""Matters (orange requests) the requests plugin assigns to a committee: tell its members."""

from __future__ import annotations

from core.plugin_api import db, notify, parse_id
from plugins.committees.models import Committee, Seat


def tell_members(committee_key: str, number: str) -> None:
    committee_id = parse_id(committee_key)
    if committee_id is None:
        return
    committee = db.session.execute(
        db.select(Committee).where(Committee.id == committee_id)
    ).scalar_one_or_none()
    if committee is None:
        return
    members = db.session.execute(
        db.select(Seat.user_id).where(Seat.committee_id == committee.id, Seat.active_key == 1)
    ).scalars()
    notify(
        list(members),
        "committees.matter",
        {
            "zh_Hans": f"社区事务 {number} 已交办给{committee.name}",
            "en": f"Community matter {number} was assigned to {committee.name}",
        },
    )
