"""Benchmark: loading police.uk street files into PostgreSQL, against the embedded DuckDB.

Loads every street file in ``../shared/data/police-uk/street`` (four Welsh forces) into a
fresh DuckDB file and into a fresh PostgreSQL schema, in one run, and prints rows per
second for each and their ratio. Target: PostgreSQL loading at 100,000 rows/s or more.

Needs a PostgreSQL server: ``DIOGEL_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``).

Usage::

    python benchmarks/postgres.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STREET = ROOT.parent / "shared" / "data" / "police-uk" / "street"
TARGET = 100_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (best is shown)")
    args = parser.parse_args()
    if not STREET.is_dir():
        sys.exit(f"needs the public data in {STREET}")
    import psycopg

    from diogel.geography import Geography
    from diogel.hub import load_police_uk
    from diogel.storage import open_store

    Geography.bundled()
    base = os.environ.get("DIOGEL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    results: dict[str, float] = {}
    rows = 0
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
            joiner = "&" if "?" in base else "?"
            targets = {
                "duckdb": str(Path(tmp) / "bench.duckdb"),
                "postgres": f"{base}{joiner}options=-csearch_path%3D{schema}",
            }
            try:
                for name, url in targets.items():
                    store = open_store(url)
                    started = time.perf_counter()
                    report = load_police_uk(store, [STREET])
                    seconds = time.perf_counter() - started
                    store.close()
                    rows = report.rows_in
                    results[name] = min(results.get(name, float("inf")), seconds)
            finally:
                with psycopg.connect(base, autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA {schema} CASCADE")
    print(f"{rows:,} police.uk street rows (four Welsh forces)")
    for name, seconds in results.items():
        print(f"  {name:<9} {seconds:6.2f} s  {rows / seconds:10,.0f} rows/s")
    pg_rate = rows / results["postgres"]
    print(f"  ratio: PostgreSQL takes {results['postgres'] / results['duckdb']:.2f}x DuckDB's time")
    print(
        f"  target >= {TARGET:,} rows/s into PostgreSQL: {'met' if pg_rate >= TARGET else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
