"""Hotspots on a grid: the result type and point handling shared by the verbs, and Gi* hotspots."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import special

from diogel.analysis.grids import Grid, make_grid
from diogel.analysis.hotspots_gistar import (
    PERMUTATIONS,
    check_permutations,
    classify,
    describe_neighbourhood,
    gistar,
    neighbourhood,
    permutation_p_values,
)
from diogel.analysis.hotspots_inputs import (
    as_points,
    as_weights,
    check_alpha,
    check_bandwidth,
    check_flag,
    check_seed,
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
    "HotspotResult",
    "Prepared",
    "freeze",
    "hotspot_gistar",
    "prepare_points",
]

#: Significance level for classing cells, applied to the FDR-adjusted p-value.
ALPHA = 0.05


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


# --------------------------------------------------------------------------------------
# Shared argument handling for the hotspot verbs
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# Gi*
# --------------------------------------------------------------------------------------


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
    n_permutations = check_permutations(permutations)
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
    columns["count"] = counts[grid.mask].astype(np.int64)
    columns["value"] = result.value
    columns["neighbours"] = result.neighbours.astype(np.int64)
    columns["z_score"] = result.z_score
    if n_permutations:
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (2**32))  # type: ignore[operator]
            report(notes, f"random seed set to {seed}", quiet=quiet)
        rng = np.random.default_rng(seed)
        p_value = permutation_p_values(
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
