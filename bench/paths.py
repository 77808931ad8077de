"""Where the bench keeps its databases and results (bench/results/, git-ignored)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def default_database_url(scale: str) -> str:
    """A SQLite file per scale, kept between runs so the full data is generated once."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{RESULTS / f'bench-{scale}.db'}"
