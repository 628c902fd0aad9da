"""Benchmark: loading police.uk street files, against pandas.read_csv as a parsing floor.

Runs, in one go, on the same files:

1. every street file in ``../shared/data/police-uk/street`` (all four Welsh forces);
2. a synthetic national-size set made by replicating those files (each copy given its
   own force name, so that copies are distinct force-months) to about 6 million rows.

For each it prints Diogel's end-to-end rate (parse, validate, harmonise LSOAs, place in
councils, store in DuckDB, in one transaction), its peak memory (resident set of a fresh
process), and the time ``pandas.read_csv`` takes just to parse the same files.

Targets on a 2-core machine: at least 300,000 rows/s end to end; under 2 GiB peak at
6 million rows; no slower than ``pandas.read_csv`` alone.

Targets are judged on the median of the rounds (``--repeat``): the machine is shared,
and each round's ratio is measured with its two runs back to back.

Usage::

    python benchmarks/ingest.py               # both sets
    python benchmarks/ingest.py --quick       # the real files only
    python benchmarks/ingest.py --repeat 3    # three rounds of each
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from police_copies import replicate

ROOT = Path(__file__).resolve().parents[1]
STREET = ROOT.parent / "shared" / "data" / "police-uk" / "street"
TARGET_ROWS = 6_000_000

DIOGEL_JOB = textwrap.dedent(
    """
    import json, resource, sys, time
    from diogel.hub import load_police_uk
    from diogel.geography import Geography
    from diogel.storage import open_store
    Geography.bundled()  # loading the bundled geography is start-up, not ingest
    store = open_store(sys.argv[1])
    t = time.perf_counter()
    report = load_police_uk(store, [sys.argv[2]])
    seconds = time.perf_counter() - t
    store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"rows": report.rows_in, "accepted": report.accepted,
                      "seconds": seconds, "peak": peak}))
    """
)

PANDAS_JOB = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    import pandas as pd
    files = sorted(Path(sys.argv[1]).rglob("*.csv"))
    t = time.perf_counter()
    rows = 0
    for f in files:
        rows += len(pd.read_csv(f, dtype=str, keep_default_na=False))
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"rows": rows, "seconds": seconds, "peak": peak}))
    """
)


def run(job: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", job, *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare(label: str, folder: Path, tmp: Path, repeat: int = 1) -> None:
    """Run Diogel and pandas in turns, ``repeat`` times, and print each run and the median.

    The machine is shared, so each round's ratio is measured with both runs close together,
    and the spread of the rounds is printed with it.
    """
    rounds = []
    for i in range(repeat):
        db = tmp / f"{folder.name}-{i}.duckdb"
        diogel = run(DIOGEL_JOB, str(db), str(folder))
        db.unlink()
        pandas = run(PANDAS_JOB, str(folder))
        rounds.append((diogel, pandas, pandas["seconds"] / diogel["seconds"]))
    print(f"\n{label}: {int(rounds[0][0]['rows']):,} rows")
    for diogel, pandas, ratio in rounds:
        rate = diogel["rows"] / diogel["seconds"]
        print(
            f"  diogel load (end to end): {diogel['seconds']:7.2f} s  {rate:12,.0f} rows/s  "
            f"peak {diogel['peak'] / 2**30:5.2f} GiB"
        )
        print(
            f"  pandas.read_csv (parse):  {pandas['seconds']:7.2f} s  "
            f"{pandas['rows'] / pandas['seconds']:12,.0f} rows/s  "
            f"peak {pandas['peak'] / 2**30:5.2f} GiB"
        )
        print(
            f"  ratio: Diogel's whole pipeline is {ratio:.2f}x the speed of pandas.read_csv alone"
        )
    ratios = sorted(r[2] for r in rounds)
    ratio = statistics.median(ratios)
    rate = statistics.median(r[0]["rows"] / r[0]["seconds"] for r in rounds)
    peak = max(r[0]["peak"] for r in rounds)
    if repeat > 1:
        print(
            f"  over {repeat} rounds: ratio median {ratio:.2f} (from {ratios[0]:.2f} to "
            f"{ratios[-1]:.2f}), Diogel median {rate:,.0f} rows/s"
        )
    print(f"  target >= 300,000 rows/s: {'met' if rate >= 300_000 else 'NOT met'}; "
          f"no slower than read_csv: {'met' if ratio >= 1.0 else 'NOT met'}")  # fmt: skip
    if rounds[0][0]["rows"] >= 5_000_000:
        ok_mem = peak < 2 * 2**30
        print(
            f"  target < 2 GiB peak at {rounds[0][0]['rows']:,.0f} rows: "
            f"{'met' if ok_mem else 'NOT met'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the real files")
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds of each comparison (median is judged)"
    )
    args = parser.parse_args()
    if not STREET.is_dir():
        sys.exit(f"needs the public data in {STREET}")
    with tempfile.TemporaryDirectory() as tmp:
        compare("Real police.uk street files (four Welsh forces)", STREET, Path(tmp), args.repeat)
        if not args.quick:
            big = Path(tmp) / "national"
            big.mkdir()
            print(f"\nbuilding the synthetic national-size set in {big} ...", flush=True)
            replicate(big, TARGET_ROWS)
            compare("Synthetic national-size set", big, Path(tmp), args.repeat)


if __name__ == "__main__":
    main()
