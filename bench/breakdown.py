"""Where one page's time goes: SQL, ORM, templates, plugin code, scope/login, permissions.

    python -m bench.breakdown [--page dashboard] [--requests 300] [--database-url URL]

Without ``--database-url`` it builds the demo platform in a throw-away SQLite file. Each
category's time is *exclusive* (a template rendered inside plugin code counts as template
time, not plugin time), so the rows add up to the measured total; "Flask, Werkzeug and the
rest" is what no wrapper claimed (routing, cookies, the test client, response building).
The wrappers add a little time of their own; the totals are for comparing before/after on
one machine, the ratios in docs/benchmarks.md come from ``make bench``.
"""

from __future__ import annotations

import argparse
import functools
import os
import tempfile
import time
from collections import defaultdict
from pathlib import Path

PAGES = {
    "dashboard": ("staff", "/c/{slug}/"),
    "ledger": ("staff", "/c/{slug}/requests/ledger"),
    "board": (None, "/c/{slug}/requests/board"),
    "login": (None, "/login"),
    "notices": ("staff", "/c/{slug}/notices/"),
}


class Clock:
    """A stack of running categories; each keeps the time not spent in a nested one."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.stack: list[list] = []  # [category, started, time of nested categories]
        self.enabled = False

    def push(self, category: str) -> None:
        if self.enabled:
            self.stack.append([category, time.perf_counter(), 0.0])

    def pop(self) -> None:
        if not self.enabled or not self.stack:
            return
        category, started, nested = self.stack.pop()
        spent = time.perf_counter() - started
        self.totals[category] += spent - nested
        self.calls[category] += 1
        if self.stack:
            self.stack[-1][2] += spent

    def wrap(self, owner, name: str, category: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            self.push(category)
            try:
                return original(*args, **kwargs)
            finally:
                self.pop()

        setattr(owner, name, timed)


CATEGORIES = {
    "sql": "SQL in the driver (sqlite3/psycopg)",
    "orm": "SQLAlchemy: build, compile, results, transactions",
    "template": "Jinja templates",
    "i18n": "translations lookup (gettext)",
    "url": "url_for",
    "plugin": "plugin code (hooks, widgets)",
    "scope": "request set-up: resolve the community, load the user",
    "permission": "permissions and membership",
    "csrf": "CSRF token",
}


def instrument(clock: Clock) -> None:
    """Wrap the functions each category is made of; call before the app is created."""
    import flask.templating
    import flask_babel
    import flask_login.login_manager
    import flask_wtf.csrf
    from flask import Flask
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    import core.community.permissions as permissions
    import core.plugins.gateway as gateway_module

    for name in ("execute", "scalar", "scalars", "get", "flush", "commit", "rollback", "close"):
        clock.wrap(Session, name, "orm")
    clock.wrap(Session, "begin_nested", "orm")
    clock.wrap(flask.templating, "_render", "template")
    clock.wrap(flask_babel.Domain, "get_translations", "i18n")
    clock.wrap(Flask, "url_for", "url")
    clock.wrap(flask_wtf.csrf, "generate_csrf", "csrf")
    clock.wrap(gateway_module.Gateway, "run_isolated", "plugin")
    clock.wrap(gateway_module.Gateway, "collect", "plugin")
    clock.wrap(Flask, "preprocess_request", "scope")  # resolves the slug, enters the scope
    clock.wrap(flask_login.login_manager.LoginManager, "_load_user", "scope")
    for name in ("membership", "has_permission", "require_login_and"):
        clock.wrap(permissions, name, "permission")

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(*_args, **_kwargs):
        clock.push("sql")

    @event.listens_for(Engine, "after_cursor_execute")
    def _after(*_args, **_kwargs):
        clock.pop()


def build_demo(database_url: str | None, kept: bool = False):
    """An app on ``database_url``, or on a fresh SQLite file with the demo communities."""
    from core import create_app
    from core.extensions import db

    fresh = database_url is None
    if fresh:
        folder = tempfile.mkdtemp(prefix="gongzhi-breakdown-")
        os.environ.setdefault("GONGZHI_INSTANCE", folder)
        database_url = f"sqlite:///{Path(folder) / 'demo.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "breakdown",
            "SESSION_COOKIE_SECURE": False,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            # The page's own work unless --kept: then the view of a kept copy.
            "PAGE_CACHE_SECONDS": 60 if kept else 0,
        }
    )
    if fresh:
        from core.demo import load_demo

        with app.app_context():
            db.create_all()
            for _line in load_demo():
                pass
    return app


def measure(app, page: str, count: int, slug: str, clock: Clock) -> dict:
    from sqlalchemy import event

    from core.demo import DEMO_PASSWORD, PEOPLE
    from core.extensions import db

    role, path = PAGES[page]
    client = app.test_client()
    if role:
        if slug in PEOPLE:  # a demo community
            email, password = PEOPLE[slug][role][1], DEMO_PASSWORD
        else:  # a generated one (bench/data)
            from bench.data import PASSWORD
            from bench.data import email as bench_email

            email, password = bench_email(slug, f"{role}1"), PASSWORD
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, "login failed"
    url = path.format(slug=slug)
    statements: list[str] = []

    def count_statement(_conn, _cursor, statement, *_args):
        statements.append(statement)

    for _ in range(20):  # warm up: compiled statements, templates, translations
        assert client.get(url).status_code == 200
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count_statement)
    client.get(url)
    event.remove(engine, "before_cursor_execute", count_statement)
    clock.enabled = True
    began = time.perf_counter()
    for _ in range(count):
        client.get(url)
    total = time.perf_counter() - began
    clock.enabled = False
    per = {k: v / count * 1000 for k, v in clock.totals.items()}
    per["rest"] = total / count * 1000 - sum(per.values())
    return {
        "page": page,
        "ms": total / count * 1000,
        "categories": per,
        "statements": statements,
        "calls": python_calls(client, url),
    }


def python_calls(client, url: str, count: int = 20) -> int:
    """Function calls per request (cProfile's count): unlike milliseconds, the same on any
    machine and under any load, so before/after comparisons hold on a busy one."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(count):
        client.get(url)
    profile.disable()
    return round(pstats.Stats(profile).total_calls / count)


def report(result: dict) -> str:
    lines = [
        f"{result['page']}: {result['ms']:.2f} ms a request, "
        f"{len(result['statements'])} SQL statements, {result['calls']:,} function calls",
        "",
        "| where | ms | share |",
        "| --- | ---: | ---: |",
    ]
    names = {**CATEGORIES, "rest": "Flask, Werkzeug and the rest"}
    for key, ms in sorted(result["categories"].items(), key=lambda kv: -kv[1]):
        lines.append(f"| {names[key]} | {ms:.2f} | {100 * ms / result['ms']:.0f}% |")
    lines += ["", "statements:"]
    lines += [f"  {s.split(chr(10))[0][:110]}" for s in result["statements"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", choices=sorted(PAGES), default="dashboard")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--slug", default="heyunlu", help="the community to measure")
    parser.add_argument("--kept", action="store_true", help="measure kept pages (page cache)")
    args = parser.parse_args()
    clock = Clock()
    instrument(clock)
    app = build_demo(args.database_url, args.kept)
    print(report(measure(app, args.page, args.requests, args.slug, clock)))


if __name__ == "__main__":
    main()
