"""Gi* hotspots checked against esda.G_Local, scipy.ndimage, statsmodels and enumeration."""

from __future__ import annotations

import itertools
import math
import warnings

import esda
import libpysal
import numpy as np
import pandas as pd
import pytest
from scipy import ndimage, stats
from shapely.geometry import Point, Polygon
from statsmodels.stats.multitest import multipletests

from diogel.analysis.grids import make_grid
from diogel.analysis.hotspots import hotspot_gistar
from diogel.analysis.hotspots_gistar import gistar, neighbourhood, window_sum
from diogel.errors import InputError


def points_from_counts(counts: np.ndarray, origin=(300_000.0, 200_000.0), size=100.0):
    """Points placed inside cells so that the grid counts equal ``counts``."""
    rng = np.random.default_rng(0)
    rows, cols = np.nonzero(counts)
    reps = counts[rows, cols].astype(int)
    r = np.repeat(rows, reps)
    c = np.repeat(cols, reps)
    x = origin[0] + (c + rng.uniform(0.05, 0.95, r.size)) * size
    y = origin[1] + (r + rng.uniform(0.05, 0.95, r.size)) * size
    return pd.DataFrame({"x": x, "y": y})


def planted(shape=(40, 60), seed=1, centres=((10, 12), (30, 45)), extra=12):
    """Poisson background with planted hot cells (a 3 x 3 block around each centre)."""
    rng = np.random.default_rng(seed)
    counts = rng.poisson(2.0, size=shape)
    for r, c in centres:
        counts[r - 1 : r + 2, c - 1 : c + 2] += extra
    return counts


def esda_z(y: np.ndarray, w) -> np.ndarray:
    g = esda.G_Local(y, w, transform="B", star=True, permutations=0)
    return np.asarray(g.Zs)


def esda_weights_on_cells(cells: pd.DataFrame, threshold: float):
    return libpysal.weights.DistanceBand(
        cells[["x", "y"]].to_numpy(), threshold=threshold, binary=True, silence_warnings=True
    )


