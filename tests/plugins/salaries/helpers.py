"""Helpers shared by the salaries tests."""

from __future__ import annotations

from datetime import date

from core.plugin_api import commit, db
from plugins.salaries.models import POSTS, Assignment, ScaleVersion, Worker

BASE = "/c/alpha/salaries"
MONTH = date(2026, 3, 1)


def rates(per_post: dict[str, tuple[int, int]] | None = None, step: int = 0) -> dict:
    """Rates in fen: level 1 of each post (city, town) as given, ``step`` more per level."""
    per_post = per_post or {p: (300000, 280000) for p in POSTS}
    return {
        post: {
            "urban": [per_post[post][0] + step * i for i in range(10)],
            "rural": [per_post[post][1] + step * i for i in range(10)],
        }
        for post in POSTS
    }


def add_scale(effective_from: date, scale: dict | None = None, name: str = "标准") -> int:
    version = ScaleVersion(effective_from=effective_from, name=name, rates=scale or rates())
    db.session.add(version)
    commit()
    return version.id


def add_worker(name="张社工", post="worker", level=1, start=date(2026, 1, 1),
               certificate="", member_id=None) -> int:  # fmt: skip
    worker = Worker(name=name, start_date=start, certificate=certificate, member_id=member_id)
    db.session.add(worker)
    db.session.flush()
    db.session.add(Assignment(worker_id=worker.id, effective_from=start, post=post, level=level))
    commit()
    return worker.id


def lines(slip) -> dict[str, int]:
    """A payslip's (or Slip's) lines by code (summed)."""
    found: dict[str, int] = {}
    for line in slip.lines:
        found[line["code"]] = found.get(line["code"], 0) + line["fen"]
    return found
