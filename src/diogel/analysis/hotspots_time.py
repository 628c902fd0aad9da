"""Hotspots over time: per-cell change between two periods, and emerging-hotspot classes."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import special, stats

from diogel.analysis.grids import Grid, make_grid
from diogel.analysis.hotspots import ALPHA, HotspotResult, freeze, prepare_points
from diogel.analysis.hotspots_gistar import (
    describe_neighbourhood,
    gistar,
    neighbourhood,
    window_sum,
)
from diogel.analysis.hotspots_inputs import (
    as_points,
    check_alpha,
    check_bandwidth,
    check_flag,
    describe_value,
)
from diogel.analysis.mann_kendall import mann_kendall
from diogel.analysis.multiple_testing import adjust_bh, adjust_holm
from diogel.errors import InputError

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "HOTSPOT_CLASSES",
    "MIN_SLICES",
    "PERSISTENT_SHARE",
    "binomial_test_two_sided",
    "hotspot_change",
    "hotspot_classify",
]

#: A cell hot in at least this share of time slices is persistent (as in ArcGIS).
PERSISTENT_SHARE = 0.9
#: Fewest time slices `hotspot_classify` accepts (ArcGIS asks for at least ten).
MIN_SLICES = 4
#: Relative tolerance when comparing binomial probabilities (as scipy's binomtest).
_RELATIVE_ERROR = 1 + 1e-7


# --------------------------------------------------------------------------------------
# Per-cell change between two periods
# --------------------------------------------------------------------------------------


def binomial_test_two_sided(k: Any, n: Any, p: float) -> np.ndarray:
    """Exact two-sided binomial p-values, vectorised over ``k`` successes of ``n``.

    The two-sided p-value sums the probabilities of all outcomes no more likely than
    the one observed (the "minimum likelihood" rule, as ``scipy.stats.binomtest``).
    ``n == 0`` gives NaN (nothing to test).

    Examples
    --------
    >>> binomial_test_two_sided([7, 5, 0], [10, 10, 0], 0.5)
    array([0.34375, 1.     ,     nan])
    """
    k = np.asarray(k, dtype=np.int64)
    n = np.asarray(n, dtype=np.int64)
    out = np.full(k.shape, np.nan)
    for total in np.unique(n[n > 0]):
        pmf = stats.binom.pmf(np.arange(total + 1), total, p)
        order = np.sort(pmf)
        cumulative = np.cumsum(order)
        at = n == total
        observed = pmf[k[at]]
        position = np.searchsorted(order, observed * _RELATIVE_ERROR, side="right")
        out[at] = np.minimum(1.0, cumulative[position - 1])
    return out


def _check_lengths(period_lengths: Any) -> tuple[float, float]:
    try:
        before, after = (float(v) for v in period_lengths)
    except (TypeError, ValueError):
        raise InputError(
            f"period_lengths must be two positive numbers; received {describe_value(period_lengths)}",
            hint="e.g. period_lengths=(12, 6) for twelve months before and six after",
        ) from None
    if not (before > 0 and after > 0 and math.isfinite(before) and math.isfinite(after)):
        raise InputError(
            f"period_lengths must be two positive numbers; received {(before, after)}",
            hint="e.g. period_lengths=(12, 6) for twelve months before and six after",
        )
    return before, after


def _shared_grid(
    layers: list[tuple[str, Any]],
    cell_size: float | None,
    boundary: BaseGeometry | None,
    grid: Grid | None,
    notes: list[str],
    quiet: bool,
) -> Grid:
    if grid is not None:
        if cell_size is not None or boundary is not None:
            raise InputError(
                "pass either grid or cell_size/boundary, not both",
                hint="the grid already fixes the cell size and the study area",
            )
        return grid
    stacked = np.vstack([as_points(layer, name=name) for name, layer in layers])
    stacked = stacked[np.isfinite(stacked).all(axis=1)]
    if len(stacked) == 0 and boundary is None:
        raise InputError(
            "none of the points have coordinates",
            hint="pass points with x and y in British National Grid metres",
        )
    built = make_grid(
        stacked if len(stacked) else None, cell_size=cell_size, boundary=boundary, quiet=quiet
    )
    notes.extend(built.notes)
    return built


def hotspot_change(
    points_before: Any,
    points_after: Any,
    *,
    cell_size: float | None = None,
    bandwidth: float | None = None,
    boundary: BaseGeometry | None = None,
    grid: Grid | None = None,
    period_lengths: tuple[float, float] = (1.0, 1.0),
    alpha: float = ALPHA,
    quiet: bool = False,
) -> HotspotResult:
    """Where the count of points changed between two periods, cell by cell, with a test.

    For each cell with ``b`` points before and ``a`` after, if the rate were unchanged
    then, given ``n = a + b``, ``a`` would be binomial with probability
    ``L_after / (L_before + L_after)`` (the periods' lengths). The exact two-sided
    binomial test of that (the conditional test for two Poisson counts) gives each cell
    a p-value; Benjamini–Hochberg and Holm adjust them over the cells with any points.

    Parameters
    ----------
    points_before, points_after : pandas.DataFrame or array-like
        ``x``, ``y`` in British National Grid metres.
    bandwidth : float, optional
        Count the points within this many metres of each cell (centre to centre)
        instead of in the cell alone (the default here).
    period_lengths : (float, float)
        Lengths of the two periods in any unit (e.g. months), for unequal periods.
    alpha : float
        Level for the classes, applied to the Benjamini–Hochberg adjusted p-value.
    cell_size, boundary, grid, quiet
        As in `hotspot_gistar`; a grid built here covers both periods.

    Returns
    -------
    HotspotResult
        ``cells`` has ``count_before``, ``count_after``, ``change`` (after minus
        before), ``expected_after`` (``n`` times the period share), ``p_value`` (NaN
        where there were no points), ``p_value_adjusted``, ``p_value_holm`` and
        ``class``: ``"significant increase"``, ``"significant decrease"`` or
        ``"no significant change"``.

    Examples
    --------
    >>> rng = np.random.default_rng(5)
    >>> before = rng.uniform(0, 1000, size=(500, 2)) + [330_000, 187_000]
    >>> burst = rng.normal([330_450, 187_450], 20, size=(40, 2))
    >>> after = np.vstack([rng.uniform(0, 1000, size=(500, 2)) + [330_000, 187_000], burst])
    >>> change = hotspot_change(before, after, cell_size=100, quiet=True)
    >>> change.cells.loc[change.cells["class"] == "significant increase", ["row", "col"]]
        row  col
    44    4    4
    """
    quiet = check_flag(quiet, "quiet")
    alpha = check_alpha(alpha)
    bandwidth = check_bandwidth(bandwidth)
    before_length, after_length = _check_lengths(period_lengths)
    notes: list[str] = []
    grid = _shared_grid(
        [("points_before", points_before), ("points_after", points_after)],
        cell_size,
        boundary,
        grid,
        notes,
        quiet,
    )
    counts = []
    for name, layer in (("points_before", points_before), ("points_after", points_after)):
        prepared = prepare_points(
            layer,
            cell_size=None,
            weights=None,
            boundary=None,
            grid=grid,
            notes=notes,
            quiet=quiet,
            name=name,
        )
        counts.append(grid.totals(prepared.flat))
    kernel = (
        np.ones((1, 1), dtype=bool)
        if bandwidth is None
        else neighbourhood(bandwidth, grid.cell_size)
    )
    before, after = (window_sum(np.where(grid.mask, c, 0.0), kernel)[grid.mask] for c in counts)
    share = after_length / (before_length + after_length)
    total = before + after
    p_value = binomial_test_two_sided(after, total, share)
    untested = int(np.isnan(p_value).sum())
    if untested:
        notes.append(f"{untested:,} cells had no points in either period and were not tested")
    adjusted = adjust_bh(p_value)
    expected = total * share
    significant = adjusted < alpha
    cells = grid.cells()
    cells["count_before"] = before.astype(np.int64)
    cells["count_after"] = after.astype(np.int64)
    cells["change"] = (after - before).astype(np.int64)
    cells["expected_after"] = expected
    cells["p_value"] = p_value
    cells["p_value_adjusted"] = adjusted
    cells["p_value_holm"] = adjust_holm(p_value)
    cells["class"] = np.where(
        significant & (after > expected),
        "significant increase",
        np.where(significant & (after < expected), "significant decrease", "no significant change"),
    )
    settings = {
        "cell_size": grid.cell_size,
        "bandwidth": bandwidth,
        "neighbourhood": "each cell alone"
        if bandwidth is None
        else describe_neighbourhood(bandwidth, kernel),
        "period_lengths": (before_length, after_length),
        "test": "exact conditional binomial (two Poisson counts), two-sided",
        "alpha": alpha,
        "adjustment": "Benjamini-Hochberg (p_value_adjusted) and Holm (p_value_holm)",
        "n_cells": grid.n_cells,
    }
    return HotspotResult(
        method="change", cells=cells, grid=grid, settings=freeze(settings), notes=tuple(notes)
    )


# --------------------------------------------------------------------------------------
# Emerging hotspot classification
# --------------------------------------------------------------------------------------

#: The classes `hotspot_classify` gives, from the strongest pattern down.
HOTSPOT_CLASSES: tuple[str, ...] = (
    "persistent",
    "diminishing",
    "new",
    "emerging",
    "intermittent",
    "sporadic",
    "not a hotspot",
)


def _classes(hot: np.ndarray, trend: np.ndarray) -> np.ndarray:
    """Apply the documented rules to a (cells x slices) hot matrix and trend labels."""
    n_slices = hot.shape[1]
    hot_count = hot.sum(axis=1)
    last = hot[:, -1]
    often = hot_count >= PERSISTENT_SHARE * n_slices
    # length of the run of hot slices ending at the last slice
    not_hot = ~hot[:, ::-1]
    run = np.where(not_hot.any(axis=1), not_hot.argmax(axis=1), n_slices)
    one_run = last & (run == hot_count)
    labels = np.full(hot.shape[0], "not a hotspot", dtype=object)
    labels[(hot_count > 0) & ~last] = "sporadic"
    labels[last] = "intermittent"
    labels[last & (one_run | (trend == "up"))] = "emerging"
    labels[last & (hot_count == 1)] = "new"
    labels[often & (~last | (trend == "down"))] = "diminishing"
    labels[often & last & (trend != "down")] = "persistent"
    return labels


def hotspot_classify(
    points: pd.DataFrame,
    *,
    time_slice: str = "month",
    cell_size: float | None = None,
    bandwidth: float | None = None,
    weights: Any = None,
    boundary: BaseGeometry | None = None,
    grid: Grid | None = None,
    alpha: float = ALPHA,
    quiet: bool = False,
) -> HotspotResult:
    """Classify cells as persistent, emerging, new... hotspots from Gi* in each time slice.

    Each time slice (each distinct value of the ``time_slice`` column, in sorted order)
    gets its own Gi* (as `hotspot_gistar`, same grid and neighbourhood); a cell is *hot*
    in a slice when its z-score is positive and its Benjamini–Hochberg adjusted p-value
    (over that slice's cells) is below ``alpha``. The trend of each cell's z-scores over
    the slices is tested with Mann–Kendall (`mann_kendall`): ``"up"`` or ``"down"`` when
    its p-value is below ``alpha``, else ``"none"``.

    With ``T`` slices, the rules (the first that applies wins), after ArcGIS's emerging
    hot spot analysis:

    ``persistent``
        Hot in at least 90% of slices (``PERSISTENT_SHARE``), including the last, with
        no significant downward trend (ArcGIS: persistent or intensifying).
    ``diminishing``
        Hot in at least 90% of slices, but with a significant downward trend or not hot
        in the last slice (ArcGIS: diminishing or historical).
    ``new``
        Hot in the last slice and never before.
    ``emerging``
        Hot in the last slice, and either hot in one unbroken run of slices ending in the
        last one, or with a significant upward trend (ArcGIS: consecutive, or
        intensifying short of 90%).
    ``intermittent``
        Hot in the last slice and, on and off, before it (ArcGIS: sporadic or
        oscillating with a hot last slice).
    ``sporadic``
        Hot in some earlier slices, but not the last one (and in under 90% of slices).
    ``not a hotspot``
        Never hot.

    Parameters
    ----------
    points : pandas.DataFrame
        ``x``, ``y`` in British National Grid metres and a time-slice column.
    time_slice : str
        The column whose distinct values are the slices (e.g. ``"month"``); they must sort
        in time order. Slices with no points are not seen: include every slice's points.
    cell_size, bandwidth, weights, boundary, grid, alpha, quiet
        As in `hotspot_gistar`.

    Returns
    -------
    HotspotResult
        ``cells`` has ``count`` (all slices), ``hot_slices``, ``cold_slices``,
        ``hot_last``, ``trend_s``, ``trend_z``, ``trend_p``, ``trend`` and ``class``;
        ``detail`` has one row per cell and slice with ``slice``, ``count``,
        ``z_score``, ``p_value_adjusted`` and ``class`` (hot/cold/not significant).

    Examples
    --------
    >>> rng = np.random.default_rng(7)
    >>> frames = []
    >>> for month in range(12):
    ...     xy = rng.uniform(0, 2000, size=(300, 2)) + [330_000, 187_000]
    ...     always = rng.normal([330_550, 187_550], 30, size=(40, 2))
    ...     late = rng.normal([331_450, 188_450], 30, size=(40 if month >= 9 else 0, 2))
    ...     xy = np.vstack([xy, always, late])
    ...     frames.append(pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "month": month}))
    >>> result = hotspot_classify(pd.concat(frames), cell_size=100, quiet=True)
    >>> cells = result.cells.set_index(["row", "col"])
    >>> cells.loc[(5, 5), "class"], cells.loc[(14, 14), "class"]
    ('persistent', 'emerging')
    """
    quiet = check_flag(quiet, "quiet")
    alpha = check_alpha(alpha)
    bandwidth = check_bandwidth(bandwidth)
    if not isinstance(points, pd.DataFrame) or time_slice not in points.columns:
        raise InputError(
            f"points must be a DataFrame with a {time_slice!r} column of time slices",
            hint="e.g. a 'month' column, or name yours with time_slice='...'",
        )
    notes: list[str] = []
    frame = points
    missing = frame[time_slice].isna()
    if missing.any():
        notes.append(f"{int(missing.sum()):,} points without a {time_slice} were left out")
        frame = frame[~missing]
    prepared = prepare_points(
        frame,
        cell_size=cell_size,
        weights=weights,
        boundary=boundary,
        grid=grid,
        notes=notes,
        quiet=quiet,
    )
    grid = prepared.grid
    labels = frame[time_slice].to_numpy()[prepared.kept]
    slices = np.sort(pd.unique(labels))
    n_slices = len(slices)
    if n_slices < MIN_SLICES:
        raise InputError(
            f"hotspot_classify needs at least {MIN_SLICES} time slices; "
            f"{time_slice} has {n_slices}",
            hint="use shorter slices (e.g. months) or a longer period",
        )
    if n_slices < 10:
        notes.append(f"only {n_slices} time slices: trends are weakly tested (ArcGIS asks for 10)")
    kernel = neighbourhood(bandwidth, grid.cell_size)
    n_cells = grid.n_cells
    z = np.empty((n_cells, n_slices))
    adjusted = np.empty((n_cells, n_slices))
    counts = np.empty((n_cells, n_slices))
    position = np.searchsorted(slices, labels)
    for t in range(n_slices):
        chosen = position == t
        flat = prepared.flat[chosen]
        totals = grid.totals(flat, prepared.weights[chosen])
        counts[:, t] = grid.totals(flat)[grid.mask]
        z[:, t] = gistar(totals, grid.mask, kernel).z_score
        adjusted[:, t] = adjust_bh(2.0 * special.ndtr(-np.abs(z[:, t])))
    undefined = np.isnan(z).all(axis=0)
    if undefined.any():
        notes.append(
            f"{int(undefined.sum())} slice(s) had the same count in every cell: no Gi* there"
        )
    significant = adjusted < alpha
    hot = significant & (z > 0)
    cold = significant & (z < 0)
    trend_test = mann_kendall(np.nan_to_num(z, nan=0.0))
    trend = np.where(
        trend_test.p_value < alpha,
        np.where(trend_test.s > 0, "up", "down"),
        "none",
    )
    cells = grid.cells()
    cells["count"] = counts.sum(axis=1).astype(np.int64)
    cells["hot_slices"] = hot.sum(axis=1)
    cells["cold_slices"] = cold.sum(axis=1)
    cells["hot_last"] = hot[:, -1]
    cells["trend_s"] = trend_test.s
    cells["trend_z"] = trend_test.z_score
    cells["trend_p"] = trend_test.p_value
    cells["trend"] = trend
    cells["class"] = _classes(hot, trend)
    detail = pd.DataFrame(
        {
            "cell_id": np.repeat(cells["cell_id"].to_numpy(), n_slices),
            "slice": np.tile(slices, n_cells),
            "count": counts.ravel().astype(np.int64),
            "z_score": z.ravel(),
            "p_value_adjusted": adjusted.ravel(),
            "class": np.where(
                hot.ravel(), "hot", np.where(cold.ravel(), "cold", "not significant")
            ),
        }
    )
    settings = {
        "cell_size": grid.cell_size,
        "bandwidth": bandwidth,
        "neighbourhood": describe_neighbourhood(bandwidth, kernel),
        "time_slice": time_slice,
        "slices": [s.item() if hasattr(s, "item") else s for s in slices],
        "alpha": alpha,
        "persistent_share": PERSISTENT_SHARE,
        "trend_test": "Mann-Kendall on each cell's Gi* z-scores, continuity corrected",
        "n_cells": n_cells,
    }
    return HotspotResult(
        method="classify",
        cells=cells,
        grid=grid,
        settings=freeze(settings),
        notes=tuple(notes),
        detail=detail,
    )
