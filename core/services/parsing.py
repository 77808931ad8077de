"""Ids from user input (query strings, form fields)."""

from __future__ import annotations

BIGINT_MAX = 2**63 - 1


def parse_id(raw: str | None) -> int | None:
    """A positive id that a BIGINT column can hold, or None (never an overflow later)."""
    raw = (raw or "").strip()
    if not raw.isdigit() or len(raw) > 19:
        return None
    value = int(raw)
    return value if 0 < value <= BIGINT_MAX else None
