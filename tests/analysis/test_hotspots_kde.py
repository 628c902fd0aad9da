"""Kernel density checked against brute-force kernel sums, KDEpy and a hand-coded MASS rule."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from KDEpy import FFTKDE
from shapely.geometry import Point

from diogel.analysis.grids import make_grid
from diogel.analysis.hotspots_density import (
    GAUSSIAN_CUTOFF,
    choose_method,
    gaussian_terms,
    kernel_sum,
)
from diogel.analysis.hotspots_kde import bandwidth_nrd, hotspot_dual_kde, hotspot_kde
from diogel.errors import InputError

ORIGIN = np.array([320_000.0, 190_000.0])


def brute_force(cells: pd.DataFrame, xy: np.ndarray, w: np.ndarray, h: float, kernel: str):
    """Exact kernel sum per km² at every cell centre, one point at a time."""
    gx = cells["x"].to_numpy()
    gy = cells["y"].to_numpy()
    out = np.zeros(len(cells))
    for (px, py), wi in zip(xy, w, strict=True):
        d2 = ((gx - px) ** 2 + (gy - py) ** 2) / (h * h)
        if kernel == "quartic":
            k = np.where(d2 < 1, 3 / (math.pi * h * h) * (1 - d2) ** 2, 0.0)
        else:
            k = np.exp(-d2 / 2) / (2 * math.pi * h * h)
        out += wi * k
    return out * 1e6


def sample(n=250, seed=0, size=(1500.0, 1200.0)):
    """Uniform background plus a tight cluster, with weights."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, size, size=(n, 2))
    xy[: n // 3] = rng.normal([size[0] * 0.4, size[1] * 0.6], 40, size=(n // 3, 2))
    xy = np.clip(xy, 0, np.array(size) - 1e-6)
    return xy + ORIGIN, rng.gamma(2.0, 1.5, size=n)


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
@pytest.mark.parametrize("method", ["auto", "direct", "binned"])
@pytest.mark.parametrize("ratio", [0.4, 1.3, 3.7, 9.5, 24.6])
def test_exact_methods_match_brute_force_to_1e6(kernel, method, ratio):
    xy, w = sample()
    cell = 25.0
    result = hotspot_kde(
        xy,
        cell_size=cell,
        bandwidth=ratio * cell,
        weights=w,
        kernel=kernel,
        method=method,
        quiet=True,
    )
    reference = brute_force(result.cells, xy, w, ratio * cell, kernel)
    error = np.abs(result.cells["kde"].to_numpy() - reference).max() / reference.max()
    assert error < 1e-6
    assert result.settings["method"] in ("direct", "binned")


def test_gaussian_expansion_worst_case_points_at_cell_corners():
    # Offsets of half a cell in both axes are the worst case for the Hermite expansion.
    grid = make_grid(
        (ORIGIN[0], ORIGIN[1], ORIGIN[0] + 1000, ORIGIN[1] + 1000), cell_size=20, quiet=True
    )
    rng = np.random.default_rng(4)
    corners = rng.integers(1, 49, size=(300, 2)) * 20.0 + ORIGIN + 1e-7
    w = np.ones(len(corners))
    for ratio in (1.6, 2.5, 4.0, 8.0):
        result = hotspot_kde(
            corners, grid=grid, bandwidth=ratio * 20, kernel="gaussian", method="binned", quiet=True
        )
        reference = brute_force(result.cells, corners, w, ratio * 20, "gaussian")
        error = np.abs(result.cells["kde"].to_numpy() - reference).max() / reference.max()
        assert error < 1e-6, (ratio, error)


@pytest.mark.parametrize("ratio", [2.0, 3.5, 7.0, 12.0])
def test_quartic_points_on_nodes_edges_and_corners(ratio):
    # Integer radii in cells put nodes exactly on the support circle; points at cell
    # centres, edges and corners hit every tie in the binning and the ring correction.
    grid = make_grid((*ORIGIN, *(ORIGIN + 1000)), cell_size=20, quiet=True)
    rng = np.random.default_rng(12)
    nodes = rng.integers(2, 48, size=(200, 2)) * 20.0 + ORIGIN
    offsets = np.array([[10.0, 10.0], [0.0, 10.0], [10.0, 0.0], [0.0, 0.0], [19.999, 5.0]])
    xy = nodes + offsets[rng.integers(0, 5, 200)]
    result = hotspot_kde(xy, grid=grid, bandwidth=ratio * 20, method="binned", quiet=True)
    reference = brute_force(result.cells, xy, np.ones(200), ratio * 20, "quartic")
    assert np.abs(result.cells["kde"].to_numpy() - reference).max() < 1e-9 * reference.max()


def test_clipped_area_leaves_out_cells_and_outside_points():
    xy, _ = sample(n=400, seed=3)
    area = Point(ORIGIN[0] + 700, ORIGIN[1] + 600).buffer(500)
    result = hotspot_kde(xy, cell_size=30, bandwidth=120, boundary=area, quiet=True)
    assert len(result.cells) == result.grid.n_cells < result.grid.n_rows * result.grid.n_cols
    _, _, inside = result.grid.locate(xy)
    reference = brute_force(result.cells, xy[inside], np.ones(inside.sum()), 120, "quartic")
    np.testing.assert_allclose(result.cells["kde"], reference, rtol=0, atol=1e-9 * reference.max())
    assert any("fall outside the study area" in n for n in result.notes)


def test_linear_binning_matches_kdepy_fftkde():
    # KDEpy needs every point strictly inside its grid: keep points between the first and
    # last cell centres. KDEpy's biweight with bw = h / sqrt(7) is the quartic of radius h.
    rng = np.random.default_rng(8)
    grid = make_grid(
        (ORIGIN[0], ORIGIN[1], ORIGIN[0] + 3000, ORIGIN[1] + 2000), cell_size=25, quiet=True
    )
    xy = rng.uniform(ORIGIN + 30, ORIGIN + np.array([2970.0, 1970.0]), size=(3000, 2))
    xs, ys = grid.centroid_axes()
    mesh = np.column_stack([g.ravel() for g in np.meshgrid(xs, ys, indexing="ij")])
    for kernel, kdepy_kernel, h, bw in (
        ("quartic", "biweight", 180.0, 180.0 / math.sqrt(7)),
        ("gaussian", "gaussian", 60.0, 60.0),
    ):
        result = hotspot_kde(xy, grid=grid, bandwidth=h, kernel=kernel, method="linear", quiet=True)
        model = FFTKDE(kernel=kdepy_kernel, bw=bw).fit(xy)
        # KDEpy cuts the Gaussian where it falls below 1e-4 in absolute terms; widen that
        # to our cut-off so both sum the same kernel.
        model._kernel_practical_support = GAUSSIAN_CUTOFF * bw + 25
        kdepy = model.evaluate(mesh).reshape(len(xs), len(ys)).T.ravel()
        ours = result.cells["kde"].to_numpy() / 1e6 / len(xy)
        assert np.abs(ours - kdepy).max() < 1e-8 * kdepy.max(), kernel


def test_exact_method_and_kdepy_agree_to_kdepy_binning_error():
    rng = np.random.default_rng(9)
    grid = make_grid(
        (ORIGIN[0], ORIGIN[1], ORIGIN[0] + 3000, ORIGIN[1] + 3000), cell_size=20, quiet=True
    )
    xy = np.clip(rng.normal(ORIGIN + 1500, 400, size=(5000, 2)), ORIGIN + 15, ORIGIN + 2985)
    xs, ys = grid.centroid_axes()
    mesh = np.column_stack([g.ravel() for g in np.meshgrid(xs, ys, indexing="ij")])
    h = 250.0
    ours = hotspot_kde(xy, grid=grid, bandwidth=h, quiet=True).cells["kde"].to_numpy()
    kdepy = FFTKDE(kernel="biweight", bw=h / math.sqrt(7)).fit(xy).evaluate(mesh)
    kdepy = kdepy.reshape(len(xs), len(ys)).T.ravel() * 1e6 * len(xy)
    # Linear binning's error is up to about (cell^2 / 8) |K''| per axis: for the quartic
    # of radius h, (cell / h)^2 of the peak in all. Ours is exact, so the gap is KDEpy's.
    gap = np.abs(ours - kdepy).max() / kdepy.max()
    assert 0.1 * (20 / h) ** 2 < gap < (20 / h) ** 2


def test_density_integrates_to_the_number_of_points():
    rng = np.random.default_rng(1)
    xy = rng.normal(ORIGIN + 2000, 150, size=(1000, 2))
    result = hotspot_kde(
        xy,
        grid=make_grid((*ORIGIN, *(ORIGIN + 4000)), cell_size=10, quiet=True),
        bandwidth=200,
        quiet=True,
    )
    total = result.cells["kde"].sum() * (10 * 10) / 1e6
    assert total == pytest.approx(1000, rel=1e-3)


def mass_nrd(v: np.ndarray) -> float:
    """MASS::bandwidth.nrd written out from its R source."""
    q = np.quantile(v, [0.25, 0.75])  # R's default quantile type 7
    return 4 * 1.06 * min(np.sqrt(np.var(v, ddof=1)), (q[1] - q[0]) / 1.34) * len(v) ** (-0.2)


def test_automatic_bandwidth_is_the_mass_rule_and_is_reported(caplog):
    rng = np.random.default_rng(6)
    xy = np.column_stack([rng.normal(0, 800, 3000), rng.standard_t(3, 3000) * 500]) + ORIGIN
    expected = (mass_nrd(xy[:, 0]) + mass_nrd(xy[:, 1])) / 2
    assert bandwidth_nrd(xy) == pytest.approx(expected, rel=1e-12)
    with caplog.at_level("INFO", logger="diogel.analysis"):
        quartic = hotspot_kde(xy, cell_size=100)
    assert quartic.settings["bandwidth"] == pytest.approx(expected)
    assert "bandwidth set to" in caplog.text
    assert any(n.startswith("bandwidth set to") for n in quartic.notes)
    gaussian = hotspot_kde(xy, cell_size=100, kernel="gaussian", bandwidth_adjust=0.5, quiet=True)
    assert gaussian.settings["bandwidth"] == pytest.approx(expected / 8)


def test_weights_by_column_name():
    xy, w = sample(n=120)
    frame = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "harm": w})
    a = hotspot_kde(frame, cell_size=50, bandwidth=150, weights="harm", quiet=True)
    b = hotspot_kde(xy, cell_size=50, bandwidth=150, weights=w, quiet=True)
    pd.testing.assert_frame_equal(a.cells, b.cells)
    reference = brute_force(a.cells, xy, w, 150, "quartic")
    np.testing.assert_allclose(a.cells["kde"], reference, atol=1e-9 * reference.max())


