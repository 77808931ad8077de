"""Bulk loading for the generator: executemany on SQLite, COPY on PostgreSQL, never the ORM.

Rows are plain tuples in the order of the given columns. Values are converted once here to
what the database stores (UTC timestamps, 0/1 on SQLite, JSON as text), so the generator
writes exactly what the app would have written through SQLAlchemy's types.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import islice

import sqlalchemy as sa

CHUNK = 20_000


def _sqlite_value(value):
    if isinstance(value, datetime):
        # SQLAlchemy's SQLite DATETIME storage format, in UTC (core.services.time.UTCDateTime).
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _postgres_value(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


class Loader:
    """Writes generated rows through one raw DBAPI connection, committing per chunk."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.raw = engine.raw_connection()
        self.counts: dict[str, int] = {}
        if self.dialect == "postgresql":
            with self.raw.cursor() as cursor:  # RLS: the generator writes every community
                cursor.execute("select set_config('app.all_tenants', 'on', false)")
            self.raw.commit()

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        """Insert every row; returns how many."""
        rows = iter(rows)
        written = 0
        names = ", ".join(f'"{c}"' for c in columns)
        while True:
            chunk = list(islice(rows, CHUNK))
            if not chunk:
                break
            cursor = self.raw.cursor()
            if self.dialect == "postgresql":
                with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in chunk:
                        copy.write_row([_postgres_value(v) for v in row])
            else:
                marks = ", ".join("?" for _ in columns)
                cursor.execute("BEGIN")  # the app's connections run in autocommit mode
                cursor.executemany(
                    f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                    [[_sqlite_value(v) for v in row] for row in chunk],
                )
            cursor.close()
            self.raw.commit()
            written += len(chunk)
        self.counts[table] = self.counts.get(table, 0) + written
        return written

    def execute(self, sql: str) -> None:
        cursor = self.raw.cursor()
        if self.dialect == "sqlite" and not sql.startswith(("ANALYZE", "VACUUM")):
            cursor.execute("BEGIN")
        cursor.execute(sql)
        cursor.close()
        self.raw.commit()

    def finish(self, tables: Iterable[str]) -> None:
        """Move PostgreSQL's id sequences past the explicit ids; refresh planner statistics."""
        if self.dialect == "postgresql":
            for table in tables:
                self.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'GREATEST((SELECT max(id) FROM "{table}"), 1))'
                )
            self.raw.driver_connection.autocommit = True
            self.execute("VACUUM ANALYZE")
            self.raw.driver_connection.autocommit = False
        else:
            self.execute("ANALYZE")

    def close(self) -> None:
        self.raw.close()
