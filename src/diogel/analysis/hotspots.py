"""Hotspots on a grid: the shared result type and Getis-Ord Gi* computed by convolution."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import special

from diogel.analysis.grids import (
    Grid,
    _describe,
    as_points,
    as_weights,
    make_grid,
    report,
)
from diogel.analysis.multiple_testing import adjust_bh_holm
from diogel.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "ALPHA",
    "PERMUTATIONS",
    "GiStar",
    "HotspotResult",
    "gistar",
    "hotspot_gistar",
    "neighbourhood",
    "window_sum",
]

#: Significance level for classing cells, applied to the FDR-adjusted p-value.
ALPHA = 0.05
#: Number of permutations when ``permutations=True``.
PERMUTATIONS = 999
#: Relative slack when deciding whether a neighbour is "within" the bandwidth, so that a
#: bandwidth typed as e.g. ``cell_size * sqrt(2)`` includes the diagonal neighbours.
DISTANCE_TOLERANCE = 1e-9
#: Cells of permutation work done at once (memory stays around 16 bytes x this).
_PERMUTATION_BLOCK = 2_000_000


@dataclass(frozen=True, eq=False)
class HotspotResult:
    """What every hotspot verb returns: one row per study-area cell, plus how it was made.

    Attributes
    ----------
    method : str
        ``"gistar"``, ``"kde"``, ``"dual_kde"``, ``"change"`` or ``"classify"``.
    cells : pandas.DataFrame
        One row per cell in the study area with at least ``cell_id``, ``row``, ``col``
        and the centroid ``x``, ``y`` (metres, EPSG:27700); the other columns depend on
        the method.
    grid : Grid
        The grid the cells belong to.
    settings : Mapping
        Every setting used, including those chosen automatically.
    notes : tuple of str
        Plain-English notes: automatic choices, dropped points, caveats.
    detail : pandas.DataFrame or None
        Extra long-format detail where a method has it (`hotspot_classify`: one row per
        cell and time slice).
    """

    method: str
    cells: pd.DataFrame
    grid: Grid
    settings: Mapping[str, Any]
    notes: tuple[str, ...]
    detail: pd.DataFrame | None = None

    def to_geodataframe(self, *, clip: bool = False) -> gpd.GeoDataFrame:
        """The cells as square polygons (EPSG:27700), optionally clipped to the boundary."""
        import geopandas as gpd

        geometry = self.grid.polygons(
            self.cells["row"].to_numpy(), self.cells["col"].to_numpy(), clip=clip
        )
        return gpd.GeoDataFrame(self.cells.copy(), geometry=geometry, crs="EPSG:27700")


@dataclass(frozen=True, eq=False)
class GiStar:
    """Gi* for the study-area cells of a grid, in `Grid.cells` order.

    ``value`` is the cell total, ``window`` the total over the cell and its neighbours,
    ``neighbours`` how many study-area cells (itself included) are in its window.
    """

    value: np.ndarray
    window: np.ndarray
    neighbours: np.ndarray
    z_score: np.ndarray


# --------------------------------------------------------------------------------------
# Shared argument handling for the hotspot verbs
# --------------------------------------------------------------------------------------


def check_flag(value: Any, name: str) -> bool:
    """Check a True/False argument."""
    if not isinstance(value, bool | np.bool_):
        raise InputError(
            f"{name} must be True or False; received {_describe(value)}",
            hint=f"pass {name}=True or {name}=False",
        )
    return bool(value)


def check_alpha(alpha: Any) -> float:
    """Check a significance level strictly between 0 and 1."""
    if isinstance(alpha, bool) or not isinstance(alpha, int | float | np.number):
        raise InputError(
            f"alpha must be a number between 0 and 1; received {_describe(alpha)}",
            hint="e.g. alpha=0.05",
        )
    value = float(alpha)
    if not 0 < value < 1:
        raise InputError(
            f"alpha must be between 0 and 1; received {value!r}", hint="e.g. alpha=0.05"
        )
    return value


def check_bandwidth(bandwidth: Any) -> float | None:
    """Check an optional bandwidth in metres."""
    if bandwidth is None:
        return None
    if isinstance(bandwidth, bool) or not isinstance(bandwidth, int | float | np.number):
        raise InputError(
            f"bandwidth must be a number of metres; received {_describe(bandwidth)}",
            hint="e.g. bandwidth=500, or leave it out for the default",
        )
    value = float(bandwidth)
    if not (math.isfinite(value) and value > 0):
        raise InputError(
            f"bandwidth must be a positive number of metres; received {value!r}",
            hint="e.g. bandwidth=500, or leave it out for the default",
        )
    return value


class Prepared(NamedTuple):
    """Points in the study area, ready for a hotspot verb."""

    xy: np.ndarray  #: (n, 2) coordinates of the points kept
    weights: np.ndarray  #: their weights (ones without weights)
    grid: Grid
    flat: np.ndarray  #: their flat cell indices (row * n_cols + col)
    kept: np.ndarray  #: their positions among the rows given


def prepare_points(
    points: Any,
    *,
    cell_size: float | None,
    weights: Any,
    boundary: BaseGeometry | None,
    grid: Grid | None,
    notes: list[str],
    quiet: bool,
    name: str = "points",
) -> Prepared:
    """Points and weights that fall in the study area, and the grid.

    Points without coordinates and points outside the study area are dropped; how
    many is added to ``notes``.
    """
    xy = as_points(points, name=name)
    w = as_weights(weights, points, len(xy))
    if grid is None:
        finite = np.isfinite(xy).all(axis=1)
        if not finite.any():
            raise InputError(
                f"{name} has no rows with coordinates",
                hint="pass points with x and y in British National Grid metres",
            )
        grid = make_grid(
            xy if finite.all() else xy[finite],
            cell_size=cell_size,
            boundary=boundary,
            quiet=quiet,
        )
        notes.extend(grid.notes)
    else:
        if not isinstance(grid, Grid):
            raise InputError(
                f"grid must be a Grid from make_grid; received {type(grid).__name__}",
                hint="build one with diogel.analysis.grids.make_grid",
            )
        if cell_size is not None or boundary is not None:
            raise InputError(
                "pass either grid or cell_size/boundary, not both",
                hint="the grid already fixes the cell size and the study area",
            )
    flat, inside = grid.flat_index(xy)
    if inside.all():
        return Prepared(xy, w, grid, flat, np.arange(len(xy)))
    # Only now is it worth telling missing coordinates from points outside the area.
    finite = np.isfinite(xy).all(axis=1)
    if not finite.all():
        notes.append(f"{int((~finite).sum()):,} {name} without coordinates were left out")
    outside = int((finite & ~inside).sum())
    if outside:
        notes.append(
            f"{outside:,} of {int(finite.sum()):,} {name} fall outside the study area "
            "and were left out"
        )
    if not inside.any():
        if not finite.any():
            raise InputError(
                f"{name} has no rows with coordinates",
                hint="pass points with x and y in British National Grid metres",
            )
        raise InputError(
            f"none of the {int(finite.sum()):,} {name} fall in the study area",
            hint="check that the points and the boundary are both in EPSG:27700 metres",
        )
    kept = np.flatnonzero(inside)
    return Prepared(xy[kept], w[kept], grid, flat[kept], kept)


def freeze(settings: dict[str, Any]) -> Mapping[str, Any]:
    """A read-only view of a settings dict."""
    return MappingProxyType(dict(settings))


# --------------------------------------------------------------------------------------
# Neighbourhoods as kernels, and window sums by convolution
# --------------------------------------------------------------------------------------


def neighbourhood(bandwidth: float | None, cell_size: float) -> np.ndarray:
    """Boolean kernel of the cells within ``bandwidth`` metres of a cell (centroid to centroid).

    ``None`` gives the adjacent ring (queen contiguity) plus the cell itself, a 3 x 3
    block. Distances are inclusive, with a relative slack of ``DISTANCE_TOLERANCE``.

    Examples
    --------
    >>> neighbourhood(None, 100).astype(int)
    array([[1, 1, 1],
           [1, 1, 1],
           [1, 1, 1]])
    >>> neighbourhood(200, 100).astype(int)
    array([[0, 0, 1, 0, 0],
           [0, 1, 1, 1, 0],
           [1, 1, 1, 1, 1],
           [0, 1, 1, 1, 0],
           [0, 0, 1, 0, 0]])
    """
    if bandwidth is None:
        return np.ones((3, 3), dtype=bool)
    radius = bandwidth / cell_size
    reach = math.floor(radius * (1 + DISTANCE_TOLERANCE))
    offsets = np.arange(-reach, reach + 1)
    d2 = offsets[:, None] ** 2 + offsets[None, :] ** 2
    return np.asarray(d2 <= radius**2 * (1 + 2 * DISTANCE_TOLERANCE), dtype=bool)


def _row_runs(kernel: np.ndarray) -> list[tuple[int, int]]:
    """``(row offset, half width)`` of each non-empty kernel row (rows must be centred runs)."""
    half = kernel.shape[0] // 2
    runs = []
    for i, row in enumerate(kernel):
        cols = np.flatnonzero(row)
        if cols.size == 0:
            continue
        width = int(cols.size // 2)
        if cols[0] != half - width or cols[-1] != half + width or cols.size != 2 * width + 1:
            raise ValueError("kernel rows must be centred runs of ones")  # internal misuse
        runs.append((i - half, width))
    return runs


def window_sum(values: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Sum of ``values`` over a symmetric kernel around every cell (zero beyond the edge).

    Equal to ``scipy.ndimage.correlate(values, kernel, mode="constant")`` for the
    disc and square kernels `neighbourhood` makes, but done as horizontal running sums
    (one cumulative sum per distinct row width) shifted and added row by row, so the
    cost grows with the kernel's height rather than its area, and sums of whole numbers
    are exact.

    Examples
    --------
    >>> window_sum(np.arange(9.0).reshape(3, 3), np.ones((3, 3), dtype=bool))
    array([[ 8., 15., 12.],
           [21., 36., 27.],
           [20., 33., 24.]])
    """
    n_rows, n_cols = values.shape
    runs = _row_runs(kernel)
    widest = max(width for _, width in runs)
    padded = np.zeros((n_rows, n_cols + 2 * widest + 1))
    padded[:, widest + 1 : widest + 1 + n_cols] = values
    cumulative = np.cumsum(padded, axis=1)
    horizontal: dict[int, np.ndarray] = {}
    for _, width in runs:
        if width not in horizontal:
            hi = cumulative[:, widest + 1 + width : widest + 1 + width + n_cols]
            lo = cumulative[:, widest - width : widest - width + n_cols]
            horizontal[width] = hi - lo
    out = np.zeros((n_rows, n_cols))
    for shift, width in runs:
        source = horizontal[width]
        if shift >= 0:
            if shift < n_rows:
                out[: n_rows - shift] += source[shift:]
        elif -shift < n_rows:
            out[-shift:] += source[: n_rows + shift]
    return out