@pytest.mark.parametrize("bandwidth", [None, 99.0, 150.0, 250.0, 420.0, 1000.0])
def test_window_sum_equals_ndimage_correlate(bandwidth):
    rng = np.random.default_rng(5)
    values = rng.gamma(1.5, 3.0, size=(37, 53))
    kernel = neighbourhood(bandwidth, 100.0)
    expected = ndimage.correlate(values, kernel.astype(float), mode="constant", cval=0.0)
    np.testing.assert_allclose(window_sum(values, kernel), expected, rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("bandwidth", [150.0, 250.0, 420.0])
def test_neighbourhood_matches_distance_band(bandwidth):
    xs, ys = np.meshgrid(np.arange(21) * 100.0, np.arange(21) * 100.0)
    w = libpysal.weights.DistanceBand(
        np.column_stack([xs.ravel(), ys.ravel()]), threshold=bandwidth, binary=True
    )
    centre = 10 * 21 + 10
    assert len(w.neighbors[centre]) + 1 == neighbourhood(bandwidth, 100.0).sum()


def test_gistar_equals_esda_on_a_full_grid_with_lat2w():
    counts = planted()
    result = hotspot_gistar(points_from_counts(counts), cell_size=100, quiet=True)
    cells = result.cells
    assert result.grid.shape == counts.shape
    np.testing.assert_array_equal(cells["count"].to_numpy(), counts.ravel())
    w = libpysal.weights.lat2W(*counts.shape, rook=False)
    expected = esda_z(counts.ravel().astype(float), w)
    np.testing.assert_allclose(cells["z_score"], expected, rtol=0, atol=1e-9)
    # corners and edges have fewer neighbours and are included in the comparison
    assert sorted(cells["neighbours"].unique()) == [4, 6, 9]


@pytest.mark.parametrize(("bandwidth", "threshold"), [(None, 150.0), (250.0, 250.0)])
def test_gistar_equals_esda_on_a_clipped_irregular_area(bandwidth, threshold):
    star = Polygon(
        [
            (
                302_000 + (1900 if k % 2 == 0 else 700) * math.cos(k * math.pi / 6),
                202_000 + (1900 if k % 2 == 0 else 700) * math.sin(k * math.pi / 6),
            )
            for k in range(12)
        ]
    )
    area = star.difference(Point(302_000, 202_000).buffer(250))
    counts = planted(shape=(40, 40), centres=((20, 8), (31, 20)))
    points = points_from_counts(counts)
    result = hotspot_gistar(points, cell_size=100, boundary=area, bandwidth=bandwidth, quiet=True)
    cells = result.cells
    assert len(cells) == result.grid.n_cells < 1600
    assert cells["neighbours"].min() < cells["neighbours"].max()  # ragged edges present
    w = esda_weights_on_cells(cells, threshold)
    expected = esda_z(cells["value"].to_numpy(), w)
    np.testing.assert_allclose(cells["z_score"], expected, rtol=0, atol=1e-9)
    assert any("fall outside the study area" in n for n in result.notes)


def test_gistar_equals_esda_with_self_weights_given_explicitly():
    # esda's star=True puts 1 on an empty diagonal; weights that already carry the
    # self-weight (star inferred from the diagonal) must give the same z-scores.
    counts = planted(shape=(20, 25), centres=((5, 5),))
    result = hotspot_gistar(points_from_counts(counts), cell_size=100, quiet=True)
    w = libpysal.weights.fill_diagonal(libpysal.weights.lat2W(20, 25, rook=False), 1.0)
    g = esda.G_Local(counts.ravel().astype(float), w, transform="B", star=None, permutations=0)
    np.testing.assert_allclose(result.cells["z_score"], g.Zs, rtol=0, atol=1e-9)


def test_gistar_equals_esda_with_an_island_cell():
    # A multipolygon with a speck far from the main area: its cell has no neighbours,
    # so its window is itself alone (esda gives such an island a self-weight of 1).
    main = Point(302_000, 202_000).buffer(900)
    speck = Point(304_050, 204_050).buffer(20)
    area = main.union(speck)
    rng = np.random.default_rng(9)
    points = pd.DataFrame(
        np.vstack([rng.normal([302_000, 202_000], 400, (800, 2)), [[304_050, 204_050]] * 3]),
        columns=["x", "y"],
    )
    result = hotspot_gistar(points, cell_size=100, boundary=area, quiet=True)
    cells = result.cells
    assert (cells["neighbours"] == 1).sum() == 1
    w = esda_weights_on_cells(cells, 150.0)
    assert len(w.islands) == 1
    with warnings.catch_warnings():
        # libpysal rebuilds the weights inside G_Local and says they are disconnected
        warnings.filterwarnings("ignore", "The weights matrix is not fully connected")
        expected = esda_z(cells["value"].to_numpy(), w)
    np.testing.assert_allclose(cells["z_score"], expected, rtol=0, atol=1e-9)


def test_weighted_gistar_equals_esda_on_weighted_sums():
    rng = np.random.default_rng(11)
    xy = rng.uniform([300_000, 200_000], [303_000, 202_000], size=(3000, 2))
    harm = rng.choice([1.0, 20.0, 365.0, 1825.0], size=3000)
    frame = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "harm": harm})
    result = hotspot_gistar(frame, cell_size=100, weights="harm", bandwidth=230, quiet=True)
    cells = result.cells
    grid = result.grid
    x0, y0, x1, y1 = grid.extent
    expected_sums, _, _ = np.histogram2d(
        xy[:, 1], xy[:, 0], bins=grid.shape, range=[[y0, y1], [x0, x1]], weights=harm
    )
    np.testing.assert_allclose(cells["value"], expected_sums.ravel(), rtol=1e-12)
    w = esda_weights_on_cells(cells, 230.0)
    np.testing.assert_allclose(
        cells["z_score"], esda_z(cells["value"].to_numpy(), w), rtol=0, atol=1e-9
    )


def test_p_values_and_adjustments_match_scipy_and_statsmodels():
    counts = planted(shape=(30, 30), centres=((8, 8), (20, 22)))
    result = hotspot_gistar(points_from_counts(counts), cell_size=100, quiet=True)
    cells = result.cells
    p = 2 * stats.norm.sf(np.abs(cells["z_score"]))
    np.testing.assert_allclose(cells["p_value"], p, rtol=1e-12)
    np.testing.assert_allclose(
        cells["p_value_adjusted"], multipletests(p, method="fdr_bh")[1], rtol=1e-12
    )
    np.testing.assert_allclose(cells["p_value_holm"], multipletests(p, method="holm")[1])


