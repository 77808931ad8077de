"""The scoring rule against the worked example in docs/committees.md."""

from __future__ import annotations

from pathlib import Path

from plugins.committees.scoring import Sheet, as_points, hundredths, sheet_score, weighted_result

DOC = Path(__file__).resolve().parents[3] / "docs" / "committees.md"
A, B = 1, 2
MAXIMA = {A: 40, B: 60}
WEIGHTS = {"party": 40, "units": 30, "residents": 30}


def test_the_worked_example_committee_x():
    sheets = [
        Sheet("party", {A: 36, B: 54}),
        Sheet("units", {A: 30, B: 50}),
        Sheet("units", {A: 35, B: None}),  # B left blank: 35 of 40
        Sheet("residents", {A: 40, B: 45}),
        Sheet("residents", {A: 20, B: 40}),
        Sheet("residents", {A: 38, B: 57}),
    ]
    outcome = weighted_result(sheets, MAXIMA, WEIGHTS)
    assert outcome.groups == {"party": 9000, "units": 8375, "residents": 8000}
    assert outcome.total == 8513  # 85.125 rounded half up (half to even would give 85.12)
    assert as_points(outcome.total) == "85.13"


def test_the_worked_example_committee_y_without_residents_sheets():
    sheets = [Sheet("party", {A: 28, B: 42}), Sheet("units", {A: 30, B: 46})]
    outcome = weighted_result(sheets, MAXIMA, WEIGHTS)
    assert outcome.groups == {"party": 7000, "units": 7600, "residents": None}
    assert outcome.total == 7257  # (40 x 70 + 30 x 76) / 70 = 72.5714...


def test_empty_sheets_and_no_sheets():
    assert sheet_score({A: None, B: None}, MAXIMA) is None
    outcome = weighted_result([Sheet("party", {A: None, B: None})], MAXIMA, WEIGHTS)
    assert outcome.total is None and outcome.groups["party"] is None
    assert weighted_result([], MAXIMA, WEIGHTS).total is None
    assert hundredths(sheet_score({A: 0, B: 0}, MAXIMA)) == 0


def test_the_docs_state_the_same_figures():
    text = DOC.read_text(encoding="utf-8")
    for figure in ("85.125", "85.13", "83.75", "72.57", "87.5"):
        assert figure in text, figure
