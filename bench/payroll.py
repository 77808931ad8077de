"""Benchmark: a month's payroll run for 10,000 community workers (issue 25).

    python -m bench.payroll [--workers 10000] [--database-url URL] [--no-write]

Builds a throw-away database (SQLite by default; an empty PostgreSQL database with
``--database-url``), one community with a scale, ``--workers`` workers (every post and
level, half with a certificate, a tenth with a deduction, every worker with an appraisal
score) and two allowance items, then times what the "Start and calculate" button does:
start the run, calculate every payslip (the scale lookup, a few bulk reads, the lines in
Python, one bulk insert) and commit. Then it times approval. The target is under two
seconds for 10,000 workers; the result goes into the "payroll" section of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- payroll:start -->", "<!-- payroll:end -->"
MONTH = date(2026, 3, 1)


def build_app(url: str):
    from core import create_app
    from core.extensions import db
    from tenants import rls

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": "localhost",
            "DEFAULT_PLUGINS": [],
        },
        plugins=["salaries"],
    )
    with app.app_context(), db.engine.begin() as conn:
        db.metadata.create_all(conn)
        rls.apply(conn)
    return app


def populate(app, workers: int) -> tuple[int, int, int]:
    """The community, two people (preparer, approver), the scale and the workers."""
    from core.community.provisioning import create_community
    from core.extensions import db
    from core.models import User
    from plugins.salaries.demo import hunchun_rates
    from plugins.salaries.models import (
        POSTS,
        Appraisal,
        Assignment,
        Item,
        ScaleVersion,
        Worker,
        WorkerItem,
    )
    from tenants.context import community_scope
    from tenants.models import Membership, PluginActivation

    with app.test_request_context():
        tenant = create_community(slug="bench", name_zh="测试社区", name_en="Bench", plugins=[])
        people = []
        for n in range(2):
            user = User(email=f"admin{n}@bench.example", name=f"admin{n}", password_hash="x")
            db.session.add(user)
            db.session.flush()
            people.append(user.id)
        with community_scope(tenant):
            for user_id in people:
                db.session.add(Membership(user_id=user_id, role="admin"))
            db.session.add(PluginActivation(plugin_id="salaries", enabled=True, settings={}))
            db.session.add(ScaleVersion(effective_from=date(2020, 1, 1), name="bench",
                                        rates=hunchun_rates()))  # fmt: skip
            phone = Item(name="通讯补贴", kind="allowance", amount_fen=10000, everyone=True)
            union = Item(name="工会会费", kind="deduction", amount_fen=1000, everyone=False)
            db.session.add_all([phone, union])
            db.session.commit()
            tid = tenant.id
            rows = [
                {"tenant_id": tid, "name": f"工作者{i}", "start_date": date(2000 + i % 26, 3, 1),
                 "certificate": ("", "junior", "intermediate")[i % 3], "active": True}
                for i in range(workers)
            ]  # fmt: skip
            db.session.execute(sa.insert(Worker.__table__), rows)
            ids = db.session.execute(sa.select(Worker.id).order_by(Worker.id)).scalars().all()
            db.session.execute(sa.insert(Assignment.__table__), [
                {"tenant_id": tid, "worker_id": w, "effective_from": date(2000, 1, 1),
                 "post": POSTS[i % len(POSTS)], "level": 1 + i % 10}
                for i, w in enumerate(ids)
            ])  # fmt: skip
            db.session.execute(sa.insert(Appraisal.__table__), [
                {"tenant_id": tid, "worker_id": w, "month": MONTH, "score": 55 + i % 46}
                for i, w in enumerate(ids)
            ])  # fmt: skip
            db.session.execute(sa.insert(WorkerItem.__table__), [
                {"tenant_id": tid, "worker_id": w, "item_id": union.id, "amount_fen": 1000}
                for w in ids[::10]
            ])  # fmt: skip
            db.session.commit()
    return tid, people[0], people[1]


def time_run(app, tenant_id: int, preparer: int, approver: int, month: date) -> dict:
    from core.extensions import db
    from plugins.salaries import runs
    from tenants.context import community_scope

    with app.test_request_context(), community_scope(tenant_id):
        started = time.perf_counter()
        run = runs.start(month, preparer)
        count = runs.calculate(run)
        db.session.commit()
        calculated = time.perf_counter() - started
        runs.review(run, preparer)
        db.session.commit()
        started = time.perf_counter()
        runs.approve(run, approver)
        db.session.commit()
        approved = time.perf_counter() - started
        total = run.total_fen
    return {"payslips": count, "seconds": calculated, "approve": approved, "total_fen": total}


def run(workers: int, url: str | None = None, repeats: int = 3) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(url or f"sqlite:///{Path(tmp) / 'payroll.db'}")
        tenant_id, preparer, approver = populate(app, workers)
        timings = [
            time_run(app, tenant_id, preparer, approver, date(2026, 3 + n, 1))
            for n in range(repeats)
        ]
        with app.app_context():
            from core.extensions import db

            dialect = db.engine.dialect.name
            db.engine.dispose()
    return {"workers": workers, "database": dialect, "timings": timings}


def report(result: dict) -> str:
    seconds = [t["seconds"] for t in result["timings"]]
    first = result["timings"][0]
    return "\n".join([
        f"* {result['database']}: {result['workers']:,} workers -> {first['payslips']:,} "
        f"payslips; start + calculate + commit: median {statistics.median(seconds):.2f} s "
        f"(runs: {', '.join(f'{s:.2f}' for s in seconds)} s); approval (the bench's "
        "workers have no accounts, so nobody is notified): "
        f"{statistics.median(t['approve'] for t in result['timings']):.2f} s.",
    ])  # fmt: skip


def write_section(lines: list[str]) -> None:
    doc = DOC.read_text(encoding="utf-8")
    block = "\n".join([
        START,
        "## payroll (社区工作者薪酬, issue 25)",
        "",
        "`python -m bench.payroll` (10,000 workers, three months run one after another; "
        "target: under 2 s for a run). Measured on this machine (2 cores, shared):",
        "",
        *lines,
        END,
    ])  # fmt: skip
    if START in doc:
        doc = doc[: doc.index(START)] + block + doc[doc.index(END) + len(END) :]
    else:
        doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(doc, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=10_000)
    parser.add_argument(
        "--database-url",
        action="append",
        default=[],
        help="an empty database to use (repeat for several); default SQLite",
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    lines = []
    for url in args.database_url or [None]:
        text = report(run(args.workers, url))
        print(text)
        lines.append(text)
    if not args.no_write:
        write_section(lines)
        print(f"\nwritten to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
