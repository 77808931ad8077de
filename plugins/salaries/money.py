"""Money: integer fen, and the one rounding rule of the plugin.

A figure that needs a division (an appraisal coefficient applied to the base pay) is
worked out in integers and rounded once, per line, to the nearest fen, halves away from
zero (what ``decimal.ROUND_HALF_UP`` does): 29,000.5 fen -> 29,001; -29,000.5 -> -29,001.
Totals are sums of rounded lines, never rounded again.
"""

from __future__ import annotations

import re

_YUAN = re.compile(r"^([0-9]{1,9})(?:\.([0-9]{1,2}))?$", re.ASCII)


def percent_of(fen: int, percent: int) -> int:
    """``fen * percent / 100`` rounded half away from zero to the fen."""
    numerator = fen * percent
    quotient, remainder = divmod(abs(numerator), 100)
    if remainder * 2 >= 100:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def parse_yuan(text: str) -> int | None:
    """``"2900"`` or ``"2,900.50"`` yuan -> fen; ``None`` for anything else (negative,
    three decimals, letters, full-width digits)."""
    match = _YUAN.match(text.strip().replace(",", ""))
    if not match:
        return None
    whole, cents = match.groups()
    return int(whole) * 100 + int((cents or "0").ljust(2, "0"))


def yuan(fen: int) -> str:
    """Fen as yuan with two decimals and thousands separators: ``-1,234.50``."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def yuan_plain(fen: int) -> str:
    """Fen as yuan without separators, as typed in a form or a template: 2900, 2900.50."""
    whole, cents = divmod(fen, 100)
    if cents == 0:
        return str(whole)
    return f"{whole}.{cents:02d}"
