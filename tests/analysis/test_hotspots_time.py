"""Change and emerging-hotspot classes, checked against scipy, statsmodels, esda and by hand."""

from __future__ import annotations

import esda
import libpysal
import numpy as np
import pandas as pd
import pytest
from scipy import ndimage, stats
from statsmodels.stats.multitest import multipletests

from diogel.analysis.grids import make_grid
from diogel.analysis.hotspots_time import (
    _classes,
    binomial_test_two_sided,
    hotspot_change,
    hotspot_classify,
)
from diogel.errors import InputError

ORIGIN = np.array([330_000.0, 187_000.0])


@pytest.mark.parametrize("p", [0.5, 1 / 3, 0.8, 0.05])
def test_binomial_test_equals_scipy_binomtest(p):
    rng = np.random.default_rng(0)
    n = rng.integers(1, 60, size=200)
    k = rng.binomial(n, np.clip(p + rng.normal(0, 0.2, 200), 0.01, 0.99))
    ours = binomial_test_two_sided(k, n, p)
    expected = [stats.binomtest(int(a), int(b), p).pvalue for a, b in zip(k, n, strict=True)]
    np.testing.assert_allclose(ours, expected, rtol=1e-9)


def uniform(n, rng, size=1000.0):
    return rng.uniform(0, size, size=(n, 2)) + ORIGIN


def test_change_p_values_equal_binomtest_per_cell_with_unequal_periods():
    rng = np.random.default_rng(1)
    before = uniform(600, rng)
    after = np.vstack([uniform(300, rng), rng.normal(ORIGIN + 450, 20, size=(30, 2))])
    result = hotspot_change(before, after, cell_size=100, period_lengths=(12, 6), quiet=True)
    cells = result.cells
    tested = cells["count_before"] + cells["count_after"] > 0
    share = 6 / 18
    expected = [
        stats.binomtest(int(a), int(a + b), share).pvalue
        for a, b in zip(
            cells.loc[tested, "count_after"], cells.loc[tested, "count_before"], strict=True
        )
    ]
    np.testing.assert_allclose(cells.loc[tested, "p_value"], expected, rtol=1e-9)
    assert cells.loc[~tested, "p_value"].isna().all()
    np.testing.assert_allclose(
        cells.loc[tested, "p_value_adjusted"], multipletests(expected, method="fdr_bh")[1]
    )
    np.testing.assert_allclose(
        cells.loc[tested, "p_value_holm"], multipletests(expected, method="holm")[1]
    )
    burst = cells.set_index(["row", "col"]).loc[(4, 4)]
    assert burst["class"] == "significant increase"
    assert (cells["class"] == "significant increase").sum() <= 2
    assert (cells["count_before"].sum(), cells["count_after"].sum()) == (600, 330)


def test_change_detects_a_decrease():
    rng = np.random.default_rng(2)
    hot = rng.normal(ORIGIN + 250, 15, size=(40, 2))
    before = np.vstack([uniform(400, rng), hot])
    after = uniform(400, rng)
    result = hotspot_change(before, after, cell_size=100, quiet=True)
    cell = result.cells.set_index(["row", "col"]).loc[(2, 2)]
    assert cell["class"] == "significant decrease"
    assert cell["change"] < 0


def test_change_with_bandwidth_counts_neighbourhoods():
    rng = np.random.default_rng(3)
    before, after = uniform(500, rng), uniform(500, rng)
    grid = make_grid(np.vstack([before, after]), cell_size=100, quiet=True)
    result = hotspot_change(before, after, grid=grid, bandwidth=150, quiet=True)
    expected = ndimage.correlate(grid.count(before), np.ones((3, 3)), mode="constant")
    np.testing.assert_array_equal(result.cells["count_before"], expected.ravel())


@pytest.mark.parametrize(
    ("pattern", "trend", "expected"),
    [
        ("111111111111", "none", "persistent"),
        ("111111111111", "up", "persistent"),
        ("111111111111", "down", "diminishing"),
        ("111111111110", "none", "diminishing"),
        ("000000000001", "none", "new"),
        ("000000000111", "none", "emerging"),
        ("010000001011", "up", "emerging"),
        ("010010000001", "none", "intermittent"),
        ("010010000000", "none", "sporadic"),
        ("111111000000", "down", "sporadic"),
        ("000000000000", "none", "not a hotspot"),
    ],
)
def test_classification_rules(pattern, trend, expected):
    hot = np.array([[c == "1" for c in pattern]])
    assert _classes(hot, np.array([trend]))[0] == expected


def monthly(patterns: dict[tuple[float, float], str], seed=5, months=12, background=300):
    """Points per month: uniform background plus clusters at the months marked '1'."""
    rng = np.random.default_rng(seed)
    frames = []
    for month in range(months):
        parts = [uniform(background, rng, size=2000.0)]
        for centre, pattern in patterns.items():
            if pattern[month] == "1":
                parts.append(rng.normal(ORIGIN + np.array(centre), 25, size=(35, 2)))
        xy = np.vstack(parts)
        frames.append(
            pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "month": f"2023-{month + 1:02d}"})
        )
    return pd.concat(frames, ignore_index=True)


def test_planted_patterns_get_their_classes():
    patterns = {
        (250.0, 250.0): "111111111111",
        (1750.0, 250.0): "000000000111",
        (250.0, 1750.0): "000000000001",
        (1750.0, 1750.0): "010010000000",
        (1050.0, 1050.0): "111111111110",
    }
    result = hotspot_classify(monthly(patterns), cell_size=100, quiet=True)
    cells = result.cells.set_index(["row", "col"])
    got = {
        centre: cells.loc[(int(centre[1] // 100), int(centre[0] // 100)), "class"]
        for centre in patterns
    }
    assert got == {
        (250.0, 250.0): "persistent",
        (1750.0, 250.0): "emerging",
        (250.0, 1750.0): "new",
        (1750.0, 1750.0): "sporadic",
        (1050.0, 1050.0): "diminishing",
    }
    assert result.settings["slices"][0] == "2023-01"
    assert len(result.detail) == len(result.cells) * 12


def test_each_slice_z_equals_esda():
    points = monthly({(250.0, 250.0): "110011001100"}, months=12, background=200)
    result = hotspot_classify(points, cell_size=100, quiet=True)
    grid = result.grid
    w = libpysal.weights.lat2W(grid.n_rows, grid.n_cols, rook=False)
    detail = result.detail
    for month in ("2023-01", "2023-07"):
        one = detail[detail["slice"] == month]
        g = esda.G_Local(one["count"].to_numpy(), w, transform="B", star=True, permutations=0)
        np.testing.assert_allclose(one["z_score"], g.Zs, atol=1e-9)


def test_classify_needs_a_time_column_and_enough_slices():
    points = monthly({}, months=3)
    with pytest.raises(InputError, match="at least 4 time slices"):
        hotspot_classify(points, cell_size=100, quiet=True)
    with pytest.raises(InputError, match="'week' column"):
        hotspot_classify(points, time_slice="week", cell_size=100, quiet=True)


def test_change_rejects_bad_period_lengths():
    rng = np.random.default_rng(0)
    with pytest.raises(InputError, match="period_lengths"):
        hotspot_change(uniform(10, rng), uniform(10, rng), cell_size=100, period_lengths=(0, 1))
