"""Moment-binned FFT kernel sums checked against kernel sums written out point by point."""

from __future__ import annotations

import math

import numpy as np
import pytest

from diogel.analysis import hotspots_ring
from diogel.analysis.hotspots_density import kernel_sum
from diogel.analysis.hotspots_moments import (
    GAUSSIAN_CUTOFF,
    MAX_GAUSSIAN_DEGREE,
    Axis,
    binned_gaussian,
    binned_quartic,
    gaussian_terms,
)


@pytest.fixture(autouse=True, params=["compiled", "numpy"])
def ring_path(request, monkeypatch):
    """Every test runs with the compiled ring correction and with the NumPy one."""
    if request.param == "compiled":
        assert hotspots_ring.AVAILABLE, "Numba is a dependency: the compiled path must run"
    monkeypatch.setattr(hotspots_ring, "USE_COMPILED", request.param == "compiled")
    monkeypatch.setattr(hotspots_ring, "COMPILED_MIN_UPDATES", 0)
    return request.param


def exact_sums(fx, fy, w, shape, h_cells, kernel):
    """Kernel sums per m² (cell = 1 m) at every node, summed one point at a time."""
    rows, cols = np.indices(shape)
    out = np.zeros(shape)
    for x, y, wi in zip(fx, fy, w, strict=True):
        d2 = ((cols - x) ** 2 + (rows - y) ** 2) / h_cells**2
        if kernel == "quartic":
            out += wi * np.where(d2 < 1, 3 / (math.pi * h_cells**2) * (1 - d2) ** 2, 0.0)
        else:
            cut = d2 <= GAUSSIAN_CUTOFF**2
            out += wi * np.where(cut, np.exp(-d2 / 2) / (2 * math.pi * h_cells**2), 0.0)
    return out


def scatter(rng, n, box, shape):
    """Points uniform in ``box`` (x0, y0, x1, y1 in node units), kept near the nodes."""
    x0, y0, x1, y1 = box
    fx = np.clip(rng.uniform(x0, x1, n), -0.5, shape[1] - 0.5)
    fy = np.clip(rng.uniform(y0, y1, n), -0.5, shape[0] - 0.5)
    return fx, fy, rng.gamma(2.0, 1.0, n)


def relative_error(got, want):
    return float(np.abs(got - want).max() / want.max())


@pytest.mark.parametrize("ratio", [1.6, 2.4, 5.0, 11.3, 30.0])
def test_gaussian_order_follows_the_bandwidth_and_stays_within_1e6(ratio):
    # Few cells per bandwidth need a long expansion, many cells a short one; both must
    # meet the bound against sums written out in full.
    rng = np.random.default_rng(int(ratio * 10))
    shape = (37, 45)
    fx, fy, w = scatter(rng, 300, (-0.5, -0.5, 44.5, 36.5), shape)
    degree = gaussian_terms(ratio)
    assert degree <= MAX_GAUSSIAN_DEGREE
    got = binned_gaussian(fx, fy, w, shape, ratio, ratio, degree)
    assert relative_error(got, exact_sums(fx, fy, w, shape, ratio, "gaussian")) < 1e-6


def test_gaussian_order_shrinks_as_the_bandwidth_grows():
    degrees = [gaussian_terms(r) for r in (1.6, 2.4, 5.0, 11.3, 30.0)]
    assert degrees == sorted(degrees, reverse=True)
    assert degrees[0] > degrees[-1]


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
def test_points_in_one_corner_of_a_large_grid(kernel):
    # The transforms cover only the rows and columns holding points plus the kernel's
    # reach; sums must still reach every node the kernel does, and no other.
    rng = np.random.default_rng(5)
    shape = (70, 90)
    fx, fy, w = scatter(rng, 250, (60.0, 2.0, 89.5, 14.0), shape)
    ratio = 6.5
    if kernel == "quartic":
        got = binned_quartic(fx, fy, w, shape, ratio, ratio)
    else:
        got = binned_gaussian(fx, fy, w, shape, ratio, ratio, gaussian_terms(ratio))
    want = exact_sums(fx, fy, w, shape, ratio, kernel)
    tolerance = 1e-12 if kernel == "quartic" else 1e-6
    assert relative_error(got, want) < tolerance
    assert got[60:, :20].max() <= tolerance * want.max()  # beyond the kernel's reach


