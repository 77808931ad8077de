"""make bench's table (bench/run.py): each page's ratio divides by the minimal page
measured just before it, not by the one measured minutes earlier."""

from __future__ import annotations

from bench.run import table


def _run(page: dict) -> dict:
    pages = {
        "bare": {
            "rps": 3000,
            "p50_ms": 1,
            "p95_ms": 2,
            "p99_ms": 3,
            "errors": 0,
            "single_p50_ms": 0.3,
        },
        "minimal": {
            "rps": 1000,
            "p50_ms": 4,
            "p95_ms": 5,
            "p99_ms": 6,
            "errors": 0,
            "single_p50_ms": 1.0,
        },
        "dashboard": page,
    }
    return {"scales": {"small": {"pages": pages, "statements": {"dashboard": 7}}}}


def _row(text: str, label: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(f"| {label}"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_a_page_is_divided_by_its_paired_minimal_run():
    page = {"rps": 300, "p50_ms": 9, "p95_ms": 10, "p99_ms": 11, "errors": 0}
    paired = {**page, "single_p50_ms": 1.2, "minimal_rps": 500, "minimal_single_p50_ms": 0.8}
    row = _row(table(_run(paired)), "community dashboard")
    assert row[2] == "0.60"  # 300 / 500 (the neighbour), not 300 / 1000
    assert row[-1] == "1.5"  # 1.2 / 0.8
    unpaired = _row(table(_run({**page, "single_p50_ms": 1.2})), "community dashboard")
    assert unpaired[2] == "0.30" and unpaired[-1] == "1.2"  # older results: the first run
