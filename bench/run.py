"""``make bench``: the app under gunicorn beside the two Flask baselines, small and full data.

    python -m bench.run [--scales small,full] [--duration 10] [--connections 8]
                        [--regenerate] [--write-docs]

For each scale it makes sure the generated platform exists (bench/data; SQLite files in
bench/results/ are reused between runs, PostgreSQL via DATABASE_URL is regenerated since
it holds one scale at a time), counts the SQL statements of every page in-process, starts
three gunicorn servers on 127.0.0.1 (the app, ``bench.baselines:bare()`` and
``bench.baselines:minimal()``, 2 sync workers each), logs the people of bench/mix.py in
over HTTP, and loads each page alone with wrk (8 connections, then 1 for the single-request
latency), then the mix (a write per ten reads). Every run is bounded in time (``-d``) and
count (the Lua script stops a thread at its share of ``--max-requests``).

It prints one table (requests/s, p50/p95/p99, errors, statements per page, ratio to the
minimal page; small and full side by side) and writes JSON to bench/results/. The minimal
page is loaded again just before each page and each throughput ratio divides by that
neighbour; single requests to the page and to the minimal page take turns (a, b, a, b):
on a shared machine the load drifts within minutes.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from http.cookiejar import CookieJar
from pathlib import Path

from bench.data import GENERATOR_VERSION, LARGE, PASSWORD, SCALES, build, generated_info
from bench.data import large_community_email as person
from bench.mix import PAGES, READS_PER_WRITE, WRITES, Page, Write
from bench.paths import RESULTS, ROOT, default_database_url

DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- make-bench:start -->", "<!-- make-bench:end -->"
BASELINES = ("bare", "minimal")


# ----- servers --------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One gunicorn, started here and stopped here (its own process group)."""

    def __init__(self, name: str, app_spec: str, env: dict[str, str], workers: int) -> None:
        self.name = name
        self.port = free_port()
        self.log = open(RESULTS / f"gunicorn-{name}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(workers),
                "-k",
                "sync",
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--chdir",
                str(ROOT),
                app_spec,
            ],
            env={**os.environ, **env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self, path: str = "/", timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log.name}")
            try:
                urllib.request.urlopen(self.base + path, timeout=5).read()
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer in {timeout} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


# ----- people -----------------------------------------------------------------------------
@dataclass
class Visitor:
    cookie: str  # the Cookie header ("" for a visitor)
    csrf: str


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else ""


def log_in(base: str, role: str | None, form_path: str = "/login") -> Visitor:
    """Sign in over HTTP like a browser; the session cookie and a CSRF token for forms."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    if role is not None:
        token = _csrf(opener.open(base + "/login").read().decode())
        data = urllib.parse.urlencode(
            {"email": person(role), "password": PASSWORD, "csrf_token": token}
        ).encode()
        opener.open(base + "/login", data=data).read()
    token = _csrf(opener.open(base + form_path.format(slug=LARGE)).read().decode())
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if role is not None and "session=" not in cookie:
        raise RuntimeError(f"could not sign in as {person(role)}")
    return Visitor(cookie, token)


# ----- wrk ----------------------------------------------------------------------------------
LUA = """
local reqs = {}
local n = 0
local limit = __LIMIT__
init = function(args)
__REQUESTS__
end
request = function()
  n = n + 1
  return reqs[(n - 1) % #reqs + 1]
end
response = function(status, headers, body)
  if n >= limit then wrk.thread:stop() end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "errors": %d, "non_2xx_3xx": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %f}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean))