def test_cost_model_prefers_direct_for_narrow_kernels():
    assert choose_method(10_000, (200, 200), 0.5, "quartic") == "direct"
    assert choose_method(50_000, (256, 256), 3.6, "gaussian") == "binned"
    assert gaussian_terms(0.5) > 20  # falls back on exact sums


def test_kernel_sum_reports_the_fallback_for_tiny_gaussian_bandwidths():
    _, used = kernel_sum(
        np.array([[5.0, 5.0]]),
        np.ones(1),
        first_node=(5.0, 5.0),
        spacing=10.0,
        shape=(4, 4),
        bandwidth=3.0,
        kernel="gaussian",
        method="binned",
    )
    assert used == "direct"


def test_dual_kde_ratio_and_difference_equal_separate_kdes():
    a, _ = sample(n=300, seed=1)
    b, _ = sample(n=500, seed=2)
    grid = make_grid(np.vstack([a, b]), cell_size=40, quiet=True)
    kde_a = hotspot_kde(a, grid=grid, bandwidth=200, quiet=True).cells["kde"].to_numpy()
    kde_b = hotspot_kde(b, grid=grid, bandwidth=200, quiet=True).cells["kde"].to_numpy()
    ratio = hotspot_dual_kde(a, b, cell_size=40, bandwidth=200, quiet=True)
    assert ratio.grid.shape == grid.shape
    expected = np.where(kde_b > 0, kde_a / np.where(kde_b > 0, kde_b, 1), np.nan)
    np.testing.assert_allclose(ratio.cells["kde"], expected, rtol=1e-12)
    difference = hotspot_dual_kde(
        a, b, grid=grid, bandwidth=200, method="difference", normalise=True, quiet=True
    )
    np.testing.assert_allclose(
        difference.cells["kde"], kde_a / 300 - kde_b / 500, atol=1e-12 * kde_b.max()
    )