def test_planted_hotspots_are_found_and_background_is_not():
    counts = planted(shape=(40, 60), centres=((10, 12), (30, 45)), extra=10)
    result = hotspot_gistar(points_from_counts(counts), cell_size=100, quiet=True)
    cells = result.cells.set_index(["row", "col"])
    for r, c in ((10, 12), (30, 45)):
        assert cells.loc[(r, c), "class"] == "hot"
    hot = cells[cells["class"] == "hot"].index
    near = [
        (r, c)
        for r, c in hot
        if min(max(abs(r - 10), abs(c - 12)), max(abs(r - 30), abs(c - 45))) <= 2
    ]
    assert len(near) == len(hot)  # every hot cell touches a planted block
    assert (result.cells["class"] == "cold").sum() == 0


def test_classes_follow_the_adjusted_p_value_and_the_sign():
    counts = planted(shape=(30, 30), centres=((15, 15),), extra=8)
    result = hotspot_gistar(points_from_counts(counts), cell_size=100, alpha=0.01, quiet=True)
    cells = result.cells
    sig = cells["p_value_adjusted"] < 0.01
    assert ((cells["class"] == "hot") == (sig & (cells["z_score"] > 0))).all()
    assert ((cells["class"] == "cold") == (sig & (cells["z_score"] < 0))).all()


def _exact_tails(y: np.ndarray, cell: int, others: int, observed_others: float):
    rest = np.delete(y, cell)
    sums = np.array([rest[list(c)].sum() for c in itertools.combinations(range(rest.size), others)])
    return (sums >= observed_others - 1e-9).mean(), (sums <= observed_others + 1e-9).mean()


def test_permutation_p_values_match_exact_enumeration():
    counts = np.array(
        [[0, 1, 0, 2], [3, 7, 5, 0], [1, 6, 4, 1], [0, 0, 2, 9]],
    )
    result = hotspot_gistar(
        points_from_counts(counts), cell_size=100, permutations=20_000, seed=7, quiet=True
    )
    cells = result.cells
    y = cells["value"].to_numpy()
    window = window_sum(counts.astype(float), neighbourhood(None, 100.0)).ravel()
    for cell in (0, 5, 10, 15, 3):
        k = int(cells["neighbours"].iloc[cell]) - 1
        ge, le = _exact_tails(y, cell, k, window[cell] - y[cell])
        exact = min(1.0, 2 * min(ge, le))
        assert cells["p_value"].iloc[cell] == pytest.approx(exact, abs=0.03)
    assert "p_value_normal" in cells
    assert result.settings["inference"] == "permutation"


def test_permutations_repeat_with_a_seed_and_agree_with_esda():
    # Every cell holds at least one point and weights are continuous, so simulated
    # totals never tie with the observed one and esda's tail rule and ours coincide.
    counts = planted(shape=(15, 15), centres=((7, 7),), extra=6) + 1
    points = points_from_counts(counts)
    points["harm"] = np.random.default_rng(2).gamma(2.0, 1.0, len(points))
    kwargs = {"cell_size": 100, "weights": "harm", "permutations": 999, "quiet": True}
    a = hotspot_gistar(points, seed=3, **kwargs)
    b = hotspot_gistar(points, seed=3, **kwargs)
    pd.testing.assert_frame_equal(a.cells, b.cells)
    w = libpysal.weights.lat2W(15, 15, rook=False)
    g = esda.G_Local(
        a.cells["value"].to_numpy(), w, transform="B", star=True, permutations=999, seed=3
    )
    # esda reports a folded one-sided pseudo p-value; ours is two-sided (twice that).
    # Both are Monte Carlo estimates (sd <= 0.016 each), so allow for that.
    ours = a.cells["p_value"].to_numpy() / 2
    assert np.abs(ours - g.p_sim).max() < 0.08
    assert np.abs(ours - g.p_sim).mean() < 0.02
    assert np.corrcoef(ours, g.p_sim)[0, 1] > 0.98


