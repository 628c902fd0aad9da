"""Rebuild the example partner files in this folder (fixed seeds: the same files every time).

    python examples/partners/make_examples.py [--shared-data ../shared/data]

* ``istv-synthetic-cardiff-2018-10-to-2019-02.csv``: SYNTHETIC A&E assault records (ISTV
  minimum dataset) for Cardiff, placed on the streets of the real South Wales Police
  street-crime files in ``../shared/data`` (needed for this file only);
* ``asb-example-newport-2024-q1.csv`` and ``fire-example-newport-2024-q1.csv``: INVENTED,
  illustrative council ASB and fire service rows for Newport, on the streets of the
  Gwent Police sample bundled with Diogel.

Each file has a few rows made wrong on purpose, to show how Diogel rejects them; the
README lists them.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from diogel.demo import sample_path
from diogel.geography import Geography
from diogel.hub import load_police_uk
from diogel.hub_partners import synthetic_istv
from diogel.ingest.partners.places import Gazetteer
from diogel.storage import open_store
from diogel.storage.partners import street_locations

HERE = Path(__file__).resolve().parent
NEWPORT = "W06000022"
ASB_TYPES = {
    "Noise": 0.22,
    "Rowdy/inconsiderate behaviour": 0.2,
    "Neighbour dispute": 0.12,
    "Vehicle nuisance": 0.08,
    "Drug dealing/use": 0.08,
    "Fly tipping": 0.07,
    "Intimidation/harassment": 0.06,
    "Street drinking": 0.05,
    "Graffiti": 0.04,
    "Criminal damage/vandalism": 0.04,
    "Animal nuisance": 0.02,
    "Fireworks": 0.02,
}
PROPERTY = {
    "Refuse/rubbish": 0.38,
    "Grassland, woodland and crops": 0.22,
    "Road vehicle": 0.16,
    "Outdoor structures": 0.08,
    "Other building": 0.07,
    "Dwelling": 0.05,
    "Other outdoors": 0.04,
}
SURNAMES = ("Jones", "Williams", "Davies", "Evans", "Thomas", "Roberts", "Hughes", "Lewis")


def _streets(store: object, council: str) -> pd.DataFrame:
    locations = street_locations(store, [council])  # type: ignore[arg-type]
    return Gazetteer.from_police_locations(locations).places


def _pick(rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
    p = np.array(list(shares.values()))
    return rng.choice(list(shares), size=n, p=p / p.sum())


def _when(rng: np.random.Generator, n: int, start: dt.date, days: int) -> pd.DatetimeIndex:
    day = pd.to_datetime(start) + pd.to_timedelta(rng.integers(0, days, n), "D")
    weights = np.r_[[1.0] * 7, [2.0] * 8, [4.0] * 9]
    hour = rng.choice(24, size=n, p=weights / weights.sum())
    return pd.DatetimeIndex(day + pd.to_timedelta(hour * 60 + rng.integers(0, 60, n), "min"))


def asb_example(streets: pd.DataFrame, seed: int = 24) -> pd.DataFrame:
    """Invented council ASB log rows for Newport, January to March 2024."""
    rng = np.random.default_rng(seed)
    n = 80
    when = _when(rng, n, dt.date(2024, 1, 1), 91).sort_values()
    reported = when + pd.to_timedelta(rng.integers(0, 3, n), "D")
    where = streets.iloc[rng.integers(0, len(streets), n)].reset_index(drop=True)
    callers = rng.integers(1000, 1040, n)  # some callers ring more than once
    repeat = pd.Series(callers).duplicated(keep="first").to_numpy()
    gridded = rng.random(n) < 0.6
    frame = pd.DataFrame(
        {
            "Case Reference": [f"ASB/24/{i:05d}" for i in rng.choice(99999, n, replace=False)],
            "Caller Reference": [f"C{c}" for c in callers],
            "Caller Name": [f"{'ABCDEFGHJK'[c % 10]}. {SURNAMES[c % 8]}" for c in callers],
            "Caller Phone": [f"07700 900{c % 1000:03d}" for c in callers],
            "Date Reported": reported.strftime("%d/%m/%Y"),
            "Incident Date": when.strftime("%d/%m/%Y"),
            "Incident Time": when.strftime("%H:%M"),
            "ASB Type": _pick(rng, ASB_TYPES, n),
            "Address": [f"{rng.integers(1, 120)} {s}, Newport" for s in where["name"]],
            "Easting": np.where(gridded, (where["x"] + rng.normal(0, 15, n)).round(), np.nan),
            "Northing": np.where(gridded, (where["y"] + rng.normal(0, 15, n)).round(), np.nan),
            "Repeat Caller": np.where(repeat, "Y", "N"),
            "Officer": rng.choice(["PCSO 101", "ASB Officer 7", "ASB Officer 9"], n),
            "Notes": "",
        }
    )
    frame["Easting"] = frame["Easting"].map(lambda v: "" if np.isnan(v) else f"{v:.0f}")
    frame["Northing"] = frame["Northing"].map(lambda v: "" if np.isnan(v) else f"{v:.0f}")
    # Rows wrong on purpose (listed in README.md).
    frame.loc[5, "ASB Type"] = "Loud music"
    frame.loc[12, "Incident Date"] = "30/02/2024"
    frame.loc[20, ["Address", "Easting", "Northing"]] = ["", "", ""]
    frame.loc[33, ["Easting", "Northing"]] = ["ABC", "187000"]
    frame.loc[47, "Case Reference"] = frame.loc[46, "Case Reference"]
    frame.loc[60, "Repeat Caller"] = "Maybe"
    return frame


def fire_example(streets: pd.DataFrame, seed: int = 25) -> pd.DataFrame:
    """Invented fire and rescue deliberate-fire rows for Newport, January to March 2024."""
    rng = np.random.default_rng(seed)
    n = 50
    when = _when(rng, n, dt.date(2024, 1, 1), 91).sort_values()
    where = streets.iloc[rng.integers(0, len(streets), n)].reset_index(drop=True)
    frame = pd.DataFrame(
        {
            "Incident Number": [f"SWFRS-24-{i:06d}" for i in rng.choice(999999, n, replace=False)],
            "Date": when.strftime("%d/%m/%Y"),
            "Time": when.strftime("%H:%M"),
            "Fire Category": rng.choice(["Secondary", "Primary"], n, p=[0.75, 0.25]),
            "Property Type": _pick(rng, PROPERTY, n),
            "Easting": (where["x"] + rng.normal(0, 30, n)).round().astype(int).astype(str),
            "Northing": (where["y"] + rng.normal(0, 30, n)).round().astype(int).astype(str),
            "Station Ground": "Maindee",
            "Attending Crew": rng.choice(["Blue watch", "Red watch", "White watch"], n),
        }
    )
    frame.loc[7, "Property Type"] = "Spaceship"
    frame.loc[18, "Northing"] = "9999999"
    frame.loc[29, "Date"] = "01/01/2099"
    frame.loc[41, ["Easting", "Northing"]] = ["", ""]
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", type=Path, default=HERE.parents[2] / "shared" / "data")
    args = parser.parse_args()
    geo = Geography.bundled()
    gwent = open_store(":memory:")
    load_police_uk(gwent, [sample_path()], geography=geo)
    newport = _streets(gwent, NEWPORT)
    asb_example(newport).to_csv(HERE / "asb-example-newport-2024-q1.csv", index=False)
    fire_example(newport).to_csv(HERE / "fire-example-newport-2024-q1.csv", index=False)
    south_wales = args.shared_data / "police-uk" / "street" / "south-wales"
    files = sorted(p for p in south_wales.glob("*.csv") if p.name[:7] >= "2018-10")
    if not files:
        print(f"{south_wales} not found: the ISTV example was not rebuilt")
        return
    cardiff = open_store(":memory:")
    load_police_uk(cardiff, files, geography=geo)
    istv = synthetic_istv(
        cardiff,
        geo.resolve_area("Cardiff"),
        dt.date(2018, 10, 1),
        dt.date(2019, 2, 28),
        geography=geo,
        venues=HERE / "venues-cardiff.csv",
        per_month=120,
        seed=2018,
        error_rows=6,
    )
    istv.to_csv(HERE / "istv-synthetic-cardiff-2018-10-to-2019-02.csv", index=False)


if __name__ == "__main__":
    main()
