"""Benchmark: the request ledger (民情台账) with 100,000 requests in one community.

    python -m bench.requests_ledger [--count 100000] [--no-write]

Builds a throw-away SQLite database, bulk-inserts the requests (plus a few in a second
community), then times the ledger page, a filtered ledger page, a later page, and the CSV
export through the test client, against a baseline measured in the same run: the plain
community dashboard. Ratios, not absolute times, go into the "requests" section of
docs/benchmarks.md, since they travel between machines.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- requests:start -->", "<!-- requests:end -->"
PASSWORD = "bench-password"


def build_app(db_path: Path):
    from core import create_app
    from core.extensions import db
    from tenants import rls

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "SERVER_NAME": "localhost",
            "DEFAULT_PLUGINS": [],
        },
        plugins=["requests"],
    )
    with app.app_context(), db.engine.begin() as conn:
        db.metadata.create_all(conn)
        rls.apply(conn)
    return app


def setup_people(app):
    from core.community.provisioning import create_community
    from core.extensions import db
    from core.models import User
    from core.plugins.gateway import run_lifecycle
    from tenants.context import community_scope
    from tenants.models import Membership, PluginActivation

    out = {}
    with app.test_request_context():
        for slug in ("bench", "other"):
            tenant = create_community(slug=slug, name_zh=f"{slug}社区", name_en=slug, plugins=[])
            user = User(email=f"staff@{slug}.example", name=f"{slug} staff")
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
            with community_scope(tenant):
                db.session.add(Membership(user_id=user.id, role="staff"))
                db.session.add(PluginActivation(plugin_id="requests", enabled=True, settings={}))
                db.session.commit()
                run_lifecycle("requests", "on_enable", tenant)
            out[slug] = (tenant.id, user.email, user.id)
    return out


def insert_requests(app, tenant_id: int, count: int, requester_id: int) -> None:
    """Bulk insert in chunks: all kinds and statuses, a third with deadlines, 18 months."""
    from core.extensions import db
    from plugins.requests.models import Category, Request
    from tenants.context import community_scope

    kinds = ("red", "orange", "yellow")
    statuses = ("received", "in_progress", "replied", "closed", "closed", "closed")
    start = datetime(2025, 6, 1, tzinfo=UTC)
    span = 540 * 86400
    with app.app_context(), community_scope(tenant_id):
        categories = db.session.execute(sa.select(Category.id, Category.kind)).all()
        for first in range(0, count, 10_000):
            rows = []
            for i in range(first, min(first + 10_000, count)):
                created = start + timedelta(seconds=span * i // count)
                status = statuses[i % len(statuses)]
                cat_id, kind = categories[i % len(categories)]
                kind = kind if status != "received" else None
                responded = status != "received"
                closed = status == "closed"
                rows.append(
                    {
                        "tenant_id": tenant_id,
                        "year": created.year,
                        "seq": i + 1,
                        "title": f"诉求 {i}：楼道灯不亮" if i % 2 else f"诉求 {i}：餐馆油烟",
                        "details": "",
                        "building": f"{i % 30 + 1}栋",
                        "grid": f"第{i % 6 + 1}网格",
                        "contact_preference": "message",
                        "contact_phone": "",
                        "anonymous": True,
                        "channel": "online",
                        "requester_id": requester_id,
                        "requester_name": "",
                        "category_id": cat_id if kind else None,
                        "kind": kind,
                        "status": status,
                        "owner": f"责任单位{i % 12}",
                        "office": "",
                        "handler": "",
                        "assignee_key": "",
                        "deadline": created + timedelta(days=5) if kind == kinds[0] else None,
                        "reply": "已处理" if status in ("replied", "closed") else "",
                        "outcome": "已办结" if closed else "",
                        "created_at": created,
                        "received_month": f"{created.year:04d}-{created.month:02d}",
                        "first_response_at": created + timedelta(minutes=4) if responded else None,
                        "first_response_seconds": 60 + i % 600 if responded else None,
                        "first_response_met": (i % 600) < 240 if responded else None,
                        "closed_at": created + timedelta(days=3) if closed else None,
                        "close_seconds": 3 * 86400 + i % 86400 if closed else None,
                        "closed_how": "accepted" if closed else None,
                        "close_reason": "",
                    }
                )
            db.session.execute(sa.insert(Request.__table__), rows)
            db.session.commit()
        from plugins.requests import counts

        counts.rebuild(db.session.connection(), tenant_id)  # bulk rows bypass the ORM
        db.session.commit()
    with app.app_context():
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()


def timed(client, path: str, runs: int) -> tuple[float, int]:
    """Median seconds of ``runs`` GETs after one warm-up; also the response size."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    times = []
    size = 0
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(path)
        size = len(response.get_data())
        times.append(time.perf_counter() - began)
    return statistics.median(times), size


