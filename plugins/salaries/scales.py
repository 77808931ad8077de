"""Pay scales: the monthly base by post, level (1-10) and area (urban / rural, the
community's kind), versioned by effective date.

``scale_in_force(day)`` is the one lookup: payroll, the pages and the budget all ask it.
A community's own ``ScaleVersion`` rows say, from each date, either the rates themselves
or the shared template (published by the operator) it follows; a template's version is
then the one in force on the same day, so a county's new version applies from its own
effective date to every community following it.

A street or district office's scale (core's templates down, ``scale_text``) is adopted
differently: its rates are copied into the community's row, which names the office's
template and version. The office's next version changes nothing until the community
adopts it too (the scales page offers it); the community's own rates from a later date
are its local change and stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.plugin_api import (
    TemplateVersion,
    db,
    publish_shared_template,
    record_adoption,
    shared_template_in_force,
)
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
    source_key: str | None = None  # rates copied from an office's scale: its key
    source_version: int | None = None  # … and version

    def base(self, post: str, area: str, level: int) -> int:
        return self.rates[post][area][level - 1]

    @property
    def local(self) -> bool:
        """The community's own rates (not a shared or an office's scale)."""
        return self.template_key is None and self.source_key is None


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
        return Scale(row.rates, row.effective_from, row.name,
                     source_key=row.source_key, source_version=row.source_version)  # fmt: skip
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


def adoption_row(template: TemplateVersion, effective_from: date, by: int | None) -> ScaleVersion:
    """The community's row for adopting ``template`` from ``effective_from`` (not yet
    added): an office's scale is copied (its version pinned), the operator's followed."""
    if template.office_id is None:
        return ScaleVersion(effective_from=effective_from, template_key=template.key,
                            created_by=by)  # fmt: skip
    payload = template.payload if isinstance(template.payload, dict) else {}
    name = str(payload.get("name") or "").strip() or template.office or template.key
    return ScaleVersion(
        effective_from=effective_from, name=name[:80], rates=check_rates(payload.get("rates")),
        source_key=template.key, source_version=template.version, created_by=by,
    )  # fmt: skip


def record(template: TemplateVersion, by: int | None) -> None:
    """Tell core the community adopted ``template`` (the office sees it); the caller
    commits with the row."""
    record_adoption(template, PLUGIN, KIND, by)
