"""Getis-Ord Gi* on a grid: neighbourhood kernels, window sums by convolution, z-scores, permutations."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from diogel.analysis.hotspots_inputs import describe_value
from diogel.errors import InputError

__all__ = [
    "DISTANCE_TOLERANCE",
    "GISTAR_CLASSES",
    "PERMUTATIONS",
    "GiStar",
    "check_permutations",
    "classify",
    "describe_neighbourhood",
    "gistar",
    "neighbourhood",
    "permutation_p_values",
    "window_sum",
]

#: Number of permutations when ``permutations=True``.
PERMUTATIONS = 999

#: Relative slack when deciding whether a neighbour is "within" the bandwidth, so that a
#: bandwidth typed as e.g. ``cell_size * sqrt(2)`` includes the diagonal neighbours.
DISTANCE_TOLERANCE = 1e-9

#: Cells of permutation work done at once (memory stays around 16 bytes x this).
_PERMUTATION_BLOCK = 2_000_000


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


def permutation_p_values(
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


def check_permutations(permutations: Any) -> int:
    if permutations is True:
        return PERMUTATIONS
    if permutations is False or permutations is None:
        return 0
    if not isinstance(permutations, int | np.integer) or permutations < 0:
        raise InputError(
            f"permutations must be a whole number (0 for none) or True; "
            f"received {describe_value(permutations)}",
            hint=f"e.g. permutations={PERMUTATIONS}",
        )
    return int(permutations)


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
