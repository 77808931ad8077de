"""The bench platform: communities, people and each plugin's data, at demo size or at scale.

    python -m bench.data --scale small|full [--database-url URL] [--seed 19]

``full`` is the platform of ../shared/DOMAIN.md and issue 19: 1,000 communities, one large
community of 10,000 households, 1,000,000 users, 100,000 requests in the large community
(the page costs at stake) and a few in every other one. ``small`` is demo-sized. The
schema comes from the migrations (``flask db upgrade``), the rows from bulk inserts
(``loader.py``: executemany on SQLite, COPY on PostgreSQL), never the ORM row by row.

Each plugin adds its part: a module with ``generate(platform)`` listed in ``PARTS`` under
its plugin id. A part reads the communities and people from :class:`Platform`, writes its
rows with ``platform.insert`` and rebuilds whatever the plugin derives from them (the
requests part rebuilds the ledger counts). Parts of plugins that are not installed are
skipped. Figures of plugins not built yet (1,000,000 volunteer hour logs, 200,000
bookings, 1,000,000 ledger entries) are in ``Scale`` already, for their parts to use.
"""

from __future__ import annotations

import importlib
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.data.loader import Loader

GENERATOR_VERSION = 1
PASSWORD = "bench-password"  # every generated person's password
LARGE = "large"  # the slug of the large community, where the pages are measured
STAFF_PER_COMMUNITY = 4


@dataclass(frozen=True)
class Scale:
    name: str
    communities: int
    users: int
    large_households: int
    large_members: int
    requests_large: int
    requests_per_community: int
    notices_large: int
    notices_per_community: int
    # For the parts of plugins still to come (issue 19's figures).
    volunteer_hour_logs: int = 0
    bookings: int = 0
    fund_ledger_entries: int = 0


SCALES = {
    "small": Scale(
        "small",
        communities=2,
        users=40,
        large_households=4_200,
        large_members=30,
        requests_large=30,
        requests_per_community=8,
        notices_large=8,
        notices_per_community=4,
        volunteer_hour_logs=200,
        bookings=40,
        fund_ledger_entries=200,
    ),
    # The small platform with issue 22's 200,000 bookings in the large community: the
    # booking pages at their scale without generating a million users
    # (python -m bench.run --scales bookings).
    "bookings": Scale(
        "bookings",
        communities=2,
        users=40,
        large_households=4_200,
        large_members=30,
        requests_large=30,
        requests_per_community=8,
        notices_large=8,
        notices_per_community=4,
        bookings=200_000,
    ),
    "full": Scale(
        "full",
        communities=1_000,
        users=1_000_000,
        large_households=10_000,
        large_members=20_000,
        requests_large=100_000,
        requests_per_community=20,
        notices_large=600,
        notices_per_community=20,
        volunteer_hour_logs=1_000_000,
        bookings=200_000,
        fund_ledger_entries=1_000_000,
    ),
}

# plugin id -> module with generate(platform); "core" always runs first. A new plugin adds
# its line here (and its pages to bench/mix.py).
PARTS: dict[str, str] = {
    "core": "bench.data.core",
    "notices": "bench.data.notices",
    "requests": "bench.data.requests",
    "booking": "bench.data.booking",  # 200,000 bookings in the large community
    "volunteers": "bench.data.volunteers",  # 1,000,000 volunteer hour logs
    "funds": "bench.data.funds",  # 1,000,000 ledger entries in the large community
}


@dataclass
class Community:
    id: int
    slug: str
    households: int
    first_user: int  # this community's people are users first_user .. first_user + users - 1
    users: int

    @property
    def large(self) -> bool:
        return self.slug == LARGE

    @property
    def admin_id(self) -> int:
        return self.first_user

    @property
    def staff_ids(self) -> range:
        return range(self.first_user + 1, self.first_user + 1 + STAFF_PER_COMMUNITY)

    @property
    def member_ids(self) -> range:
        return range(self.first_user + 1 + STAFF_PER_COMMUNITY, self.first_user + self.users)


def email(community_slug: str, role: str) -> str:
    """The address of a generated person: admin, staff1..staff4, or resident<user id>."""
    return f"{role}@{community_slug}.bench"


def large_community_email(role: str) -> str:
    """The address of a person of the large community: ``admin``, ``staff1``.., or
    ``resident`` (its first resident). The large community's block starts at user 1."""
    if role == "resident":
        role = f"resident{1 + 1 + STAFF_PER_COMMUNITY}"
    return email(LARGE, role)


@dataclass
class Platform:
    """What a part sees: the scale, a seeded random source, the communities and people."""

    scale: Scale
    loader: Loader
    rng: random.Random
    now: datetime
    plugins: frozenset[str]
    communities: list[Community] = field(default_factory=list)

    @property
    def dialect(self) -> str:
        return self.loader.dialect

    def insert(self, table: str, columns, rows) -> int:
        return self.loader.insert(table, columns, rows)


def reset_database(url: str) -> None:
    """An empty database at ``url`` (the SQLite file removed, PostgreSQL's schema dropped)."""
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        path = Path(engine.url.database)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def make_app(url: str):
    from core import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": normalise_url(url),
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "CACHE_TYPE": "NullCache",
        }
    )


def normalise_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def generated_info(url: str) -> dict[str, str]:
    """What ``build`` recorded in the database (empty if it was not built by it)."""
    engine = sa.create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT name, value FROM bench_generated")).all()
        return dict(rows)
    except sa.exc.SQLAlchemyError:
        return {}
    finally:
        engine.dispose()


def build(url: str, scale_name: str, seed: int = 19, log=print) -> dict[str, Any]:
    """Generate the platform at ``url`` from scratch; returns counts and seconds."""
    from flask_migrate import upgrade

    from core.extensions import db

    url = normalise_url(url)
    scale = SCALES[scale_name]
    began = time.perf_counter()
    reset_database(url)
    app = make_app(url)
    with app.app_context():
        upgrade(revision="heads")
        installed = frozenset(app.extensions["gongzhi.plugins"].active_ids)
        loader = Loader(db.engine)
        platform = Platform(
            scale=scale,
            loader=loader,
            rng=random.Random(seed),
            now=datetime.now(UTC).replace(microsecond=0),
            plugins=installed,
        )
        seconds: dict[str, float] = {}
        for plugin_id, module_name in PARTS.items():
            if plugin_id != "core" and plugin_id not in installed:
                continue
            started = time.perf_counter()
            importlib.import_module(module_name).generate(platform)
            seconds[plugin_id] = round(time.perf_counter() - started, 1)
            log(f"  {plugin_id}: {seconds[plugin_id]} s")
        tables = [t.name for t in db.metadata.sorted_tables if "id" in t.c]
        loader.finish(tables)
        info = {
            "scale": scale_name,
            "seed": str(seed),
            "version": str(GENERATOR_VERSION),
            "dialect": loader.dialect,
            "seconds": f"{time.perf_counter() - began:.0f}",
            **{f"rows.{t}": str(n) for t, n in sorted(loader.counts.items())},
        }
        loader.execute("CREATE TABLE bench_generated (name VARCHAR(80), value VARCHAR(200))")
        loader.insert("bench_generated", ("name", "value"), sorted(info.items()))
        loader.close()
        db.engine.dispose()
    return info