# --------------------------------------------------------------------------------------
# Gi*
# --------------------------------------------------------------------------------------


def gistar(values: np.ndarray, mask: np.ndarray, kernel: np.ndarray) -> GiStar:
    """Getis-Ord Gi* z-scores of a gridded variable, over the cells where ``mask`` is True.

    With binary weights over the cell and its neighbours (``kernel``), ``n`` study-area
    cells, mean ``ybar`` and population standard deviation ``s`` of the values over the
    study area, window total ``S_i`` and window size ``c_i`` (both counting only
    study-area cells)::

        z_i = (S_i - ybar * c_i) / (s * sqrt((n * c_i - c_i**2) / (n - 1)))

    which is what ``esda.G_Local(y, w, transform="B", star=True)`` computes.
    ``z_i`` is NaN when the window covers the whole study area (no variance).

    Parameters
    ----------
    values : numpy.ndarray
        ``(n_rows, n_cols)`` cell totals; entries outside ``mask`` are ignored.
    mask : numpy.ndarray
        Boolean study-area cells.
    kernel : numpy.ndarray
        Boolean neighbourhood from `neighbourhood`.

    Examples
    --------
    >>> values = np.zeros((5, 5)); values[2, 2] = 9.0
    >>> g = gistar(values, np.ones((5, 5), dtype=bool), neighbourhood(None, 1.0))
    >>> float(g.z_score[12].round(4)), float(g.z_score[0].round(4))
    (1.3333, -0.4364)
    """
    mask = np.asarray(mask, dtype=bool)
    grid_values = np.where(mask, np.asarray(values, dtype=float), 0.0)
    y = grid_values[mask]
    n = y.size
    if n < 3:
        raise InputError(
            f"Gi* needs at least 3 cells in the study area; there are {n}",
            hint="use a smaller cell_size or a larger area",
        )
    mean = y.mean()
    sd = math.sqrt(float(np.mean((y - mean) ** 2)))
    window = window_sum(grid_values, kernel)[mask]
    neighbours = window_sum(mask.astype(float), kernel)[mask]
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = sd * np.sqrt((n * neighbours - neighbours**2) / (n - 1))
        z = (window - mean * neighbours) / spread
    z[~(spread > 0)] = np.nan
    return GiStar(value=y, window=window, neighbours=neighbours, z_score=z)


