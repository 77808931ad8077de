"""Yuan as people type them -> integer fen; nothing else is money here."""

from __future__ import annotations

import re

YUAN = re.compile(r"([0-9]{1,9})(?:[.,]([0-9]{1,2}))?")
MAX_FEN = 100_000_000_00  # one hundred million yuan in one posting


def parse_yuan(raw: str | None) -> int | None:
    """``"12"``, ``"12.5"``, ``"1,234.50"`` -> fen (1200, 1250, 123450); ``None`` for
    anything else, zero, or above the ceiling. ASCII digits only."""
    if raw is None:
        return None
    text = raw.strip().replace("¥", "").replace("，", ",")
    if "," in text and "." in text:
        text = text.replace(",", "")  # thousands separators
    match = YUAN.fullmatch(text)
    if not match:
        return None
    fen = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    if fen <= 0 or fen > MAX_FEN:
        return None
    return fen


def yuan_text(fen: int) -> str:
    """1250 -> "12.50" (for a form field)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"