end
"""


@dataclass(frozen=True)
class Req:
    method: str
    path: str
    cookie: str = ""
    body: str = ""

    @property
    def headers(self) -> dict[str, str]:
        out = {"Cookie": self.cookie} if self.cookie else {}
        if self.body:
            out["Content-Type"] = "application/x-www-form-urlencoded"
        return out


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def _lua_request(req: Req) -> str:
    headers = ", ".join(f'["{k}"] = {_lua_string(v)}' for k, v in req.headers.items())
    body = _lua_string(req.body) if req.body else "nil"
    return (
        f"  reqs[#reqs + 1] = wrk.format({_lua_string(req.method)}, {_lua_string(req.path)}, "
        f"{{{headers}}}, {body})"
    )


def _one_request(base: str, req: Req) -> float:
    """Seconds for one request on a new connection."""
    import http.client

    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    began = time.perf_counter()
    conn.request(req.method, req.path, body=req.body or None, headers=req.headers)
    conn.getresponse().read()
    spent = time.perf_counter() - began
    conn.close()
    return spent


def single_latency(base: str, requests: list[Req], duration: float) -> float:
    """Median milliseconds of requests sent one at a time (at least 5, at most 200)."""
    return single_latencies([(base, requests)], duration)[0]


def single_latencies(targets: list[tuple[str, list[Req]]], duration: float) -> list[float]:
    """Median milliseconds of each target's requests, sent one at a time and taking turns
    (a, b, a, b, ...): every target meets the same moments of a shared machine's load."""
    times: list[list[float]] = [[] for _ in targets]
    deadline = time.monotonic() + duration * len(targets)
    n = 0
    while n < 200 and (n < 5 or time.monotonic() < deadline):
        for (base, requests), spent in zip(targets, times, strict=True):
            spent.append(_one_request(base, requests[n % len(requests)]))
        n += 1
    return [statistics.median(spent) * 1000 for spent in times]