def _permutation_p(
    y: np.ndarray,
    window: np.ndarray,
    neighbours: np.ndarray,
    permutations: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Two-sided pseudo p-values of Gi* by conditional randomisation.

    For each cell the value is held fixed and its ``c_i - 1`` neighbours are replaced by
    a random sample, without replacement, of the other ``n - 1`` cells' values. One
    random ordering of the cells per permutation is shared by all cells (as in esda's
    conditional randomisation), which keeps the work vectorised: cell ``i``'s sample is
    the first ``c_i - 1`` entries of that ordering with ``i`` itself skipped, read off
    cumulative sums. Within a cell Gi* rises with the neighbours' total, so comparing
    totals is comparing z-scores. The p-value is
    ``min(1, 2 * (min(#sim >= obs, #sim <= obs) + 1) / (permutations + 1))``.
    """
    n = y.size
    others = neighbours.astype(np.intp) - 1
    draws = min(int(others.max()) + 1, n)
    observed = window - y
    order = np.empty((permutations, draws), dtype=np.intp)
    for k in range(permutations):
        order[k] = rng.choice(n, size=draws, replace=False)
    cumulative = np.zeros((permutations, draws + 1))
    np.cumsum(y[order], axis=1, out=cumulative[:, 1:])
    # Totals are sums of the same numbers in another order: allow for rounding only.
    slack = 1e-9 * max(1.0, float(np.abs(y).max())) * (draws + 1)
    at_least = np.zeros(n, dtype=np.int64)
    at_most = np.zeros(n, dtype=np.int64)
    block = max(1, _PERMUTATION_BLOCK // n)
    position = np.arange(draws)[None, :]
    for start in range(0, permutations, block):
        stop = min(start + block, permutations)
        sums = cumulative[start:stop]
        simulated = sums[:, others]
        drawn = order[start:stop]
        skipped = position < others[drawn]
        perm, slot = np.nonzero(skipped)
        cell = drawn[perm, slot]
        simulated[perm, cell] = sums[perm, others[cell] + 1] - y[cell]
        at_least += (simulated >= observed - slack).sum(axis=0)
        at_most += (simulated <= observed + slack).sum(axis=0)
    tail = np.minimum(at_least, at_most)
    return np.minimum(1.0, 2.0 * (tail + 1) / (permutations + 1))


def _check_permutations(permutations: Any) -> int:
    if permutations is True:
        return PERMUTATIONS
    if permutations is False or permutations is None:
        return 0
    if not isinstance(permutations, int | np.integer) or permutations < 0:
        raise InputError(
            f"permutations must be a whole number (0 for none) or True; "
            f"received {_describe(permutations)}",
            hint=f"e.g. permutations={PERMUTATIONS}",
        )
    return int(permutations)


def check_seed(seed: Any) -> int | None:
    """Check a random seed (a non-negative whole number, or None)."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(
            f"seed must be a non-negative whole number or None; received {_describe(seed)}",
            hint="e.g. seed=42 for results that repeat exactly",
        )
    return int(seed)


#: Hot/cold classes, in the order of their categorical codes.
GISTAR_CLASSES: tuple[str, ...] = ("not significant", "hot", "cold")
_CLASS_INDEX = pd.Index(GISTAR_CLASSES)


def classify(z: np.ndarray, p_adjusted: np.ndarray, alpha: float) -> pd.Categorical[str]:
    """``"hot"``, ``"cold"`` or ``"not significant"`` per cell, as a categorical."""
    significant = p_adjusted < alpha  # NaN compares False
    codes: np.ndarray = np.zeros(len(z), dtype=np.int8)
    codes[significant & (z > 0)] = 1
    codes[significant & (z < 0)] = 2
    return pd.Categorical.from_codes(codes, categories=_CLASS_INDEX)


def describe_neighbourhood(bandwidth: float | None, kernel: np.ndarray) -> str:
    """Plain-English description of a neighbourhood."""
    if bandwidth is None:
        return "each cell and the 8 cells around it (queen contiguity)"
    return f"each cell and the {int(kernel.sum()) - 1} cells within {bandwidth:g} m of its centre"


def hotspot_gistar(
    points: Any,
    *,
    cell_size: float | None = None,
    bandwidth: float | None = None,
    weights: Any = None,
    boundary: BaseGeometry | None = None,
    grid: Grid | None = None,
    permutations: int | bool = 0,
    seed: int | None = None,
    alpha: float = ALPHA,
    quiet: bool = False,
) -> HotspotResult:
    """Hot and cold spots by the Getis-Ord Gi* statistic on a grid of counts.

    Points are counted into square cells (or their ``weights`` summed, e.g. harm);
    each cell's Gi* compares the total over the cell and its neighbours with what the
    whole study area would lead one to expect. Neighbourhood sums are convolutions
    over the grid (no weights matrix); cells outside the study area take no part.
    The z-scores equal ``esda.G_Local(y, w, transform="B", star=True)`` with binary
    weights over the same cells and neighbourhoods.

    Parameters
    ----------
    points : pandas.DataFrame or array-like
        A frame with ``x``, ``y`` columns or an ``(n, 2)`` array, British National Grid
        metres. Points without coordinates or outside the study area are left out
        (and the notes say how many).
    cell_size : float, optional
        Cell side in metres; chosen automatically (and reported) when omitted.
    bandwidth : float, optional
        Neighbours are the cells whose centres lie within this many metres of the
        cell's centre. Default: the adjacent ring (the 8 surrounding cells).
    weights : str or array-like, optional
        A column name of ``points`` or one non-negative number per point, summed per
        cell instead of counting.
    boundary : shapely Polygon or MultiPolygon, optional
        Study area in British National Grid metres (cells sharing area with it).
    grid : Grid, optional
        A grid from `make_grid` to use instead of ``cell_size`` and ``boundary``.
    permutations : int or bool
        0 (default) for p-values from the normal distribution; a number, or True for
        ``PERMUTATIONS`` (999), for pseudo p-values by conditional randomisation.
    seed : int, optional
        Seed for the permutations. When omitted a seed is drawn and reported in
        ``settings["seed"]`` so the run can be repeated.
    alpha : float
        Level at which a cell is classed hot or cold, applied to the
        Benjamini–Hochberg adjusted p-value.
    quiet : bool
        Do not log automatically chosen values (they stay in ``notes``).

    Returns
    -------
    HotspotResult
        ``cells`` has ``cell_id``, ``row``, ``col``, ``x``, ``y``, ``count``, ``value``
        (the weighted total; equals ``count`` without weights), ``neighbours`` (window
        size, self included), ``z_score``, ``p_value`` (two-sided; from the
        permutations when there are any, with ``p_value_normal`` kept alongside),
        ``p_value_adjusted`` (Benjamini–Hochberg), ``p_value_holm`` and ``class``
        (``"hot"``, ``"cold"`` or ``"not significant"``).

    Raises
    ------
    InputError
        On malformed points, weights or settings, no points in the study area, or
        when every cell has the same total (Gi* is then undefined).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> background = rng.uniform(0, 2000, size=(400, 2))
    >>> cluster = rng.normal(1050, 30, size=(150, 2))
    >>> result = hotspot_gistar(np.vstack([background, cluster]), cell_size=100, quiet=True)
    >>> top = result.cells.loc[result.cells["z_score"].idxmax()]
    >>> int(top["row"]), int(top["col"]), top["class"]
    (10, 10, 'hot')
    >>> result.settings["neighbourhood"]
    'each cell and the 8 cells around it (queen contiguity)'
    """
    quiet = check_flag(quiet, "quiet")
    alpha = check_alpha(alpha)
    bandwidth = check_bandwidth(bandwidth)
    n_permutations = _check_permutations(permutations)
    seed = check_seed(seed)
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
    grid = prepared.grid
    kernel = neighbourhood(bandwidth, grid.cell_size)
    if int(kernel.sum()) == 1:
        notes.append(
            f"bandwidth {bandwidth:g} m is less than one cell: each cell is compared on its own"
        )
    counts = grid.totals(prepared.flat)
    totals = counts if weights is None else grid.totals(prepared.flat, prepared.weights)
    result = gistar(totals, grid.mask, kernel)
    if not np.isfinite(result.z_score).any():
        if np.ptp(result.value) == 0:
            raise InputError(
                f"every cell in the study area has the same total ({result.value[0]:g}), "
                "so Gi* is undefined",
                hint="use a larger study area or a different cell_size",
            )
        raise InputError(
            "every cell's neighbourhood covers the whole study area, so Gi* is undefined",
            hint="use a smaller bandwidth or cell_size",
        )
    undefined = int(np.isnan(result.z_score).sum())
    if undefined:
        notes.append(f"{undefined:,} cells have no z-score (their window is the whole area)")
    p_normal = 2.0 * special.ndtr(-np.abs(result.z_score))
    columns: dict[str, Any] = dict(grid.cell_columns())
    columns["count"] = counts[grid.mask]
    columns["value"] = result.value
    columns["neighbours"] = result.neighbours.astype(np.int64)
    columns["z_score"] = result.z_score
    if n_permutations:
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (2**32))  # type: ignore[operator]
            report(notes, f"random seed set to {seed}", quiet=quiet)
        rng = np.random.default_rng(seed)
        p_value = _permutation_p(
            result.value, result.window, result.neighbours, n_permutations, rng
        )
        p_value[np.isnan(result.z_score)] = np.nan
        columns["p_value"] = p_value
        columns["p_value_normal"] = p_normal
    else:
        p_value = p_normal
        columns["p_value"] = p_value
    bh, holm = adjust_bh_holm(p_value)
    columns["p_value_adjusted"] = bh
    columns["p_value_holm"] = holm
    columns["class"] = classify(result.z_score, bh, alpha)
    cells = pd.DataFrame(columns)
    mean_count = float(np.mean(columns["count"]))
    if mean_count < 1 and not n_permutations:
        notes.append(
            f"on average {mean_count:.2f} points per cell: normal p-values are rough for such "
            "sparse counts; consider permutations or a larger cell_size"
        )
    settings = {
        "cell_size": grid.cell_size,
        "bandwidth": bandwidth,
        "neighbourhood": describe_neighbourhood(bandwidth, kernel),
        "weights": weights if isinstance(weights, str) else (None if weights is None else "array"),
        "permutations": n_permutations,
        "seed": seed,
        "alpha": alpha,
        "adjustment": "Benjamini-Hochberg (p_value_adjusted) and Holm (p_value_holm)",
        "inference": "permutation" if n_permutations else "normal",
        "n_points": len(prepared.xy),
        "n_cells": grid.n_cells,
    }
    return HotspotResult(
        method="gistar", cells=cells, grid=grid, settings=freeze(settings), notes=tuple(notes)
    )
