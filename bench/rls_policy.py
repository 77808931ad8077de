"""Benchmark: the row-level security policy, read per row or once per statement.

    python -m bench.rls_policy [--url postgresql://postgres@127.0.0.1:5432/test_x] [--rows 100000]

In a scratch schema of the given database (dropped afterwards): one table of ``--rows``
rows in community 1 and 1,000 in community 2, a plain role (RLS applies), and one
aggregate (``count(*), sum(amount)``) as that role with ``app.tenant_id = 1``, under
three policies: none (RLS off, the filter written in the query), the old policy
(``tenant_id::text = current_setting(...)``, evaluated per row) and ours
(``tenants.rls.CONDITION``: each setting read once, in a scalar subquery). Prints the
median execution time PostgreSQL reports in ``EXPLAIN (ANALYZE)`` over repeated runs.
"""

from __future__ import annotations

import argparse
import os
import statistics

import psycopg

from tenants.rls import CONDITION

OLD_CONDITION = (
    "(current_setting('app.all_tenants', true) = 'on' OR "
    "tenant_id::text = current_setting('app.tenant_id', true))"
)
SCHEMA, ROLE = "gongzhi_rls_bench", "gongzhi_rls_bench"
QUERY = f"select count(*), sum(amount) from {SCHEMA}.item"


def _plain_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def prepare(conn: psycopg.Connection, rows: int) -> None:
    conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    if conn.execute("select 1 from pg_roles where rolname = %s", (ROLE,)).fetchone() is None:
        conn.execute(f"CREATE ROLE {ROLE} NOSUPERUSER NOBYPASSRLS")
    conn.execute(f"CREATE SCHEMA {SCHEMA}")
    conn.execute(
        f"CREATE TABLE {SCHEMA}.item (id bigserial primary key, tenant_id bigint not null,"
        " amount integer not null)"
    )
    conn.execute(
        f"INSERT INTO {SCHEMA}.item (tenant_id, amount) "
        f"SELECT 1, n % 100 FROM generate_series(1, {rows}) n "
        "UNION ALL SELECT 2, 1 FROM generate_series(1, 1000)"
    )
    conn.execute(f"CREATE INDEX ON {SCHEMA}.item (tenant_id)")
    conn.execute(f"ANALYZE {SCHEMA}.item")
    conn.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {ROLE}")
    conn.execute(f"GRANT SELECT ON {SCHEMA}.item TO {ROLE}")


def use_policy(conn: psycopg.Connection, condition: str | None) -> None:
    conn.execute(f"DROP POLICY IF EXISTS p ON {SCHEMA}.item")
    if condition is None:
        conn.execute(f"ALTER TABLE {SCHEMA}.item DISABLE ROW LEVEL SECURITY")
        return
    conn.execute(f"ALTER TABLE {SCHEMA}.item ENABLE ROW LEVEL SECURITY")
    conn.execute(f"CREATE POLICY p ON {SCHEMA}.item USING {condition}")


def measure(conn: psycopg.Connection, query: str, runs: int) -> tuple[float, str]:
    """Median execution time (ms) as the plain role, and the plan of the last run."""
    times, plan = [], ""
    for _ in range(runs):
        with conn.transaction():
            conn.execute(f"SET LOCAL ROLE {ROLE}")
            conn.execute("SET LOCAL app.tenant_id = '1'; SET LOCAL app.all_tenants = 'off'")
            explain = f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {query}"
            lines = [r[0] for r in conn.execute(explain)]
        times.append(float(lines[-1].split(":")[1].split()[0]))
        plan = "\n".join(lines)
    return statistics.median(times), plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--url", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--plans", action="store_true", help="print the query plans")
    args = parser.parse_args()
    with psycopg.connect(_plain_url(args.url), autocommit=True) as conn:
        prepare(conn, args.rows)
        try:
            cases = [
                ("no RLS, filter in the query", None, QUERY + " where tenant_id = 1"),
                ("old policy: setting read per row", OLD_CONDITION, QUERY),
                ("new policy: setting read once (InitPlan)", CONDITION, QUERY),
            ]
            print(f"{args.rows:,} rows in the community, median of {args.runs} runs")
            # Rounds interleave the cases, so a busy machine slows each of them alike.
            times: dict[str, list[float]] = {label: [] for label, _, _ in cases}
            plans: dict[str, str] = {}
            for _ in range(args.runs):
                for label, condition, query in cases:
                    use_policy(conn, condition)
                    measure(conn, query, 1)  # warm after the policy change
                    median, plans[label] = measure(conn, query, 3)
                    times[label].append(median)
            for label, _, _ in cases:
                print(f"  {label:45} {statistics.median(times[label]):7.2f} ms")
                if args.plans:
                    print("    " + plans[label].replace("\n", "\n    "))
        finally:
            conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
            conn.execute(f"DROP ROLE IF EXISTS {ROLE}")


if __name__ == "__main__":
    main()
