"""Pay scales: the monthly base by post, level (1-10) and area (urban / rural, the
community's kind), versioned by effective date.

``scale_in_force(day)`` is the one lookup: payroll, the pages and the budget all ask it.
A community's own ``ScaleVersion`` rows say, from each date, either the rates themselves
or the shared template (published by the operator) it follows; a template's version is
then the one in force on the same day, so a county's new version applies from its own
effective date to every community following it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.plugin_api import db, publish_shared_template, shared_template_in_force
from plugins.salaries.i18n import _
from plugins.salaries.models import AREAS, LEVELS, POSTS, ScaleVersion

PLUGIN = "salaries"
KIND = "scale"  # the kind of our shared templates


class BadScale(ValueError):
    """A scale that cannot be used; the message is in the user's language."""


@dataclass(frozen=True)
class Scale:
    """The rates in force on a day and where they come from."""

    rates: dict  # {post: {area: [fen of level 1, ..., level 10]}}
    effective_from: date  # of the community's row
    name: str
    template_key: str | None = None
    template_version: int | None = None
    template_from: date | None = None

    def base(self, post: str, area: str, level: int) -> int:
        return self.rates[post][area][level - 1]


def check_rates(rates: object) -> dict:
    """The rates if complete and sane (every post, both areas, ten levels, whole fen
    from 0 to 1,000,000 yuan); ``BadScale`` otherwise."""
    if not isinstance(rates, dict):
        raise BadScale(_("A scale gives rates by post."))
    clean: dict = {}
    for post in POSTS:
        by_area = rates.get(post)
        if not isinstance(by_area, dict):
            raise BadScale(_("The scale has no rates for the post %(post)s.", post=post))
        clean[post] = {}
        for area in AREAS:
            row = by_area.get(area)
            if (
                not isinstance(row, list)
                or len(row) != len(LEVELS)
                or not all(type(v) is int and 0 <= v <= 100_000_000 for v in row)
            ):
                raise BadScale(
                    _("The rates for %(post)s (%(area)s) must be ten amounts in fen.",
                      post=post, area=area)
                )  # fmt: skip
            clean[post][area] = list(row)
    return clean


def scale_in_force(day: date) -> Scale | None:
    """The scale the community pays by on ``day``; ``None`` if it has none yet (or
    follows a template not yet in force)."""
    row = db.session.execute(
        db.select(ScaleVersion)
        .where(ScaleVersion.effective_from <= day)
        .order_by(ScaleVersion.effective_from.desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        return None
    if row.template_key is None:
        return Scale(row.rates, row.effective_from, row.name)
    template = shared_template_in_force(PLUGIN, KIND, row.template_key, day)
    if template is None:
        return None
    return Scale(
        template.payload["rates"], row.effective_from, template.payload.get("name", ""),
        row.template_key, template.version, template.effective_from,
    )  # fmt: skip


def publish_template(key: str, name: str, rates: dict, effective_from: date):
    """The operator publishes (the next version of) a county's scale."""
    return publish_shared_template(
        PLUGIN, KIND, key, {"name": name, "rates": check_rates(rates)}, effective_from
    )
