"""半年述职评议 scoring: weighted group averages, missing scores, rounding (docs/committees.md).

The rule, step by step (the worked example in docs/committees.md is tested verbatim):

1. A sheet (one assessor, one committee) scores each criterion from 0 to its maximum. Its
   score out of 100 is the points given divided by the maximum of the criteria it
   scored, times 100: a criterion left blank is left out of both (not counted as 0).
   A sheet with no criterion scored is ignored.
2. A group's score is the plain mean of its sheets' scores.
3. The result is the weighted mean of the groups' scores. A group without any sheet for
   the committee is left out and the weights of the others are used as they stand,
   divided by their sum (so they still add up to 100 %). No sheet at all: no result.
4. Everything is exact (fractions) until the end; the result and each group's score are
   rounded once, to two decimals, half up (85.125 -> 85.13), and kept as hundredths.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

GROUPS = ("party", "units", "residents")


@dataclass(frozen=True)
class Sheet:
    group: str
    marks: Mapping[int, int | None]  # criterion id -> points, None when left blank


@dataclass(frozen=True)
class Outcome:
    total: int | None  # hundredths of a point out of 100; None without any sheet
    groups: dict[str, int | None]  # each group's score in hundredths, None without sheets


def sheet_score(marks: Mapping[int, int | None], maxima: Mapping[int, int]) -> Fraction | None:
    """Step 1: a sheet's score out of 100, or None when it scored nothing."""
    given = {c: p for c, p in marks.items() if p is not None and c in maxima}
    if not given:
        return None
    return Fraction(sum(given.values()) * 100, sum(maxima[c] for c in given))


def hundredths(value: Fraction) -> int:
    """Step 4: round once, to two decimals, half up; as an integer of hundredths."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return int((exact * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def weighted_result(
    sheets: Iterable[Sheet], maxima: Mapping[int, int], weights: Mapping[str, int]
) -> Outcome:
    """Steps 2 to 4 for one committee."""
    by_group: dict[str, list[Fraction]] = {g: [] for g in GROUPS}
    for sheet in sheets:
        score = sheet_score(sheet.marks, maxima)
        if score is not None and sheet.group in by_group:
            by_group[sheet.group].append(score)
    means = {g: (sum(s) / len(s) if s else None) for g, s in by_group.items()}
    present = {g: weights.get(g, 0) for g, m in means.items() if m is not None}
    weight_sum = sum(present.values())
    total = None
    if weight_sum > 0:
        total = hundredths(sum(means[g] * w for g, w in present.items()) / weight_sum)
    return Outcome(total, {g: (hundredths(m) if m is not None else None) for g, m in means.items()})


def as_points(value: int | None) -> str:
    """Hundredths as the figure people read: 8513 -> "85.13"."""
    if value is None:
        return "—"
    return f"{value // 100}.{value % 100:02d}"
