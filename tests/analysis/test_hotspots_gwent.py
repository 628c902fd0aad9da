"""Gi* on real Gwent street crime (data.police.uk, 2023) against esda.G_Local."""

from __future__ import annotations

from pathlib import Path

import esda
import libpysal
import numpy as np
import pandas as pd
import pytest

from diogel.analysis.hotspots import hotspot_gistar

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
STREET = SHARED / "police-uk" / "street" / "gwent"
COUNCILS = SHARED / "martinjc-uk-geojson" / "wal" / "lad.json"

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(not STREET.is_dir(), reason="../shared/data is not available"),
]


@pytest.fixture(scope="module")
def gwent_2023() -> pd.DataFrame:
    from pyproj import Transformer

    files = sorted(STREET.glob("2023-*-gwent-street.csv"))
    assert len(files) == 12
    frame = pd.concat(
        [pd.read_csv(f, usecols=["Month", "Longitude", "Latitude", "Crime type"]) for f in files],
        ignore_index=True,
    ).dropna(subset=["Longitude", "Latitude"])
    to_bng = Transformer.from_crs(4326, 27700, always_xy=True)
    x, y = to_bng.transform(frame["Longitude"].to_numpy(), frame["Latitude"].to_numpy())
    return frame.assign(x=x, y=y).reset_index(drop=True)


@pytest.fixture(scope="module")
def newport():
    import geopandas as gpd

    councils = gpd.read_file(COUNCILS).to_crs(27700)
    return councils.loc[councils["LAD13NM"] == "Newport", "geometry"].union_all()


def esda_z(y, w):
    return np.asarray(esda.G_Local(y, w, transform="B", star=True, permutations=0).Zs)


@pytest.fixture(scope="module")
def gwent_councils():
    import geopandas as gpd

    councils = gpd.read_file(COUNCILS).to_crs(27700)
    gwent = ["Blaenau Gwent", "Caerphilly", "Monmouthshire", "Newport", "Torfaen"]
    return councils[councils["LAD13NM"].isin(gwent)].union_all()


def test_gwent_grid_equals_esda_with_lat2w(gwent_2023, gwent_councils):
    # A few published points lie far outside the force area; keep the force's box.
    xmin, ymin, xmax, ymax = gwent_councils.bounds
    inside = gwent_2023["x"].between(xmin, xmax) & gwent_2023["y"].between(ymin, ymax)
    points = gwent_2023[inside]
    assert inside.mean() > 0.99
    result = hotspot_gistar(points, cell_size=500, quiet=True)
    grid = result.grid
    assert grid.n_cells == grid.n_rows * grid.n_cols > 5_000
    assert result.cells["count"].sum() == len(points)
    w = libpysal.weights.lat2W(grid.n_rows, grid.n_cols, rook=False)
    z = esda_z(result.cells["value"].to_numpy(), w)
    assert np.abs(result.cells["z_score"].to_numpy() - z).max() < 1e-9
    assert (result.cells["class"] == "hot").sum() > 10


@pytest.mark.parametrize(("bandwidth", "threshold"), [(None, 300.0), (450.0, 450.0)])
def test_newport_clipped_equals_esda_with_distance_band(gwent_2023, newport, bandwidth, threshold):
    violence = gwent_2023[gwent_2023["Crime type"] == "Violence and sexual offences"]
    result = hotspot_gistar(
        violence, cell_size=200, boundary=newport, bandwidth=bandwidth, quiet=True
    )
    cells = result.cells
    assert 3_000 < len(cells) < result.grid.n_rows * result.grid.n_cols
    w = libpysal.weights.DistanceBand(
        cells[["x", "y"]].to_numpy(), threshold=threshold, binary=True, silence_warnings=True
    )
    z = esda_z(cells["value"].to_numpy(), w)
    assert np.abs(cells["z_score"].to_numpy() - z).max() < 1e-9
    assert any("outside the study area" in note for note in result.notes)
    # Newport city centre (around SJ 312 188 in OS terms: x 331200, y 188000) is hot.
    centre = cells.loc[((cells["x"] - 331_200) ** 2 + (cells["y"] - 188_000) ** 2).idxmin()]
    assert centre["class"] == "hot"


def test_newport_kde_equals_brute_force_kernel_sums(gwent_2023, newport):
    from diogel.analysis.hotspots_kde import hotspot_kde

    violence = gwent_2023[gwent_2023["Crime type"] == "Violence and sexual offences"]
    result = hotspot_kde(violence, cell_size=200, boundary=newport, quiet=True)
    h = result.settings["bandwidth"]
    assert any(note.startswith("bandwidth set to") for note in result.notes)
    _, _, inside = result.grid.locate(violence[["x", "y"]].to_numpy())
    xy = violence[["x", "y"]].to_numpy()[inside]
    sample = result.cells.sample(300, random_state=1)
    d2 = (
        (sample["x"].to_numpy()[:, None] - xy[None, :, 0]) ** 2
        + (sample["y"].to_numpy()[:, None] - xy[None, :, 1]) ** 2
    ) / h**2
    exact = (np.clip(1 - d2, 0, None) ** 2).sum(axis=1) * 3 / (np.pi * h * h) * 1e6
    peak = result.cells["kde"].max()
    assert np.abs(sample["kde"].to_numpy() - exact).max() < 1e-6 * peak


def test_newport_months_classify_and_change(gwent_2023, newport):
    from scipy import stats

    from diogel.analysis.hotspots_time import HOTSPOT_CLASSES, hotspot_change, hotspot_classify

    points = gwent_2023.rename(columns={"Month": "month"})
    result = hotspot_classify(points, cell_size=250, boundary=newport, quiet=True)
    assert result.settings["slices"] == [f"2023-{m:02d}" for m in range(1, 13)]
    assert set(result.cells["class"]) <= set(HOTSPOT_CLASSES)
    assert (result.cells["class"] == "persistent").sum() >= 3
    # each month's z-scores are esda's on the clipped grid
    cells = result.cells
    w = libpysal.weights.DistanceBand(
        cells[["x", "y"]].to_numpy(), threshold=375.0, binary=True, silence_warnings=True
    )
    june = result.detail[result.detail["slice"] == "2023-06"]
    assert np.abs(june["z_score"].to_numpy() - esda_z(june["count"].to_numpy(), w)).max() < 1e-9

    first = points[points["month"] <= "2023-06"]
    second = points[points["month"] > "2023-06"]
    change = hotspot_change(first, second, grid=result.grid, quiet=True)
    tested = change.cells.dropna(subset=["p_value"]).sample(200, random_state=2)
    expected = [
        stats.binomtest(int(a), int(a + b), 0.5).pvalue
        for a, b in zip(tested["count_after"], tested["count_before"], strict=True)
    ]
    np.testing.assert_allclose(tested["p_value"], expected, rtol=1e-9)