def test_dual_kde_default_bandwidth_uses_both_layers():
    a, _ = sample(n=300, seed=1)
    b, _ = sample(n=500, seed=2)
    result = hotspot_dual_kde(a, b, cell_size=40, quiet=True)
    assert result.settings["bandwidth"] == pytest.approx(bandwidth_nrd(np.vstack([a, b])))


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"kernel": "epanechnikov"}, "kernel must be one of"),
        ({"method": "fast"}, "method must be one of"),
        ({"bandwidth": 0}, "bandwidth must be a positive"),
        ({"bandwidth_adjust": -1}, "bandwidth_adjust must be a positive"),
    ],
)
def test_bad_kde_arguments(kwargs, fragment):
    xy, _ = sample(n=20)
    with pytest.raises(InputError, match=fragment):
        hotspot_kde(xy, cell_size=50, quiet=True, **kwargs)


def test_bad_dual_arguments():
    xy, _ = sample(n=20)
    with pytest.raises(InputError, match="'ratio' or 'difference'"):
        hotspot_dual_kde(xy, xy, cell_size=50, method="sum", quiet=True)
    with pytest.raises(InputError, match="pair"):
        hotspot_dual_kde(xy, xy, cell_size=50, weights=[1, 2], quiet=True)


def test_one_point_needs_a_bandwidth():
    with pytest.raises(InputError, match="bandwidth"):
        hotspot_kde(np.array([[ORIGIN[0], ORIGIN[1]]]), cell_size=10, quiet=True)
