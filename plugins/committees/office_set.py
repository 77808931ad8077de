"""The office's set of committees, as a community adopts it (core's templates down, kind
``committees.set``; the text is ``set_text``'s).

Adopting a version sets up, in one transaction, the set's committees the community does
not have yet; a committee of the same name stays exactly as the community keeps it (its
local adaptation: seats, remit, contact are the community's). Adopting a newer version
again sets up only what is still missing. The adoption is recorded with core, so the
office sees which version each of its communities took.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.plugin_api import (
    Adoption,
    TemplateVersion,
    db,
    record_adoption,
    shared_template,
    shared_templates,
    template_adoption,
)
from plugins.committees.models import Committee
from plugins.committees.set_text import entries

PLUGIN, KIND = "committees", "set"


@dataclass(frozen=True)
class Plan:
    """What adopting ``template`` does: the committees to set up, and those that exist
    already (the set's entry with the community's committee of that name)."""

    template: TemplateVersion
    create: list[dict]
    existing: list[tuple[dict, Committee]]


def offered() -> list[TemplateVersion]:
    """The sets the community in scope may adopt (its street's and district's first)."""
    return shared_templates(PLUGIN, KIND)


def find(key: str, version: int) -> TemplateVersion | None:
    """One version of a set, if the community in scope may see it."""
    return shared_template(PLUGIN, KIND, key, version)


def adoption() -> Adoption | None:
    """The community's latest adoption of a set, with the newer version if any."""
    return template_adoption(PLUGIN, KIND)


def plan(template: TemplateVersion) -> Plan:
    rows = entries(template.payload)
    names = [row["name"] for row in rows]
    have = {
        c.name: c
        for c in db.session.execute(
            db.select(Committee).where(Committee.name.in_(names))
        ).scalars()
    } if names else {}  # fmt: skip
    return Plan(
        template,
        [row for row in rows if row["name"] not in have],
        [(row, have[row["name"]]) for row in rows if row["name"] in have],
    )


def set_up(chosen: Plan, by: int | None) -> None:
    """Add the missing committees and record the adoption (the caller commits). Raises
    ``IntegrityError`` (nothing added) when one of the names was taken meanwhile."""
    with db.session.begin_nested():
        for row in chosen.create:
            db.session.add(Committee(name=row["name"], kind=row["kind"], remit=row["remit"],
                                     min_seats=row["min_seats"],
                                     max_seats=row["max_seats"]))  # fmt: skip
        db.session.flush()
    record_adoption(chosen.template, PLUGIN, KIND, by)