@pytest.mark.parametrize("ratio", [3.0, 7.0, 7.5, 19.999, 26.2])
def test_quartic_ring_at_sub_square_edges_and_on_the_circle(ratio):
    # Offsets on the edges of the ring correction's sub-squares and radii putting nodes
    # exactly on the support circle are the ties of its candidate lists.
    rng = np.random.default_rng(int(ratio))
    shape = (60, 64)
    edges = np.linspace(-0.5, 0.5, hotspots_ring.RING_CLASSES + 1)
    n = 400
    nodes_x = rng.integers(0, shape[1], n)
    nodes_y = rng.integers(0, shape[0], n)
    fx = np.clip(nodes_x + rng.choice(edges, n), -0.5, shape[1] - 0.5)
    fy = np.clip(nodes_y + rng.choice(edges, n), -0.5, shape[0] - 0.5)
    w = rng.gamma(2.0, 1.0, n)
    got = binned_quartic(fx, fy, w, shape, ratio, ratio)
    assert relative_error(got, exact_sums(fx, fy, w, shape, ratio, "quartic")) < 1e-12


def test_kernel_sum_sums_points_beyond_the_nodes_exactly():
    # The expansions need points within half a spacing of the nodes; points farther
    # out still count, summed exactly.
    rng = np.random.default_rng(9)
    shape = (30, 40)
    xy = np.column_stack([rng.uniform(-6, 45, 300), rng.uniform(-6, 35, 300)])
    w = rng.gamma(2.0, 1.0, 300)
    for kernel, ratio in (("quartic", 4.5), ("gaussian", 2.5)):
        got, used = kernel_sum(
            xy,
            w,
            first_node=(0.0, 0.0),
            spacing=1.0,
            shape=shape,
            bandwidth=ratio,
            kernel=kernel,
            method="binned",
        )
        assert used == "binned"
        want = exact_sums(xy[:, 0], xy[:, 1], w, shape, ratio, kernel)
        assert relative_error(got, want) < 1e-6, kernel


def test_axis_keeps_wrapped_sums_off_the_nodes_kept():
    rng = np.random.default_rng(2)
    for _ in range(200):
        n = int(rng.integers(1, 300))
        first, last = np.sort(rng.integers(0, n, 2))
        reach = int(rng.integers(0, 2 * n))
        axis = Axis.make(n, int(first), int(last), reach)
        span = np.arange(-axis.half, axis.count + axis.half)  # every offset holding a sum
        kept = np.arange(axis.lo, axis.hi)
        assert axis.first + axis.lo >= 0 and axis.first + axis.hi <= n
        # no offset holding a sum lands, modulo size, on a kept offset other than itself
        assert np.isin(span % axis.size, kept % axis.size).sum() == kept.size


def test_weights_of_either_sign_and_a_single_point():
    rng = np.random.default_rng(4)
    shape = (25, 31)
    fx, fy, w = scatter(rng, 150, (-0.5, -0.5, 30.5, 24.5), shape)
    w = w * rng.choice([-1.0, 1.0], w.size)
    for ratio in (3.3, 12.0):
        got = binned_quartic(fx, fy, w, shape, ratio, ratio)
        want = exact_sums(fx, fy, w, shape, ratio, "quartic")
        assert np.abs(got - want).max() < 1e-12 * np.abs(want).max()
        one = binned_quartic(fx[:1], fy[:1], np.ones(1), shape, ratio, ratio)
        assert (
            relative_error(one, exact_sums(fx[:1], fy[:1], np.ones(1), shape, ratio, "quartic"))
            < 1e-12
        )
