"""Benchmark: page loads on a slow phone connection (400 ms round trip, 400 kbit/s).

    python bench/page_load.py [--root PATH] [--save before.json] [--before before.json]

Serves the two demo communities from a throw-away SQLite database (the code under
``--root``, default this checkout, so an older commit can be measured from a worktree),
signs the resident in, then drives Debian's Chromium through Playwright on a 390x844
viewport with Chromium's own network emulation (CDP ``Network.emulateNetworkConditions``):

* first page: the dashboard with an empty browser cache;
* next pages: the notice board, then "my requests", with the cache the first page left.

Each figure is the median of ``--runs`` fresh browser contexts: the time until the
``load`` event, the number of requests that went over the network (from the browser cache
they do not count) and the bytes transferred. ``--before`` writes the "page-load" section
of docs/benchmarks.md with both measurements side by side.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
DOC = HERE / "docs" / "benchmarks.md"
START, END = "<!-- page-load:start -->", "<!-- page-load:end -->"
PHONE = {"width": 390, "height": 844}
# Chromium's figures are per second in bytes: 400 kbit/s = 50,000 B/s each way.
SLOW = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
PAGES = [
    ("first page: dashboard", "/c/heyunlu/"),
    ("next page: notice board", "/c/heyunlu/notices/"),
    ("next page: my requests", "/c/heyunlu/requests/"),
]
RESIDENT = "resident@heyunlu.demo"


def serve(root: Path, workdir: Path) -> tuple[str, object]:
    sys.path.insert(0, str(root))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    os.environ["GONGZHI_INSTANCE"] = str(workdir)
    from werkzeug.serving import make_server

    from core import create_app
    from core.demo import load_demo
    from core.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.db'}",
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
        }
    )
    # Plugins' demo data builds links (a request's notifications): a request context, as
    # `flask demo` gives.
    with app.test_request_context():
        db.create_all()
        for _line in load_demo():
            pass
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def measure(base: str, runs: int) -> dict[str, dict[str, float]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, list[tuple[float, int, int]]] = {label: [] for label, _ in PAGES}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=os.environ.get("GONGZHI_CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-quic"],
        )
        for _ in range(runs):
            context = browser.new_context(viewport=PHONE, locale="zh-CN")
            page = context.new_page()
            page.goto(f"{base}/login")
            page.locator("input[name=email]").fill(RESIDENT)
            page.locator("input[name=password]").fill("gongzhi-demo")
            page.locator("form button[type=submit]").last.click()
            page.wait_for_load_state("load")
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.clearBrowserCache")
            cdp.send("Network.emulateNetworkConditions", SLOW)
            sent: list[int] = []
            cdp.on("Network.loadingFinished", lambda e, s=sent: s.append(e["encodedDataLength"]))
            for label, path in PAGES:
                sent.clear()
                started = time.perf_counter()
                page.goto(base + path, wait_until="load")
                elapsed = time.perf_counter() - started
                page.wait_for_timeout(200)  # let the last loadingFinished events arrive
                over_network = [n for n in sent if n > 0]
                results[label].append((elapsed, len(over_network), sum(over_network)))
            context.close()
        browser.close()
    return {
        label: {
            "seconds": round(statistics.median(r[0] for r in rows), 2),
            "requests": statistics.median(r[1] for r in rows),
            "kb": round(statistics.median(r[2] for r in rows) / 1024, 1),
        }
        for label, rows in results.items()
    }


def write_doc(before: dict, after: dict) -> None:
    lines = [
        START,
        "## page loads on a slow phone connection",
        "",
        "`python bench/page_load.py`: the demo resident (张阿姨) on a 390x844 viewport in "
        "Chromium with its network emulation at 400 ms round trip and 400 kbit/s each way "
        "(CDP `Network.emulateNetworkConditions`), threaded development server on "
        "127.0.0.1; median of the runs. First page: empty cache. Next pages: the cache the "
        "first page left. Requests and KB count only what went over the network. "
        "Before (`bench/page_load_before.json`, measured on main at 6b24452 from an export "
        "of it with `--root`): static files uncompressed with `Cache-Control: no-cache`, so every "
        "page revalidated three or four of them, and pages uncompressed. After: versioned "
        "static URLs cached for a year (`immutable`), pages and static files compressed "
        "(Flask-Compress: brotli here); the first page now also fetches the favicon, the "
        "header icon and `forms.js`, in parallel and small.",
        "",
        "| page | before | requests | KB | after | requests | KB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, _path in PAGES:
        b, a = before[label], after[label]
        lines.append(
            f"| {label} | {b['seconds']:.2f} s | {b['requests']:g} | {b['kb']} "
            f"| {a['seconds']:.2f} s | {a['requests']:g} | {a['kb']} |"
        )
    lines.append(END)
    text = DOC.read_text(encoding="utf-8")
    section = "\n".join(lines)
    if START in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=HERE, help="the checkout to measure")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--save", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--before", type=Path, help="JSON of the earlier run: write the doc")
    parser.add_argument("--after", type=Path, help="JSON of this run (write the doc only)")
    args = parser.parse_args()
    if args.before and args.after:
        write_doc(json.loads(args.before.read_text()), json.loads(args.after.read_text()))
        return
    with tempfile.TemporaryDirectory() as tmp:
        base, server = serve(args.root.resolve(), Path(tmp))
        try:
            figures = measure(base, args.runs)
        finally:
            server.shutdown()
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.save:
        args.save.write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.before:
        write_doc(json.loads(args.before.read_text()), figures)


if __name__ == "__main__":
    main()
