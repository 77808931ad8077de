"""Pure rules: rounding, yuan, seniority years, headcount maths, the appraisal rule."""

from __future__ import annotations

from datetime import date

import pytest

from plugins.salaries.budget import entitled_posts
from plugins.salaries.forms import parse_month
from plugins.salaries.money import parse_yuan, percent_of, yuan
from plugins.salaries.payroll import Refused, Rules, parse_bands, whole_years


@pytest.mark.parametrize(
    ("fen", "percent", "expected"),
    [
        (290000, 10, 29000),
        (290005, 10, 29001),  # 29,000.5 -> half away from zero
        (290004, 10, 29000),  # 29,000.4 -> down
        (290005, -10, -29001),  # -29,000.5 -> away from zero
        (290004, -10, -29000),
        (333333, 33, 110000),  # 109,999.89 -> 110,000
        (1, 50, 1),  # 0.5 fen -> 1
        (1, -50, -1),
        (0, 10, 0),
    ],
)
def test_percent_rounds_half_away_from_zero_once(fen, percent, expected):
    assert percent_of(fen, percent) == expected


def test_yuan_in_and_out():
    assert parse_yuan("2900") == 290000
    assert parse_yuan("2,900.5") == 290050
    assert parse_yuan(" 0.05 ") == 5
    for bad in ("-1", "1.005", "abc", "２９００", "", "1e3"):
        assert parse_yuan(bad) is None, bad
    assert yuan(-123450) == "-1,234.50"


def test_whole_years_of_seniority():
    assert whole_years(date(2016, 3, 1), date(2026, 3, 1)) == 10
    assert whole_years(date(2016, 3, 2), date(2026, 3, 1)) == 9
    assert whole_years(date(2027, 1, 1), date(2026, 3, 1)) == 0


@pytest.mark.parametrize(
    ("households", "posts"),
    [(0, 5), (3000, 5), (3499, 5), (3500, 6), (4000, 7), (4200, 7), (10000, 19)],
)
def test_headcount_norm(households, posts):
    """珲春: base posts up to 3,000 households, one more per further (whole) 500."""
    assert entitled_posts(households, 5, 3000, 500) == posts


def test_appraisal_rule():
    bands = parse_bands("90:110，75：100, 60:90, 0:80")
    rules = Rules(0, 0, 0, 0, bands)
    assert [rules.coefficient(s) for s in (100, 90, 89, 75, 60, 59, 0)] == [
        110, 110, 100, 100, 90, 80, 80,
    ]  # fmt: skip
    for bad in ("90-110", "x:1", "101:100", "50:400"):
        with pytest.raises(Refused):
            parse_bands(bad)


def test_months():
    assert parse_month("2026-3") == date(2026, 3, 1)
    for bad in ("2026-13", "2026/03", "26-03", "", None, "２０２６-03"):
        assert parse_month(bad) is None
