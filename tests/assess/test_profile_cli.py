"""harm, places, rates and near-repeat commands, checked against independent counts."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from diogel.cli import main
from tests.conftest import POLICE_UK, SHARED_DATA

pytestmark = pytest.mark.shared_data
LIB = SHARED_DATA / "librarieshacked-geography-db"
WEIGHTS = (
    Path(__file__).resolve().parents[2] / "src" / "diogel" / "data" / "crime_severity_weights.csv"
)


@pytest.fixture(scope="module")
def newport_db(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    db = ["--db", str(tmp_path_factory.mktemp("np") / "np.duckdb"), "--quiet"]
    files = sorted((POLICE_UK / "street" / "gwent").glob("2023-*-gwent-street.csv"))
    _run([*db, "ingest", "police-uk", *map(str, files)])
    return db


@pytest.fixture(scope="module")
def newport_rows() -> list[dict[str, str]]:
    rows = []
    for path in sorted((POLICE_UK / "street" / "gwent").glob("2023-*-gwent-street.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows += [r for r in csv.DictReader(fh) if r["LSOA name"].startswith("Newport ")]
    return rows


def _run(argv: list[str]) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            main(argv)
        except SystemExit as exc:
            assert not exc.code, out.getvalue()
    return out.getvalue()


def test_harm_equals_counts_times_weights(
    newport_db: list[str], newport_rows: list[dict[str, str]]
) -> None:
    data = json.loads(_run([*newport_db, "harm", "--area", "Newport", "--from", "2023-01",
                            "--to", "2023-12", "--json"]))  # fmt: skip
    with WEIGHTS.open(encoding="utf-8") as fh:
        weights = {r["category"]: r["weight"] for r in csv.DictReader(fh)}
    counts = Counter(r["Crime type"] for r in newport_rows)
    expected = sum(n * float(weights[c]) for c, n in counts.items() if weights.get(c))
    assert data["total_harm"] == pytest.approx(expected, rel=1e-12)
    unweighted = {r["category"]: r["incidents"] for r in data["not_weighted"]}
    assert unweighted == {"Anti-social behaviour": counts["Anti-social behaviour"]}


def test_places_concentration(newport_db: list[str], newport_rows: list[dict[str, str]]) -> None:
    data = json.loads(_run([*newport_db, "places", "--area", "Newport", "--from", "2023-01",
                            "--to", "2023-12", "--json"]))  # fmt: skip
    lookup = pd.read_csv(LIB / "lsoa21_to_utla23.csv", encoding="utf-8-sig")
    codes = lookup.loc[lookup["UTLA23CD"] == "W06000022", "LSOA21CD"]
    per = Counter(r["LSOA code"] for r in newport_rows)
    counts = np.sort(np.array([per.get(c, 0) for c in codes], dtype=float))[::-1]
    assert data["lsoas"] == len(codes)
    top5 = data["top_shares"][0]
    assert top5["places"] == int(np.ceil(0.05 * len(codes)))
    assert top5["share_of_crime"] == pytest.approx(counts[: top5["places"]].sum() / counts.sum())
    # Gini by the mean absolute difference, written out by hand
    diff = np.abs(counts[:, None] - counts[None, :]).sum()
    gini = diff / (2 * len(counts) ** 2 * counts.mean())
    assert data["gini"] == pytest.approx(gini, rel=1e-9)
    first = data["repeat_locations"][0]
    busiest = Counter((r["Location"], r["LSOA code"]) for r in newport_rows).most_common(1)[0]
    assert (first["location"], first["lsoa_code"], first["incidents"]) == (*busiest[0], busiest[1])


def test_rates_match_population_and_garwood_interval(
    newport_db: list[str], newport_rows: list[dict[str, str]]
) -> None:
    data = json.loads(_run([*newport_db, "rates", "--area", "Newport", "--from", "2023-01",
                            "--to", "2023-12", "--json"]))  # fmt: skip
    lookup = pd.read_csv(LIB / "lsoa21_to_utla23.csv", encoding="utf-8-sig")
    pop = pd.read_csv(LIB / "lsoa_population_mid2022_lsoa21.csv", encoding="utf-8-sig")
    merged = lookup.merge(pop, left_on="LSOA21CD", right_on="lsoacd")
    population = merged.loc[merged["UTLA23CD"] == "W06000022", "population"].sum()
    row = next(r for r in data["councils"] if r["code"] == "W06000022")
    n = len(newport_rows)
    assert row["count"] == n
    assert row["rate"] == pytest.approx(n / population * 1000, rel=1e-12)
    # exact Poisson (Garwood) limits for one LSOA, by the chi-square formula
    lsoa = data["lsoas"][0]
    k = lsoa["count"]
    low = stats.chi2.ppf(0.025, 2 * k) / 2 / lsoa["population"] * 1000
    high = stats.chi2.ppf(0.975, 2 * k + 2) / 2 / lsoa["population"] * 1000
    assert (lsoa["lower"], lsoa["upper"]) == (pytest.approx(low), pytest.approx(high))
    assert sum(r["count"] for r in data["deprivation"]) == n


def test_near_repeat_on_dated_events_and_refusal_of_months(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 5000, 300)
    y = rng.uniform(0, 5000, 300)
    days = rng.integers(0, 365, 300)
    # plant 40 repeats 30 m and 3 days after an earlier event
    x = np.concatenate([x, x[:40] + 30])
    y = np.concatenate([y, y[:40]])
    days = np.concatenate([days, days[:40] + 3])
    dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D")
    path = tmp_path / "events.csv"
    pd.DataFrame({"x": x, "y": y, "date": dates.strftime("%Y-%m-%d")}).to_csv(path, index=False)
    data = json.loads(_run(["near-repeat", str(path), "--distance-bands", "0,100,1000",
                            "--time-bands", "0,7,30", "--seed", "1", "--json"]))  # fmt: skip
    first = data["bands"][0]
    # brute force count of pairs within 100 m and 7 days, written out here
    d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    t = np.abs(days[:, None] - days[None, :])
    close = np.triu((d <= 100) & (t <= 7), k=1).sum()
    assert first["observed"] == close >= 40
    assert first["p_value"] == pytest.approx(0.01)
    monthly = tmp_path / "monthly.csv"
    pd.DataFrame({"x": x, "y": y, "date": dates.strftime("%Y-%m-01")}).to_csv(monthly, index=False)
    with pytest.raises(SystemExit) as exc:
        main(["near-repeat", str(monthly)])
    assert exc.value.code == 1