def wrk(base: str, requests: list[Req], connections: int, duration: float, limit: int) -> dict:
    threads = min(2, connections)
    script = LUA.replace("__LIMIT__", str(max(1, limit // threads)))
    script = script.replace("__REQUESTS__", "\n".join(_lua_request(r) for r in requests))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{max(1, round(duration))}s",
                "--timeout",
                "10s",
                "-s",
                f.name,
                base,
            ],
            capture_output=True,
            text=True,
            timeout=duration + 60,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    raw = json.loads(out.split("BENCH_JSON ", 1)[1].splitlines()[0])
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / seconds if seconds else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": raw["errors"] + raw["non_2xx_3xx"],
    }


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk (Debian package) ...")
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    if not shutil.which("wrk"):
        sys.exit("make bench needs wrk: sudo apt-get install wrk (Debian/Ubuntu), brew install wrk")


# ----- statements per page (in-process) -----------------------------------------------------
def count_statements(url: str, pages: list[Page], writes: list[Write]) -> dict[str, int]:
    """SQL statements of one view of each page (after a warm-up), through the test client."""
    from sqlalchemy import event

    from bench.data import make_app
    from core.extensions import db

    app = make_app(url)
    # The page's own statements (what the statement-count tests pin), not those of the
    # copy kept for the next view: a kept page costs its first three (BEGIN, the
    # community, the membership) whatever the page.
    app.config.update(WTF_CSRF_ENABLED=False, SESSION_COOKIE_SECURE=False, PAGE_CACHE_SECONDS=0)
    counts: dict[str, int] = {}
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def count(*_args, **_kwargs):
        seen.append("")

    clients: dict[str | None, object] = {}

    def client_for(role):
        if role not in clients:
            client = app.test_client()
            if role is not None:
                client.post("/login", data={"email": person(role), "password": PASSWORD})
            clients[role] = client
        return clients[role]

    for page in pages:
        client, path = client_for(page.role), page.path.format(slug=LARGE)
        client.get(path)
        event.listen(engine, "before_cursor_execute", count)
        status = client.get(path).status_code
        event.remove(engine, "before_cursor_execute", count)
        if status != 200:
            raise RuntimeError(f"{page.name}: {path} answered {status}")
        counts[page.name], seen[:] = len(seen), []
    for write in writes:
        client = client_for(write.role)
        event.listen(engine, "before_cursor_execute", count)
        status = client.post(write.path.format(slug=LARGE), data=write.fields).status_code
        event.remove(engine, "before_cursor_execute", count)
        if status != 302:
            raise RuntimeError(f"{write.name} answered {status}")
        counts[write.name], seen[:] = len(seen), []
    with app.app_context():
        db.engine.dispose()
    return counts


# ----- one scale --------------------------------------------------------------------------
def machine() -> dict:
    info = {"nproc": os.cpu_count(), "memory_gib": None, "cpu": None}
    try:
        meminfo = Path("/proc/meminfo").read_text()
        kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
        info["memory_gib"] = round(kib / 1024 / 1024, 1)
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = re.search(r"model name\s*:\s*(.+)", cpuinfo).group(1).strip()
    except (OSError, AttributeError):
        pass
    return info


def prepare(scale: str, regenerate: bool) -> str:
    """The database URL of the generated platform at ``scale`` (built if needed)."""
    url = os.environ.get("DATABASE_URL") or default_database_url(scale)
    info = generated_info(url)
    fresh = info.get("scale") == scale and info.get("version") == str(GENERATOR_VERSION)
    if regenerate or not fresh or os.environ.get("DATABASE_URL"):
        print(f"generating the {scale} platform ({url}) ...", flush=True)
        info = build(url, scale, log=lambda line: print(line, flush=True))
        print(f"  done in {info['seconds']} s", flush=True)
    return url


def run_scale(scale: str, args, installed: frozenset[str]) -> dict:
    url = prepare(scale, args.regenerate)
    pages = [p for p in PAGES if p.plugin == "core" or p.plugin in installed]
    writes = [w for w in WRITES if w.plugin in installed]
    statements = count_statements(url, pages, writes)
    minimal_url = url if os.environ.get("DATABASE_URL") else f"sqlite:///{RESULTS / 'minimal.db'}"
    from bench.baselines import prepare_minimal
    from bench.data import normalise_url

    prepare_minimal(normalise_url(minimal_url))
    instance = tempfile.mkdtemp(prefix="gongzhi-bench-")
    app_env = {
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret",
        "SESSION_COOKIE_SECURE": "0",
        "GONGZHI_INSTANCE": instance,
        "LOGIN_RATE_LIMIT": "100000 per minute",  # the bench signs in a few people quickly
    }
    servers = {
        "bare": Server("bare", "bench.baselines:bare()", {}, args.workers),
        "minimal": Server(
            "minimal",
            "bench.baselines:minimal()",
            {"BENCH_MINIMAL_DATABASE_URL": normalise_url(minimal_url)},
            args.workers,
        ),
        "app": Server("app", "wsgi:app", app_env, args.workers),
    }
    results: dict = {"statements": statements, "pages": {}, "load": {}}
    try:
        for server in servers.values():
            server.wait("/login" if server.name == "app" else "/")
        base = servers["app"].base
        people = {role: log_in(base, role) for role in {p.role for p in pages}}
        for write in writes:
            people[("write", write.name)] = log_in(base, write.role, write.form_path)
        results["load"]["before"] = os.getloadavg()[0]
        targets: list[tuple[str, str, list[Req]]] = [
            ("bare", servers["bare"].base, [Req("GET", "/")]),
            ("minimal", servers["minimal"].base, [Req("GET", "/")]),
        ]
        for page in pages:
            view = Req("GET", page.path.format(slug=LARGE), people[page.role].cookie)
            targets.append((page.name, base, [view]))
        if writes:
            targets.append(("mix", base, _mix(pages, writes, people)))
        _name, minimal_base, minimal_requests = targets[1]

        def throughput(target_base: str, requests: list[Req]) -> dict:
            return wrk(target_base, requests, args.connections, args.duration, args.max_requests)

        for name, target_base, requests in targets:
            print(f"  {scale}: {name} ...", flush=True)
            if name in BASELINES:
                single = single_latency(target_base, requests, args.latency_duration)
                results["pages"][name] = {
                    **throughput(target_base, requests),
                    "single_p50_ms": single,
                }
                continue
            # On a shared machine the load drifts within minutes: each page is compared
            # with the minimal page loaded just before it, and its single requests take
            # turns with the minimal page's.
            minimal = throughput(minimal_base, minimal_requests)
            page = throughput(target_base, requests)
            minimal_single, single = single_latencies(
                [(minimal_base, minimal_requests), (target_base, requests)],
                args.latency_duration,
            )
            results["pages"][name] = {
                **page,
                "single_p50_ms": single,
                "minimal_rps": minimal["rps"],
                "minimal_single_p50_ms": minimal_single,
            }
        results["load"]["after"] = os.getloadavg()[0]
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(instance, ignore_errors=True)
    return results


def _mix(pages: list[Page], writes: list[Write], people: dict) -> list[Req]:
    """READS_PER_WRITE reads rotating over the pages, then one write; repeated."""
    out = []
    for n in range(READS_PER_WRITE):
        page = pages[n % len(pages)]
        out.append(Req("GET", page.path.format(slug=LARGE), people[page.role].cookie))
    for write in writes:
        who = people[("write", write.name)]
        body = urllib.parse.urlencode({**write.fields, "csrf_token": who.csrf})
        out.append(Req("POST", write.path.format(slug=LARGE), who.cookie, body))
    return out


# ----- the report ---------------------------------------------------------------------------
def table(results: dict) -> str:
    scales = list(results["scales"])
    head = (
        "| page | "
        + " | ".join(
            f"{s} req/s | {s} × minimal | {s} p50/p95/p99 ms | {s} errors | {s} statements"
            for s in scales
        )
        + " | single request × minimal |"
    )
    lines = [head, "|" + " --- |" * (1 + 5 * len(scales) + 1)]
    names = list(results["scales"][scales[0]]["pages"])
    labels = {p.name: p.label for p in PAGES} | {
        "bare": "bare Flask route",
        "minimal": "minimal Flask page (1 query, 20 rows, template)",
        "mix": f"mix: the pages above, a write per {READS_PER_WRITE} reads",
    }
    for name in names:
        cells = [labels.get(name, name)]
        single = []
        for s in scales:
            data = results["scales"][s]
            page, minimal = data["pages"].get(name), data["pages"]["minimal"]
            if page is None:
                cells += ["–"] * 5
                continue
            statements = data["statements"].get(name, "–" if name in BASELINES else "")
            if name == "minimal":
                statements = 1
            if name == "mix":
                statements = "–"
            # Each page against the minimal page measured just before it (older results:
            # against the one measured at the start).
            minimal_rps = page.get("minimal_rps", minimal["rps"])
            minimal_single = page.get("minimal_single_p50_ms", minimal["single_p50_ms"])
            cells += [
                f"{page['rps']:.0f}",
                f"{page['rps'] / minimal_rps:.2f}",
                f"{page['p50_ms']:.1f} / {page['p95_ms']:.1f} / {page['p99_ms']:.1f}",
                str(page["errors"]),
                str(statements),
            ]
            single.append(f"{page['single_p50_ms'] / minimal_single:.1f}")
        cells.append(" / ".join(single))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_docs(text: str) -> None:
    block = f"{START}\n{text}\n{END}"
    current = DOC.read_text(encoding="utf-8")
    if START in current and END in current:
        head, rest = current.split(START, 1)
        current = head + block + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="make bench: pages against Flask baselines")
    parser.add_argument("--scales", default="small,full")
    parser.add_argument("--duration", type=float, default=10, help="seconds per page")
    parser.add_argument(
        "--latency-duration", type=float, default=3, help="seconds of one-at-a-time requests"
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    scales = [s for s in args.scales.split(",") if s]
    for s in scales:
        if s not in SCALES:
            sys.exit(f"unknown scale {s}; choose from {', '.join(SCALES)}")
    ensure_wrk()
    RESULTS.mkdir(parents=True, exist_ok=True)
    from bench.data import make_app

    with make_app("sqlite://").app_context() as ctx:
        installed = frozenset(ctx.app.extensions["gongzhi.plugins"].active_ids)
    url = os.environ.get("DATABASE_URL", "")
    results = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "database": "postgresql" if url.startswith("postgres") else "sqlite",
        "settings": {
            "workers": args.workers,
            "connections": args.connections,
            "duration_s": args.duration,
            "latency_duration_s": args.latency_duration,
        },
        "scales": {},
    }
    for s in scales:
        results["scales"][s] = run_scale(s, args, installed)
    text = table(results)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for path in (RESULTS / f"bench-{stamp}.json", RESULTS / "latest.json"):
        path.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print()
    print(text)
    print(f"\nJSON: {(RESULTS / f'bench-{stamp}.json').relative_to(ROOT)}")
    if args.write_docs:
        m = results["machine"]
        write_docs(
            f"Run {results['date']} on {m['nproc']} cores, {m['memory_gib']} GiB, {m['cpu']}; "
            f"{results['database']}; gunicorn {args.workers} sync workers per server, wrk "
            f"{args.connections} connections, {args.duration:g} s per page.\n\n{text}"
        )


if __name__ == "__main__":
    main()
