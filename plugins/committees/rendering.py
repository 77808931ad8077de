"""Render the plugin's templates with the words for its codes (kinds, roles, statuses).

Passed per page rather than by an app-wide context processor, so they stay out of every
other template's names."""

from __future__ import annotations

from flask import render_template

from plugins.committees.labels import (
    END_LABELS,
    GROUP_LABELS,
    KIND_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
)

_WORDS = {
    "committee_kind": KIND_LABELS,
    "seat_role": ROLE_LABELS,
    "application_status": STATUS_LABELS,
    "seat_end_reason": END_LABELS,
    "assessor_group": GROUP_LABELS,
}


def _lookup(table: dict):
    return lambda code: table.get(code, code)


def render_page(template: str, **context) -> str:
    """``render_template`` plus the label look-ups our templates use."""
    for name, table in _WORDS.items():
        context.setdefault(name, _lookup(table))
    return render_template(template, **context)
