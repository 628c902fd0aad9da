"""Kernel density hotspots on a grid: single-layer KDE and the ratio or difference of two."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from diogel.analysis.grids import Grid, make_grid
from diogel.analysis.hotspots import HotspotResult, freeze, prepare_points
from diogel.analysis.hotspots_density import KERNELS, kernel_sum
from diogel.analysis.hotspots_inputs import (
    as_points,
    check_bandwidth,
    check_flag,
    describe_value,
    report,
)
from diogel.errors import InputError

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "KDE_METHODS",
    "PER_SQUARE_KM",
    "bandwidth_nrd",
    "hotspot_dual_kde",
    "hotspot_kde",
]

#: Densities are reported per square kilometre (the kernel sum per m² times this).
PER_SQUARE_KM = 1_000_000.0
#: Evaluation methods: ``"auto"`` (the faster exact one), ``"direct"``, ``"binned"``
#: and ``"linear"`` (KDEpy-style linear binning: fastest, approximate).
KDE_METHODS: tuple[str, ...] = ("auto", "direct", "binned", "linear")


def _nrd(values: np.ndarray) -> float:
    q75, q25 = np.percentile(values, [75, 25])
    spread = min(float(np.std(values, ddof=1)), float((q75 - q25) / 1.34))
    if spread <= 0:  # quartiles equal but some spread: fall back on the standard deviation
        spread = float(np.std(values, ddof=1))
    return 4 * 1.06 * spread * len(values) ** (-1 / 5)


def bandwidth_nrd(xy: np.ndarray) -> float:
    """Rule-of-thumb bandwidth: ``MASS::bandwidth.nrd`` averaged over x and y.

    For each axis ``4 * 1.06 * min(sd, IQR / 1.34) * n^(-1/5)`` — the normal
    reference rule scaled for the support of a quartic kernel, as sfhotspot uses for
    its quartic kernel's radius (sfhotspot averages the two axes in intent; its code
    takes x only). For the Gaussian kernel, whose bandwidth is a standard deviation,
    `hotspot_kde` uses a quarter of this, which is Silverman's rule.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> xy = rng.normal(0, 1000, size=(10_000, 2))
    >>> round(bandwidth_nrd(xy), -1)  # 4 * 1.06 * 1000 * 10000 ** -0.2
    670.0
    """
    if len(xy) < 2:
        raise InputError(
            f"cannot choose a bandwidth automatically from {len(xy)} point(s)",
            hint="pass bandwidth (metres) explicitly",
        )
    value = (_nrd(xy[:, 0]) + _nrd(xy[:, 1])) / 2
    if not value > 0:
        raise InputError(
            "cannot choose a bandwidth automatically: all points are at the same place",
            hint="pass bandwidth (metres) explicitly",
        )
    return value


def _check_kernel(kernel: Any) -> str:
    if kernel not in KERNELS:
        raise InputError(
            f"kernel must be one of {', '.join(repr(k) for k in KERNELS)}; "
            f"received {describe_value(kernel)}",
            hint="'quartic' is the usual choice in crime mapping",
        )
    return str(kernel)


def _check_method(method: Any) -> str:
    if method not in KDE_METHODS:
        raise InputError(
            f"method must be one of {', '.join(repr(m) for m in KDE_METHODS)}; "
            f"received {describe_value(method)}",
            hint="leave it as 'auto' unless you are timing the methods",
        )
    return str(method)


def _check_adjust(adjust: Any) -> float:
    if isinstance(adjust, bool) or not isinstance(adjust, int | float | np.number):
        raise InputError(
            f"bandwidth_adjust must be a positive number; received {describe_value(adjust)}",
            hint="e.g. bandwidth_adjust=0.5 for half the automatic bandwidth",
        )
    value = float(adjust)
    if not (math.isfinite(value) and value > 0):
        raise InputError(
            f"bandwidth_adjust must be a positive number; received {value!r}",
            hint="e.g. bandwidth_adjust=0.5 for half the automatic bandwidth",
        )
    return value


def _choose_bandwidth(
    xy: np.ndarray,
    bandwidth: float | None,
    adjust: float,
    kernel: str,
    notes: list[str],
    quiet: bool,
) -> float:
    if bandwidth is not None:
        return bandwidth * adjust
    value = bandwidth_nrd(xy) * adjust
    what = "radius"
    if kernel == "gaussian":
        value /= 4
        what = "standard deviation"
    shown = f"{value:,.0f}" if value >= 10 else f"{value:.3g}"
    extra = f" x {adjust:g}" if adjust != 1 else ""
    report(
        notes,
        f"bandwidth set to {shown} m automatically ({kernel} kernel {what}; rule of thumb "
        f"MASS::bandwidth.nrd averaged over x and y{extra}"
        + (", divided by 4" if kernel == "gaussian" else "")
        + ")",
        quiet=quiet,
    )
    return value


def _density(
    xy: np.ndarray,
    w: np.ndarray,
    grid: Grid,
    bandwidth: float,
    kernel: str,
    method: str,
) -> tuple[np.ndarray, str]:
    xs, ys = grid.centroid_axes()
    values, used = kernel_sum(
        xy,
        w,
        first_node=(float(xs[0]), float(ys[0])),
        spacing=grid.cell_size,
        shape=grid.shape,
        bandwidth=bandwidth,
        kernel=kernel,
        method=method,
    )
    inside = values.ravel() if grid.mask.all() else values[grid.mask]
    return inside * PER_SQUARE_KM, used


def _method_note(used: str, bandwidth: float, cell_size: float, kernel: str) -> str:
    if used == "linear":
        # (cell^2 / 8) |K''| per axis, relative to the peak: 2 / h^2 per axis for the
        # quartic of radius h, 1 / h^2 for the Gaussian of sd h.
        error = (cell_size / bandwidth) ** 2 / (1 if kernel == "quartic" else 4)
        return (
            "densities from linear binning (fast, approximate: errors up to roughly "
            f"{error:.1%} of the peak for this bandwidth and cell size)"
        )
    how = "by exact kernel sums" if used == "direct" else "by moment binning and FFT"
    return f"densities computed {how}, within 1e-6 of the exact kernel sum"


def hotspot_kde(
    points: Any,
    *,
    cell_size: float | None = None,
    bandwidth: float | None = None,
    weights: Any = None,
    boundary: BaseGeometry | None = None,
    grid: Grid | None = None,
    kernel: str = "quartic",
    bandwidth_adjust: float = 1.0,
    method: str = "auto",
    quiet: bool = False,
) -> HotspotResult:
    """Kernel density of points at the centre of every study-area cell.

    The density at a cell centre ``g`` is ``sum_p w_p K(|g - p|)`` per square
    kilometre, with the quartic kernel ``3 / (pi h^2) (1 - d^2 / h^2)^2`` for
    ``d < h`` (``h`` = ``bandwidth``, the search radius, as in sfhotspot and
    ArcGIS) or the Gaussian ``exp(-d^2 / 2 h^2) / (2 pi h^2)`` (``h`` = standard
    deviation). Both integrate to one, so the densities of all cells times the cell
    area add up to about the number of points (less what spills over the edge).

    Parameters
    ----------
    points : pandas.DataFrame or array-like
        ``x``, ``y`` in British National Grid metres. Points outside the study area are
        left out (the notes say how many).
    cell_size : float, optional
        Cell side in metres; chosen automatically (and reported) when omitted.
    bandwidth : float, optional
        Kernel radius (quartic) or standard deviation (Gaussian) in metres. By default
        the rule of thumb in `bandwidth_nrd` (a quarter of it for the Gaussian), reported.
    weights : str or array-like, optional
        Column name or one non-negative weight per point (e.g. harm).
    boundary : shapely Polygon or MultiPolygon, optional
        The study area; cells outside it get no density.
    grid : Grid, optional
        A grid from `make_grid` instead of ``cell_size``/``boundary``.
    kernel : {"quartic", "gaussian"}
    bandwidth_adjust : float
        Multiplies the bandwidth (automatic or given), e.g. 0.5 for a sharper map.
    method : {"auto", "direct", "binned", "linear"}
        ``"auto"`` (default) picks the faster of the two evaluations that are within
        1e-6 of the exact kernel sum: ``"direct"`` (exact sums over the cells each point
        reaches) or ``"binned"`` (moment binning and FFT, see
        `diogel.analysis.hotspots_moments`). ``"linear"`` is plain linear binning as in
        KDEpy: fastest, with errors up to about ``(cell_size / bandwidth)^2`` of the peak
        (a quarter of that for the Gaussian).
    quiet : bool
        Do not log automatically chosen values (they stay in ``notes``).

    Returns
    -------
    HotspotResult
        ``cells`` has ``cell_id``, ``row``, ``col``, ``x``, ``y``, ``count`` (points in
        the cell) and ``kde`` (density per km², weighted if ``weights`` is given).

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> points = rng.normal([331_000, 188_000], 300, size=(2_000, 2))
    >>> result = hotspot_kde(points, cell_size=100, bandwidth=400, quiet=True)
    >>> top = result.cells.loc[result.cells["kde"].idxmax()]
    >>> float(top["x"]), float(top["y"])
    (331050.0, 188050.0)
    >>> result.settings["kernel"], result.settings["method"]
    ('quartic', 'binned')
    """
    quiet = check_flag(quiet, "quiet")
    kernel = _check_kernel(kernel)
    method = _check_method(method)
    bandwidth = check_bandwidth(bandwidth)
    adjust = _check_adjust(bandwidth_adjust)
    notes: list[str] = []
    prepared = prepare_points(
        points,
        cell_size=cell_size,
        weights=weights,
        boundary=boundary,
        grid=grid,
        notes=notes,
        quiet=quiet,
    )
    xy, w, grid = prepared.xy, prepared.weights, prepared.grid
    h = _choose_bandwidth(xy, bandwidth, adjust, kernel, notes, quiet)
    if kernel == "quartic" and h < grid.cell_size / 2:
        notes.append(
            f"bandwidth {h:,.0f} m is under half the cell size: most cells will show no density"
        )
    density, used = _density(xy, w, grid, h, kernel, method)
    notes.append(_method_note(used, h, grid.cell_size, kernel))
    columns: dict[str, Any] = dict(grid.cell_columns())
    counts = np.bincount(prepared.flat, minlength=grid.n_rows * grid.n_cols)
    columns["count"] = counts[grid.mask.ravel()]
    columns["kde"] = density
    # The arrays are new and held nowhere else: no need for the frame to copy them.
    cells = pd.DataFrame(columns, copy=False)
    settings = {
        "cell_size": grid.cell_size,
        "bandwidth": h,
        "bandwidth_adjust": adjust,
        "kernel": kernel,
        "method": used,
        "weights": weights if isinstance(weights, str) else (None if weights is None else "array"),
        "units": "points per square kilometre",
        "n_points": len(xy),
        "n_cells": grid.n_cells,
    }
    return HotspotResult(
        method="kde", cells=cells, grid=grid, settings=freeze(settings), notes=tuple(notes)
    )


def _pair_weights(weights: Any) -> tuple[Any, Any]:
    if weights is None or isinstance(weights, str):
        return weights, weights
    if isinstance(weights, tuple) and len(weights) == 2:
        return weights
    raise InputError(
        f"weights for two layers must be a column name or a pair (weights_a, weights_b); "
        f"received {describe_value(weights)}",
        hint="e.g. weights=('harm', None) to weight only the first layer",
    )


def hotspot_dual_kde(
    points_a: Any,
    points_b: Any,
    *,
    cell_size: float | None = None,
    bandwidth: float | None = None,
    weights: Any = None,
    boundary: BaseGeometry | None = None,
    grid: Grid | None = None,
    kernel: str = "quartic",
    bandwidth_adjust: float = 1.0,
    method: Literal["ratio", "difference"] = "ratio",
    normalise: bool = False,
    quiet: bool = False,
) -> HotspotResult:
    """Compare two point layers by the ratio or difference of their kernel densities.

    Both densities use the same grid, kernel and bandwidth (by default the rule of
    `bandwidth_nrd` applied to both layers together), so that e.g. crimes over
    residents gives a risk surface, or this year minus last year a change surface.

    Parameters
    ----------
    points_a, points_b : pandas.DataFrame or array-like
        The two layers, ``x``, ``y`` in British National Grid metres.
    method : {"ratio", "difference"}
        ``"ratio"``: ``kde_a / kde_b`` (NaN where ``kde_b`` is zero);
        ``"difference"``: ``kde_a - kde_b``.
    normalise : bool
        Divide each density by its layer's total weight first, so that the comparison
        is of the two spatial distributions regardless of how many points each has.
    weights : str or tuple, optional
        A column name present in both layers, or a pair ``(weights_a, weights_b)``
        (either may be None).
    cell_size, bandwidth, boundary, grid, kernel, bandwidth_adjust, quiet
        As in `hotspot_kde`. The grid, when built here, covers both layers. The
        evaluation is always within 1e-6 of the exact kernel sums (method ``"auto"``).

    Returns
    -------
    HotspotResult
        ``cells`` has ``count_a``, ``count_b``, ``kde_a``, ``kde_b`` (per km², or shares
        per km² when normalised) and ``kde`` (the ratio or difference).

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> people = rng.uniform(0, 2000, size=(4000, 2)) + [330_000, 187_000]
    >>> crimes = np.vstack([people[:400], rng.normal([331_500, 188_500], 60, size=(200, 2))])
    >>> risk = hotspot_dual_kde(crimes, people, cell_size=100, bandwidth=300, quiet=True)
    >>> top = risk.cells.loc[risk.cells["kde"].idxmax()]
    >>> bool(abs(top["x"] - 331_500) <= 150 and abs(top["y"] - 188_500) <= 150)
    True
    """
    quiet = check_flag(quiet, "quiet")
    normalise = check_flag(normalise, "normalise")
    if method not in ("ratio", "difference"):
        raise InputError(
            f"method must be 'ratio' or 'difference'; received {describe_value(method)}",
            hint="'ratio' for a risk surface, 'difference' for change",
        )
    kernel = _check_kernel(kernel)
    bandwidth = check_bandwidth(bandwidth)
    adjust = _check_adjust(bandwidth_adjust)
    weights_a, weights_b = _pair_weights(weights)
    notes: list[str] = []
    if grid is None:
        both = np.vstack(
            [as_points(points_a, name="points_a"), as_points(points_b, name="points_b")]
        )
        both = both[np.isfinite(both).all(axis=1)]
        grid = make_grid(
            both if len(both) else points_a, cell_size=cell_size, boundary=boundary, quiet=quiet
        )
        notes.extend(grid.notes)
    elif cell_size is not None or boundary is not None:
        raise InputError(
            "pass either grid or cell_size/boundary, not both",
            hint="the grid already fixes the cell size and the study area",
        )
    layers = []
    for name, layer, layer_weights in (
        ("points_a", points_a, weights_a),
        ("points_b", points_b, weights_b),
    ):
        prepared = prepare_points(
            layer,
            cell_size=None,
            weights=layer_weights,
            boundary=None,
            grid=grid,
            notes=notes,
            quiet=quiet,
            name=name,
        )
        layers.append((prepared.xy, prepared.weights))
    h = _choose_bandwidth(
        np.vstack([layers[0][0], layers[1][0]]), bandwidth, adjust, kernel, notes, quiet
    )
    densities = []
    used = "auto"
    for xy, w in layers:
        density, used = _density(xy, w, grid, h, kernel, "auto")
        if normalise:
            density = density / w.sum()
        densities.append(density)
    notes.append(_method_note(used, h, grid.cell_size, kernel))
    kde_a, kde_b = densities
    if method == "ratio":
        with np.errstate(divide="ignore", invalid="ignore"):
            combined = np.where(kde_b > 0, kde_a / np.where(kde_b > 0, kde_b, 1.0), np.nan)
        empty = int((kde_b <= 0).sum())
        if empty:
            notes.append(f"{empty:,} cells have no density in points_b: their ratio is missing")
    else:
        combined = kde_a - kde_b
    cells = grid.cells()
    cells["count_a"] = grid.count(layers[0][0])[grid.mask].astype(np.int64)
    cells["count_b"] = grid.count(layers[1][0])[grid.mask].astype(np.int64)
    cells["kde_a"] = kde_a
    cells["kde_b"] = kde_b
    cells["kde"] = combined
    settings = {
        "cell_size": grid.cell_size,
        "bandwidth": h,
        "bandwidth_adjust": adjust,
        "kernel": kernel,
        "method": method,
        "normalise": normalise,
        "evaluation": used,
        "n_points_a": len(layers[0][0]),
        "n_points_b": len(layers[1][0]),
        "n_cells": grid.n_cells,
    }
    return HotspotResult(
        method="dual_kde", cells=cells, grid=grid, settings=freeze(settings), notes=tuple(notes)
    )
