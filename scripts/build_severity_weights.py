"""Rebuild src/diogel/data/crime_severity_weights.csv from the ONS-to-police.uk join.

Source
------
``policeuk-ons-code-join.csv`` (in ``../shared/data/mopd-police-supply-demand/``): a
third-party join of the ONS Crime Severity Score (CSS) weights, one per Home Office
offence code, to the data.police.uk crime categories. The ONS edition of the weights is
not stated in the file, so the weights are *defaults* that a partnership can replace
with its own table (``diogel.analysis.harm`` accepts one).

Method
------
1. Keep one row per distinct offence: rows are de-duplicated on (ONS offence code,
   offence name, police.uk category). The source repeats some offences (homicide five
   times, two burglary codes twice) because it joins several count series to them.
2. Map the source's category spelling to the data.police.uk spelling, case-insensitively
   ("Criminal Damage and Arson" -> "Criminal damage and arson").
3. Summarise the weights of the offences in each police.uk category. The source has no
   offence *volumes*, so a count-weighted mean (the severity of the average recorded
   crime in the category) cannot be computed from it. The default ``weight`` is the
   **median** of the distinct offence weights: with every offence counted once, the mean
   is dominated by rare, very serious offences (arson endangering life lifts "Criminal
   damage and arson" from 5.4 to a mean of 150, although ordinary criminal damage is the
   bulk of that category), and the median is the less distorted of the two. The mean,
   minimum and maximum are kept as columns so a user can choose. Categories that mix
   rare severe offences with common minor ones ("Violence and sexual offences",
   "Burglary", "Possession of weapons") still sit above what a count-weighted mean would
   give; pass ``--volumes`` with offence counts (columns ``offence_code,count``) to
   weight by volume instead.
4. Anti-social behaviour has no CSS weight: ASB incidents are not notifiable crimes, so
   they have no sentencing-based severity. Its row is kept with an empty weight so that
   harm calculations report ASB as "not weighted" rather than treating it as unknown.
   The categories police.uk retired in 2013 ("Violent crime", "Public disorder and
   weapons") are not in the source and are left out.

Run ``python scripts/build_severity_weights.py`` from the repository root; the output
is deterministic.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SOURCE = (
    ROOT.parent / "shared" / "data" / "mopd-police-supply-demand" / "policeuk-ons-code-join.csv"
)
TARGET = ROOT / "src" / "diogel" / "data" / "crime_severity_weights.csv"

sys.path.insert(0, str(ROOT / "src"))
from diogel.schema import ASB_CATEGORY, POLICE_UK_CATEGORIES  # noqa: E402

COLUMNS = [
    "category",
    "weight",
    "weight_median",
    "weight_mean",
    "weight_min",
    "weight_max",
    "offences",
    "method",
    "note",
]


def build(source: Path, *, method: str = "median", volumes: Path | None = None) -> pd.DataFrame:
    """The weights table: one row per police.uk category."""
    raw = pd.read_csv(source, encoding="utf-8-sig")
    offences = raw.drop_duplicates(
        ["ONS_SEVERITY_code", "ONS_SEVERITY_offence", "POLICE_UK_CAT_MAP_category"]
    ).copy()
    spelling = {c.lower(): c for c in POLICE_UK_CATEGORIES}
    offences["category"] = offences["POLICE_UK_CAT_MAP_category"].str.strip().str.lower()
    unknown = sorted(set(offences["category"]) - set(spelling))
    if unknown:
        raise SystemExit(f"categories not in police.uk's list: {unknown}")
    offences["category"] = offences["category"].map(spelling)
    offences["w"] = offences["ONS_SEVERITY_weight"].astype(float)
    grouped = offences.groupby("category")["w"]
    table = pd.DataFrame(
        {
            "weight_median": grouped.median(),
            "weight_mean": grouped.mean(),
            "weight_min": grouped.min(),
            "weight_max": grouped.max(),
            "offences": grouped.size(),
        }
    )
    if volumes is not None:
        counts = pd.read_csv(volumes, dtype={"offence_code": str})
        merged = offences.merge(
            counts, left_on="ONS_SEVERITY_code", right_on="offence_code", how="left"
        )
        merged["count"] = merged["count"].fillna(0.0)
        sums = merged.assign(wc=merged["w"] * merged["count"]).groupby("category")
        table["weight_count_weighted"] = sums["wc"].sum() / sums["count"].sum()
        # A category with no volume at all keeps the median, and says so.
        has_volume = table["weight_count_weighted"].notna()
        table["weight"] = table["weight_count_weighted"].where(has_volume, table["weight_median"])
        label = "count-weighted mean of offence weights"
    elif method == "mean":
        table["weight"] = table["weight_mean"]
        label = "mean of distinct offence weights"
    else:
        table["weight"] = table["weight_median"]
        label = "median of distinct offence weights"
    table["method"] = label
    table["note"] = ""
    if volumes is not None:
        no_volume = table["weight_count_weighted"].isna()
        table.loc[no_volume, "method"] = "median of distinct offence weights"
        table.loc[no_volume, "note"] = "no offence volumes given"
    table = table.reset_index()
    asb = {
        "category": ASB_CATEGORY,
        "method": "none",
        "note": "no CSS weight: anti-social behaviour is not a notifiable crime",
        "offences": 0,
    }
    table = pd.concat([pd.DataFrame([asb]), table], ignore_index=True)
    table = table.sort_values("category", kind="stable").reset_index(drop=True)
    columns = [c for c in COLUMNS if c in table.columns]
    if "weight_count_weighted" in table.columns:
        columns.insert(2, "weight_count_weighted")
    return table[columns]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--out", type=Path, default=TARGET)
    parser.add_argument("--method", choices=["median", "mean"], default="median")
    parser.add_argument("--volumes", type=Path, default=None, help="offence_code,count CSV")
    args = parser.parse_args(argv)
    table = build(args.source, method=args.method, volumes=args.volumes)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False, float_format="%.6f", lineterminator="\n")
    print(f"wrote {len(table)} categories to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