def test_unseeded_permutations_report_their_seed():
    counts = planted(shape=(10, 10), centres=((5, 5),))
    result = hotspot_gistar(
        points_from_counts(counts), cell_size=100, permutations=True, quiet=True
    )
    seed = result.settings["seed"]
    assert result.settings["permutations"] == 999
    again = hotspot_gistar(
        points_from_counts(counts), cell_size=100, permutations=True, seed=seed, quiet=True
    )
    pd.testing.assert_frame_equal(result.cells, again.cells)
    assert any(f"random seed set to {seed}" in n for n in result.notes)


def test_gistar_doc_formula_by_hand():
    # 3 x 3 grid, one event in the centre cell, queen neighbourhood.
    values = np.zeros((3, 3))
    values[1, 1] = 1.0
    g = gistar(values, np.ones((3, 3), dtype=bool), neighbourhood(None, 1.0))
    n, mean = 9, 1 / 9
    sd = math.sqrt(1 / 9 - mean**2)
    # corner cell: window holds 4 cells including the centre, total 1
    corner = (1 - mean * 4) / (sd * math.sqrt((n * 4 - 16) / (n - 1)))
    assert g.z_score[0] == pytest.approx(corner, abs=1e-12)
    assert math.isnan(g.z_score[4])  # the centre's window is the whole area


def test_result_shape_and_geodataframe():
    counts = planted(shape=(12, 14), centres=((6, 6),))
    result = hotspot_gistar(points_from_counts(counts), cell_size=100, quiet=True)
    for column in (
        "cell_id",
        "row",
        "col",
        "x",
        "y",
        "count",
        "z_score",
        "p_value",
        "p_value_adjusted",
        "p_value_holm",
        "class",
    ):
        assert column in result.cells
    gdf = result.to_geodataframe()
    assert gdf.crs.to_epsg() == 27700 and len(gdf) == 12 * 14
    with pytest.raises(AttributeError):
        result.method = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.settings["alpha"] = 0.1  # type: ignore[index]


def test_reusing_a_grid_gives_the_same_cells():
    counts = planted(shape=(12, 14), centres=((6, 6),))
    points = points_from_counts(counts)
    grid = make_grid(points, cell_size=100, quiet=True)
    a = hotspot_gistar(points, grid=grid, quiet=True)
    b = hotspot_gistar(points, cell_size=100, quiet=True)
    pd.testing.assert_frame_equal(a.cells, b.cells)
    with pytest.raises(InputError, match="either grid or cell_size"):
        hotspot_gistar(points, grid=grid, cell_size=50, quiet=True)


def test_auto_cell_size_is_noted():
    counts = planted(shape=(110, 130), centres=((50, 50),))  # about 11 km x 13 km
    result = hotspot_gistar(points_from_counts(counts, size=100.0), quiet=True)
    assert result.settings["cell_size"] == 200.0
    assert result.notes[0].startswith("cell size set to 200 m automatically")


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"alpha": 1.5}, "alpha must be between 0 and 1"),
        ({"bandwidth": -1}, "bandwidth must be a positive"),
        ({"permutations": -3}, "permutations must be a whole number"),
        ({"seed": "abc"}, "seed must be"),
        ({"weights": [1.0, 2.0]}, "weights has 2 values"),
        ({"weights": "harm"}, "no such column"),
        ({"quiet": "yes"}, "quiet must be True or False"),
    ],
)
def test_bad_arguments_are_explained(kwargs, fragment):
    points = points_from_counts(planted(shape=(6, 6), centres=((3, 3),), extra=2))
    kwargs.setdefault("quiet", True)
    with pytest.raises(InputError) as info:
        hotspot_gistar(points, cell_size=100, **kwargs)
    assert fragment in str(info.value)
    assert info.value.hint


def test_constant_counts_are_refused():
    points = points_from_counts(np.full((5, 5), 2))
    with pytest.raises(InputError, match="same total"):
        hotspot_gistar(points, cell_size=100, quiet=True)


def test_no_points_in_the_area_is_refused():
    points = pd.DataFrame({"x": [0.0, 10.0], "y": [0.0, 10.0]})
    with pytest.raises(InputError, match="none of the 2 points"):
        hotspot_gistar(points, boundary=Point(300_000, 200_000).buffer(500), quiet=True)
