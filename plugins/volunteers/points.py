"""How many points an approved log earns.

points = hours × rate per hour × multiplier, computed in integers on whole minutes and
rounded to the nearest point, halves up: ``(minutes × rate × multiplier_pct + 3000) //
6000`` (multiplier_pct 150 means ×1.5). 2 h 30 min at 10 points an hour ×1.5 = 37.5 → 38.
"""

from __future__ import annotations


def points_for(minutes: int, rate_per_hour: int, multiplier_pct: int) -> int:
    if minutes < 0 or rate_per_hour < 0 or multiplier_pct < 0:
        raise ValueError("minutes, rate and multiplier are never negative")
    return (minutes * rate_per_hour * multiplier_pct + 3000) // 6000


def parse_hours(raw: str | None) -> int | None:
    """Hours as typed ("2", "1.5", "0.25", "2,5") to whole minutes; None when it is not
    a number of hours from 0.25 to 24 with at most two decimals."""
    if not isinstance(raw, str):
        return None
    text = raw.strip().replace(",", ".").replace("．", ".")
    if not text or len(text) > 6:
        return None
    whole, _, frac = text.partition(".")
    if not whole.isascii() or not (whole.isdigit() or (whole == "" and frac)):
        return None
    if frac and (not frac.isascii() or not frac.isdigit() or len(frac) > 2):
        return None
    hundredths = int(whole or "0") * 100 + int((frac + "00")[:2])
    minutes = (hundredths * 60 + 50) // 100
    if minutes < 15 or minutes > 24 * 60:
        return None
    return minutes


def hours_text(minutes: int) -> str:
    """Minutes as hours for people: 150 → "2.5", 120 → "2"."""
    hours = minutes / 60
    return f"{hours:.2f}".rstrip("0").rstrip(".")
