"""Benchmark: PostgreSQL server mode against the embedded DuckDB, loading and serving.

1. Loading: every street file in ``../shared/data/police-uk/street`` (four Welsh forces)
   into a fresh DuckDB file and into a fresh PostgreSQL schema, in one run; rows per
   second for each and their ratio. Target: PostgreSQL loading at 100,000 rows/s or more.
2. Serving: the web load of ``benchmarks/web_load.py`` (a million incidents, 50 clients
   on ``/api/v1/summary`` and ``/api/v1/hotspots``) against ``diogel serve`` on DuckDB
   (one worker, as DuckDB allows) and on PostgreSQL with four workers; p95 latency of
   each and their ratio. Target: p95 under 150 ms with no errors on PostgreSQL.

Needs a PostgreSQL server: ``DIOGEL_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``).

Usage::

    python benchmarks/postgres.py [--repeat N]
    python benchmarks/postgres.py --rows 200000 --seconds 10     # a quick look
    python benchmarks/postgres.py --no-web                       # loading only
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
sys.path.insert(0, str(Path(__file__).resolve().parent))  # web_load, police_copies
STREET = ROOT.parent / "shared" / "data" / "police-uk" / "street"
TARGET = 100_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (best is shown)")
    parser.add_argument("--no-web", action="store_true", help="skip the web load")
    parser.add_argument("--rows", type=int, default=1_000_000, help="incidents for the web load")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=4, help="web workers on PostgreSQL")
    parser.add_argument("--port", type=int, default=8766)
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
    if not args.no_web:
        web(base, args)


def web(base: str, args: argparse.Namespace) -> None:
    """The web load on DuckDB (one worker) and on PostgreSQL (``args.workers`` workers)."""
    import psycopg
    from web_load import TARGET_P95_MS, build_store, met, serve_and_load

    reports = {}
    with tempfile.TemporaryDirectory() as tmp:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        joiner = "&" if "?" in base else "?"
        targets = {
            "duckdb": (str(Path(tmp) / "web.duckdb"), 1),
            "postgres": (f"{base}{joiner}options=-csearch_path%3D{schema}", args.workers),
        }
        try:
            for name, (url, workers) in targets.items():
                print(
                    f"web load, {name}, {workers} worker{'s' if workers > 1 else ''}:", flush=True
                )
                work = Path(tmp) / name
                work.mkdir()
                build_store(url, args.rows, work)
                token = (work / "token").read_text()
                reports[name] = serve_and_load(
                    url, token, workers=workers, port=args.port, clients=args.clients,
                    seconds=args.seconds,
                )  # fmt: skip
        finally:
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
    p95 = {name: float(str(r["all"]["p95_ms"])) for name, r in reports.items()}
    print(f"  p95: DuckDB {p95['duckdb']:.1f} ms, PostgreSQL ({args.workers} workers) "
          f"{p95['postgres']:.1f} ms; ratio {p95['postgres'] / p95['duckdb']:.2f}x")  # fmt: skip
    ok = met(reports["postgres"])
    print(f"  target p95 < {TARGET_P95_MS:.0f} ms with no errors on PostgreSQL with "
          f"{args.workers} workers: {'met' if ok else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    main()
