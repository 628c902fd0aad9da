"""Trends and hotspots for a council, checked against counts from the files and esda."""

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
from diogel.hub import load_police_uk
from diogel.storage import open_store
from tests.conftest import POLICE_UK

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def gwent_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("gwent") / "gwent.duckdb"
    store = open_store(str(db))
    load_police_uk(store, [POLICE_UK / "street" / "gwent"])
    store.close()
    return db


def _newport_by_month() -> Counter[str]:
    counts: Counter[str] = Counter()
    for path in sorted((POLICE_UK / "street" / "gwent").glob("202[23]-*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh):
                if r["LSOA name"].startswith("Newport "):
                    counts[r["Month"]] += 1
    return counts


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    try:
        main(argv)
    except SystemExit as exc:
        assert not exc.code
    return capsys.readouterr().out


def test_trends_series_change_and_alerts(
    gwent_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _cli(
        ["--db", str(gwent_db), "trends", "--area", "Newport", "--from", "2022-01",
         "--to", "2023-12", "--json"],
        capsys,
    )  # fmt: skip
    data = json.loads(out)
    expected = _newport_by_month()
    assert data["series"] == {m: expected[m] for m in data["series"]}
    before = sum(v for m, v in expected.items() if m.startswith("2022"))
    after = sum(v for m, v in expected.items() if m.startswith("2023"))
    change = data["change"]
    assert (change["before_count"], change["after_count"]) == (before, after)
    # exact conditional test, worked independently: after ~ Binomial(n, 1/2) under no change
    p = stats.binomtest(after, before + after, 0.5).pvalue
    assert change["p_value"] == pytest.approx(p, rel=1e-9)
    assert change["direction"] == ("rose" if after > before else "fell")
    assert change["sentence"].startswith(change["direction"])
    assert change["significant"] == (p < 0.05)
    assert set(data["rolling_12_months"]) <= set(data["series"])
    # the rolling total at 2023-12 is the 2023 total
    assert data["rolling_12_months"]["2023-12"] == after
    for alert in data["alerts"]:
        assert alert["count"] > alert["upper_limit"]


def test_hotspots_geojson_matches_esda(
    gwent_db: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    esda = pytest.importorskip("esda")
    libpysal = pytest.importorskip("libpysal")
    args = ["--db", str(gwent_db), "--quiet", "hotspots", "--area", "Newport", "--from",
            "2023-01", "--to", "2023-12", "--method", "gistar", "--cell-size", "200"]  # fmt: skip
    geo = json.loads(_cli([*args, "--format", "geojson"], capsys))
    assert geo["type"] == "FeatureCollection"
    props = pd.DataFrame([f["properties"] for f in geo["features"]])
    for column in ("count", "z_score", "p_value", "p_value_adjusted", "class"):
        assert column in props
    assert props["count"].sum() == 20961 - geo["metadata"]["incidents_without_location"]
    out = tmp_path / "cells.csv"
    _cli([*args, "--format", "csv", "--out", str(out)], capsys)
    cells = pd.read_csv(out)
    # esda on the same cells: queen neighbours (8 around) among study-area cells, self included
    rc = cells[["row", "col"]].to_numpy()
    index = {tuple(v): i for i, v in enumerate(rc)}
    neighbours: dict[int, list[int]] = {}
    for i, (r, c) in enumerate(rc):
        neighbours[i] = [
            index[(r + dr, c + dc)]
            for dr in (-1, 0, 1)
            for dc in (-1, 0, 1)
            if (dr or dc) and (r + dr, c + dc) in index
        ]
    w = libpysal.weights.W(neighbours, silence_warnings=True)
    g = esda.G_Local(
        cells["count"].to_numpy(dtype=float), w, transform="B", star=True, permutations=0
    )
    np.testing.assert_allclose(cells["z_score"].to_numpy(), g.Zs, atol=1e-9)
    assert (props["class"] == "hot").sum() > 0
