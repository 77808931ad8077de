"""Soak and faults: mixed load from many people against gunicorn, with faults on the way.

    python -m bench.soak --minutes 10 --users 50 [--workers 3] [--no-write]

Everything runs on this machine and is thrown away afterwards: a PostgreSQL cluster of its
own (set up with deploy/postgres-setup.sql, migrated as the owner role, served to the app
as the plain app role), a Redis of its own, gunicorn. ``--users`` people (residents, and
one staff member per community) sign in and loop over the dashboard, their requests, the
notices, search, the ledger (staff) and filing a report (GET the form, POST it with its
idempotency key; a report answered 503 or cut off is sent again with the same key until
it is accepted, as a person would), with 1-4 s between actions. They arrive over the
first 30 s (ramp-up); memory is first read after 60 s.

Faults, at fixed points of the run: at 30 % one gunicorn worker is killed (SIGKILL); at
50 % PostgreSQL is stopped for 10 s and started again; at 75 % Redis is stopped for 20 s
and started again. Afterwards: every accepted report is in the database exactly once,
each with its first timeline step (nothing half written), and each worker's memory at
start and end. The summary is printed and written to the "soak" section of
docs/benchmarks.md (unless ``--no-write``).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from core.testing.servers import Gunicorn, PostgresCluster, RedisServer

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- soak:start -->", "<!-- soak:end -->"
PASSWORD = "soak-password-1"
COMMUNITIES = ("east", "west")
RAMP_UP, WARM_UP = 30.0, 60.0  # seconds: people arriving; before memory is first read


@dataclass
class Outcome:
    at: float
    action: str
    status: int  # 0: the connection failed (no HTTP answer)
    seconds: float


@dataclass
class Run:
    started: float = field(default_factory=time.monotonic)
    outcomes: list[Outcome] = field(default_factory=list)
    accepted: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (slug, title)
    windows: dict[str, tuple[float, float]] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, action: str, status: int, seconds: float) -> None:
        with self.lock:
            self.outcomes.append(Outcome(time.monotonic() - self.started, action, status, seconds))


# ----- set-up ---------------------------------------------------------------------------
def set_up(cluster: PostgresCluster, users: int, instance: Path) -> list[tuple[str, str, str]]:
    """Roles, schema, two communities with requests and notices on, and the people:
    [(email, slug, role)]."""
    cluster.sql_file(ROOT / "deploy" / "postgres-setup.sql", owner_password="o", app_password="a")
    env = {
        **os.environ,
        "DATABASE_URL": cluster.url("gongzhi_owner", "gongzhi"),
        "GONGZHI_INSTANCE": str(instance),
        "SECRET_KEY": "soak",
        "FLASK_APP": "wsgi.py",
    }
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    from core import create_app
    from core.community.provisioning import create_community
    from core.extensions import db
    from core.models import User
    from tenants.context import community_scope
    from tenants.models import Membership

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": cluster.url("gongzhi_app", "gongzhi"),
            "SECRET_KEY": "soak",
            "INSTANCE_DIR": str(instance),
            "CACHE_TYPE": "NullCache",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    people = []
    with app.app_context():
        for n, slug in enumerate(COMMUNITIES):
            tenant = create_community(
                slug=slug,
                name_zh=f"社区{n}",
                name_en=f"Community {n}",
                plugins=["requests", "notices"],
            )
            for k in range(n, users, len(COMMUNITIES)):
                role = "staff" if k < len(COMMUNITIES) else "member"
                person = User(email=f"p{k}@{slug}.example", name=f"居民{k}")
                person.password_hash = _hash()
                db.session.add(person)
                db.session.flush()
                with community_scope(tenant):
                    db.session.add(Membership(user_id=person.id, role=role))
                    db.session.commit()
                people.append((f"p{k}@{slug}.example", slug, role))
        db.engine.dispose()
    return people


def _hash(cache: dict = {}) -> str:  # noqa: B006 - one slow hash for every account
    if "h" not in cache:
        from werkzeug.security import generate_password_hash

        cache["h"] = generate_password_hash(PASSWORD)
    return cache["h"]


# ----- a person -------------------------------------------------------------------------
def _csrf(page: str) -> str | None:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    return found.group(1) if found else None


def person(base: str, email: str, slug: str, role: str, run: Run, seed: int) -> None:
    rng = random.Random(seed)
    http = requests.Session()
    time.sleep(rng.uniform(0, RAMP_UP))

    def call(action: str, method: str, path: str, **kw) -> requests.Response | None:
        began = time.monotonic()
        try:
            response = http.request(method, base + path, timeout=60, allow_redirects=False, **kw)
        except requests.RequestException:
            run.note(action, 0, time.monotonic() - began)
            return None
        run.note(action, response.status_code, time.monotonic() - began)
        return response

    def sign_in() -> bool:
        page = call("sign-in form", "GET", "/login")
        if page is None or page.status_code != 200:
            return False
        done = call(
            "sign in",
            "POST",
            "/login",
            data={"email": email, "password": PASSWORD, "csrf_token": _csrf(page.text)},
        )
        return done is not None and done.status_code == 302

    def file_report(number: int) -> None:
        form = call("report form", "GET", f"/c/{slug}/requests/new")
        if form is None or form.status_code != 200:
            return
        key = re.search(r'name="idempotency_key" type="hidden" value="(\w+)"', form.text).group(1)
        title = f"soak {email} {number}"
        data = {
            "title": title,
            "building": "1栋",
            "contact_preference": "message",
            "idempotency_key": key,
            "csrf_token": _csrf(form.text),
        }
        for _ in range(30):  # as a person would: send again until it is taken
            answer = call("file report", "POST", f"/c/{slug}/requests/new", data=data)
            if answer is not None and answer.status_code == 302:
                with run.lock:
                    run.accepted[key] = (slug, title)
                return
            if run.stop.is_set():
                return
            time.sleep(2)

    while not run.stop.is_set() and not sign_in():
        time.sleep(2)
    reports = 0
    while not run.stop.is_set():
        pick = rng.random()
        if pick < 0.35:
            call("dashboard", "GET", f"/c/{slug}/")
        elif pick < 0.5:
            call("my requests", "GET", f"/c/{slug}/requests/")
        elif pick < 0.6:
            call("notices", "GET", f"/c/{slug}/notices/")
        elif pick < 0.7:
            call("search", "GET", f"/c/{slug}/search", params={"q": "soak"})
        elif pick < 0.8 and role == "staff":
            call("ledger", "GET", f"/c/{slug}/requests/ledger")
        else:
            reports += 1
            file_report(reports)
        time.sleep(rng.uniform(1, 4))


# ----- measuring ------------------------------------------------------------------------
def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def check_data(cluster: PostgresCluster, run: Run) -> dict:
    engine = create_engine(cluster.url("postgres", "gongzhi"))
    with engine.connect() as conn:
        rows = conn.execute(text("select title, count(*) from requests_request group by title"))
        stored = dict(rows.all())
        without_step = conn.execute(
            text(
                "select count(*) from requests_request r where not exists (select 1 from "
                "requests_step s where s.tenant_id = r.tenant_id and s.request_id = r.id "
                "and s.action = 'received')"
            )
        ).scalar()
        keys = conn.execute(text("select count(*) from core_idempotency_keys")).scalar()
    engine.dispose()
    titles = [title for _, title in run.accepted.values()]
    return {
        "accepted": len(titles),
        "missing": sum(1 for t in titles if t not in stored),
        "duplicated": sum(1 for n in stored.values() if n > 1),
        "stored": sum(stored.values()),
        "without first step": without_step,
        "idempotency keys": keys,
    }


def classify(run: Run) -> dict:
    """Errors: any answer >= 500 or failed connection outside the fault windows; inside
    them, what was seen (503s while PostgreSQL is down are expected)."""

    def window_of(at: float) -> str | None:
        for name, (begin, end) in run.windows.items():
            if begin <= at <= end:
                return name
        return None

    errors, during = Counter(), {name: Counter() for name in run.windows}
    for o in run.outcomes:
        name = window_of(o.at)
        if name is not None:
            during[name][o.status] += 1
        elif o.status == 0 or o.status >= 500:
            errors[(o.action, o.status)] += 1
    return {"errors": errors, "during": during}


# ----- the run --------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    seconds = args.minutes * 60
    instance = Path(tempfile.mkdtemp(prefix="gongzhi-soak-"))
    with PostgresCluster() as cluster, RedisServer() as redis_server:
        print(f"setting up: PostgreSQL on {cluster.port}, Redis on {redis_server.port}")
        people = set_up(cluster, args.users, instance)
        env = {
            "DATABASE_URL": cluster.url("gongzhi_app", "gongzhi"),
            "SECRET_KEY": "soak",
            "REDIS_URL": redis_server.url,
            "SESSION_COOKIE_SECURE": "0",
            "LOGIN_RATE_LIMIT": "100000 per minute",
            "GONGZHI_INSTANCE": str(instance),
        }
        server = Gunicorn(env, workers=args.workers, log=instance / "gunicorn.log").start()
        try:
            run = Run()
            threads = [
                threading.Thread(target=person, args=(server.url, *who, run, n), daemon=True)
                for n, who in enumerate(people)
            ]
            for t in threads:
                t.start()
            _sleep_until(run, min(WARM_UP, seconds * 0.2))  # every worker has served pages
            rss_start = {pid: rss_kb(pid) for pid in server.worker_pids()}
            faults = [
                (0.30, "worker killed", lambda: _kill_worker(server), 5),
                (0.50, "PostgreSQL down", lambda: _pause(cluster.stop, cluster.start, 10), 25),
                (0.75, "Redis down", lambda: _pause(redis_server.stop, redis_server.start, 20), 25),
            ]
            for share, name, act, settle in faults:
                _sleep_until(run, seconds * share)
                begin = time.monotonic() - run.started
                print(f"{begin:6.0f} s  {name}")
                act()
                run.windows[name] = (begin, time.monotonic() - run.started + settle)
            _sleep_until(run, seconds)
            rss_end = {pid: rss_kb(pid) for pid in server.worker_pids()}
            run.stop.set()
            for t in threads:
                t.join(timeout=40)
        finally:
            server.stop()
        data = check_data(cluster, run)
    report = summary(args, run, data, rss_start, rss_end)
    print(report)
    if not args.no_write:
        write_doc(report)


def _sleep_until(run: Run, at: float) -> None:
    while time.monotonic() - run.started < at:
        time.sleep(0.5)


def _kill_worker(server: Gunicorn) -> None:
    os.kill(server.worker_pids()[0], signal.SIGKILL)


def _pause(stop, start, seconds: float) -> None:
    stop()
    time.sleep(seconds)
    start()


def summary(args, run: Run, data: dict, rss_start: dict, rss_end: dict) -> str:
    seen = classify(run)
    total = len(run.outcomes)
    latencies = sorted(o.seconds for o in run.outcomes if o.status and o.status < 500)
    p50 = statistics.median(latencies) * 1000 if latencies else 0
    p95 = latencies[int(len(latencies) * 0.95)] * 1000 if latencies else 0
    lines = [
        f"`python -m bench.soak --minutes {args.minutes:g} --users {args.users} --workers "
        f"{args.workers}` on {time.strftime('%Y-%m-%d')}: gunicorn (sync workers) on a "
        "PostgreSQL 15 cluster and a Redis of its own, the app as the plain app role.",
        "",
        f"* {total:,} requests, median {p50:.0f} ms, 95th percentile {p95:.0f} ms "
        f"({total / (args.minutes * 60):.1f} requests/s; the machine's load average at the "
        f"end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores).",
        f"* Errors outside the fault windows (5xx or no answer): "
        f"{sum(seen['errors'].values())}"
        + (f" ({dict(seen['errors'])})" if seen["errors"] else "")
        + ".",
    ]
    for name, counts in seen["during"].items():
        shown = ", ".join(f"{'no answer' if s == 0 else s}: {n}" for s, n in sorted(counts.items()))
        lines.append(f"* {name} (and the seconds after): {shown}.")
    by_action: dict[str, list[float]] = {}
    for o in run.outcomes:
        if o.status and o.status < 500:
            by_action.setdefault(o.action, []).append(o.seconds * 1000)
    lines.append(
        "* Median by action: "
        + ", ".join(
            f"{action} {statistics.median(ms):.0f} ms" for action, ms in sorted(by_action.items())
        )
        + "."
    )
    lines.append(
        f"* Reports accepted: {data['accepted']}; stored: {data['stored']}; missing: "
        f"{data['missing']}; stored twice: {data['duplicated']}; without their first "
        f"timeline step: {data['without first step']}."
    )
    kept = [pid for pid in rss_start if pid in rss_end]
    lines.append(
        "* Worker memory (RSS, start → end): "
        + "; ".join(f"{rss_start[p] / 1024:.0f} → {rss_end[p] / 1024:.0f} MB" for p in kept)
        + (
            "; the replacement of the killed worker ended at "
            + ", ".join(f"{rss_end[p] / 1024:.0f} MB" for p in rss_end if p not in rss_start)
            if any(p not in rss_start for p in rss_end)
            else ""
        )
        + "."
    )
    return "\n".join(lines)


def write_doc(report: str) -> None:
    doc = DOC.read_text()
    block = f"{START}\n## soak and faults\n\n{report}\n{END}"
    if START in doc:
        doc = doc[: doc.index(START)] + block + doc[doc.index(END) + len(END) :]
    else:
        doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(doc)


if __name__ == "__main__":
    main()