def indexed_select(app, tenant_id: int) -> tuple[float, int]:
    """A trivial indexed SELECT (one request by id), for scale next to the pages."""
    from core.extensions import db
    from plugins.requests.models import Request
    from tenants.context import community_scope

    with app.app_context(), community_scope(tenant_id):
        times = []
        for n in range(200):
            began = time.perf_counter()
            db.session.execute(sa.select(Request.title).where(Request.id == 1 + n * 97)).first()
            times.append(time.perf_counter() - began)
    return statistics.median(times), 0


def run(count: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp) / "bench.db")
        people = setup_people(app)
        began = time.perf_counter()
        insert_requests(app, people["bench"][0], count, people["bench"][2])
        insert_requests(app, people["other"][0], 25, people["other"][2])
        insert_seconds = time.perf_counter() - began

        client = app.test_client()
        login = client.post("/login", data={"email": people["bench"][1], "password": PASSWORD})
        assert login.status_code == 302
        base = "/c/bench/requests"
        results = {"count": count, "insert_seconds": insert_seconds}
        # Baseline: a page with the same layout, session and permission checks whose data
        # does not grow with the requests (the responsibility list).
        results["baseline"] = timed(client, f"{base}/catalogue", 15)
        results["dashboard"] = timed(client, "/c/bench/", 10)
        results["select"] = indexed_select(app, people["bench"][0])
        results["ledger"] = timed(client, f"{base}/ledger", 10)
        results["ledger_filtered"] = timed(
            client, f"{base}/ledger?kind=red&status=in_progress&overdue=1", 10
        )
        results["ledger_later_page"] = timed(client, f"{base}/ledger?before={count // 2}", 10)
        results["csv"] = timed(client, f"{base}/ledger.csv", 2)
        return results


def report(results: dict) -> str:
    base = results["baseline"][0]

    def line(label: str, key: str) -> str:
        seconds, size = results[key]
        return f"| {label} | {seconds * 1000:.0f} ms | {seconds / base:.1f}× | {size // 1024} KB |"

    rows = [
        "## requests",
        "",
        f"`python -m bench.requests_ledger`: {results['count']:,} requests in one community "
        "and 25 in another (SQLite, test client, median of repeated runs). Baseline: a page "
        "(the responsibility list: same layout, session and permission checks, data that does "
        "not grow) measured in the same run. Ratios travel between machines; the "
        "milliseconds are this run's.",
        "",
        "| page | median | × baseline | size |",
        "| --- | ---: | ---: | ---: |",
        line("responsibility list (baseline)", "baseline"),
        line("community dashboard (with the requests widget)", "dashboard"),
        line("ledger, first page", "ledger"),
        line("ledger, red + in progress + overdue", "ledger_filtered"),
        line("ledger, a page in the middle (keyset)", "ledger_later_page"),
        line(f"CSV export, all {results['count']:,} rows", "csv"),
        "",
        f"A trivial indexed SELECT takes {results['select'][0] * 1e6:.0f} µs. "
        f"Bulk insert of the data: {results['insert_seconds']:.1f} s. The whole ledger (and "
        "one kind or status of it) reads its figures and monthly chart from the counts kept "
        "on every write (plugins/requests/counts.py), so its first page costs the same at "
        "any size; narrower filters aggregate their own rows over that filter's index; the "
        "list is keyset-paginated. `make bench` (bench/run.py) measures the pages under "
        "gunicorn against Flask baselines; see above.",
    ]
    return "\n".join(rows)


def write_section(text: str) -> None:
    block = f"{START}\n{text}\n{END}"
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    if START in current and END in current:
        head, rest = current.split(START, 1)
        _old, tail = rest.split(END, 1)
        current = head + block + tail
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    results = run(args.count)
    text = report(results)
    print(text)
    if not args.no_write:
        write_section(text)
        print(f"\nwritten to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
