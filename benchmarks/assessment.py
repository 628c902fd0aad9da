"""Benchmark: the full strategic assessment (build, HTML and PDF) for one Gwent council.

Loads three years of Gwent Police street files (July 2021 to June 2024, from
``../shared/data/police-uk``) into a temporary store, then times the assessment of Newport
for July 2023 to June 2024 (compared with a year earlier), printing the time spent in each
part. Target on a 2-core machine: under 20 seconds for the assessment with both HTML and
PDF written (loading the data is not part of it).

Usage::

    python benchmarks/assessment.py [--area Newport] [--lang en|cy]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STREET = ROOT.parent / "shared" / "data" / "police-uk" / "street" / "gwent"
TARGET_SECONDS = 20.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--area", default="Newport")
    parser.add_argument("--lang", default="en", choices=["en", "cy"])
    args = parser.parse_args()
    if not STREET.is_dir():
        sys.exit(f"needs the public data in {STREET}")
    from diogel.assess.assessment import build_assessment
    from diogel.geography import Geography
    from diogel.hub import load_police_uk
    from diogel.periods import Period
    from diogel.reports import render
    from diogel.storage import open_store

    files = [p for p in sorted(STREET.glob("*.csv")) if "2021-07" <= p.name[:7] <= "2024-06"]
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "bench.duckdb"))
        load_police_uk(store, files)
        geography = Geography.bundled()
        print(f"loaded {len(files)} Gwent street files (three years); assessing {args.area}")
        started = time.perf_counter()
        assessment = build_assessment(
            store, args.area, Period.parse("2023-07", "2024-06"), lang=args.lang,
            geography=geography,
        )  # fmt: skip
        built = time.perf_counter()
        render(assessment, Path(tmp) / "a.html")
        html = time.perf_counter()
        render(assessment, Path(tmp) / "a.pdf")
        pdf = time.perf_counter()
        store.close()
    print("time per part:")
    for part, seconds in assessment.timings.items():
        print(f"  {part:<12} {seconds:6.2f} s")
    print(f"  {'build total':<12} {built - started:6.2f} s")
    print(f"  {'HTML':<12} {html - built:6.2f} s")
    print(f"  {'PDF':<12} {pdf - html:6.2f} s")
    total = pdf - started
    verdict = "met" if total < TARGET_SECONDS else "NOT met"
    print(f"total {total:.2f} s (target under {TARGET_SECONDS:.0f} s: {verdict})")


if __name__ == "__main__":
    main()
