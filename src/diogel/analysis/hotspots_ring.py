"""The quartic's ring correction compiled with Numba, point by point.

`diogel.analysis.hotspots_moments` corrects the moment-binned quartic where a point and
its bin node fall on different sides of the support circle. Its NumPy version computes
the corrections for a group of points as one small matrix product and adds them with
``np.add.at``; this one makes a single pass over the points and their candidate nodes
and adds each correction where it belongs, which on a small machine is several times
faster. Both give the same sums up to rounding, and the tests check both against kernel
sums written out point by point.

Numba compiles the loop the first time it runs and keeps the machine code beside the
module (``cache=True``), so later runs start at once. Without Numba (or with the
environment variable ``DIOGEL_NO_NUMBA`` set) `AVAILABLE` is false and the NumPy
version is used.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from typing import Any

import numpy as np

__all__ = ["AVAILABLE", "ring_sums"]


def _ring_loop(
    sums: np.ndarray,
    base: np.ndarray,
    group: np.ndarray,
    ux: np.ndarray,
    uy: np.ndarray,
    w: np.ndarray,
    shifts: np.ndarray,
    ox: np.ndarray,
    oy: np.ndarray,
    beyond: np.ndarray,
    bounds: np.ndarray,
    scale: float,
) -> None:
    """Add ``scale * w * z^2`` (signed as in `ring_sums`) at each point's candidates."""
    for p in range(base.size):
        s = group[p]
        c0 = bounds[s, 0]
        c1 = bounds[s, 1]
        c2 = bounds[s, 2]
        c3 = bounds[s, 3]
        c4 = bounds[s, 4]
        px = 2.0 * ux[p]
        py = 2.0 * uy[p]
        uu = ux[p] * ux[p] + uy[p] * uy[p]
        b = base[p]
        wp = w[p] * scale
        # z = r^2 - |o - u|^2: positive when the point reaches the node.
        for c in range(c0, c1):  # outside the circle, always reached
            z = ox[c] * px + oy[c] * py - uu - beyond[c]
            sums[b + shifts[c]] += wp * z * z
        for c in range(c1, c2):  # outside, reached from part of the sub-square
            z = max(ox[c] * px + oy[c] * py - uu - beyond[c], 0.0)
            sums[b + shifts[c]] += wp * z * z
        for c in range(c2, c3):  # inside, out of reach from part of it
            z = min(ox[c] * px + oy[c] * py - uu - beyond[c], 0.0)
            sums[b + shifts[c]] -= wp * z * z
        for c in range(c3, c4):  # inside, never reached
            z = ox[c] * px + oy[c] * py - uu - beyond[c]
            sums[b + shifts[c]] -= wp * z * z


@functools.lru_cache(maxsize=1)
def _kernel() -> Any:
    """`_ring_loop` compiled (Numba is imported only when a quartic KDE first needs it)."""
    import numba

    try:
        return numba.njit(cache=True, nogil=True)(_ring_loop)
    except RuntimeError:  # nowhere writable to keep the machine code: compile each run
        return numba.njit(nogil=True)(_ring_loop)


def loaded() -> bool:
    """Whether the compiled loop is ready in this process (no import cost left to pay)."""
    return _kernel.cache_info().currsize > 0


#: Whether the compiled ring correction can be used.
AVAILABLE = not os.environ.get("DIOGEL_NO_NUMBA") and importlib.util.find_spec("numba") is not None


def ring_sums(
    size: int,
    base: np.ndarray,
    group: np.ndarray,
    ux: np.ndarray,
    uy: np.ndarray,
    w: np.ndarray,
    candidates: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    width: int,
    ratio: float,
    peak: float,
) -> np.ndarray:
    """Ring corrections summed into a flat padded grid of ``size`` nodes.

    ``base`` is each point's bin node in the padded grid (rows ``width`` long),
    ``group`` its sub-square, ``ux``, ``uy`` its offset from the node and ``w`` its
    weight; ``candidates`` come from ``_ring_candidates``. Needs `AVAILABLE`.

    Examples
    --------
    >>> from diogel.analysis.hotspots_moments import _ring_candidates
    >>> cands = _ring_candidates(2.0, 8)
    >>> # A point half a node right of node (3, 3) of a 7 x 7 grid, radius 2 nodes:
    >>> # it reaches (3, 5), 1.5 nodes away, which its bin node (2 nodes away) does not.
    >>> g = 7 * 3 + 3
    >>> sums = ring_sums(49, np.array([g]), np.array([63]), np.array([0.49]),
    ...                  np.array([0.0]), np.array([1.0]), cands, 7, 2.0, 1.0)
    >>> bool(sums[7 * 3 + 5] > 0), float(sums[7 * 3 + 5]) == (1 - 1.51**2 / 4) ** 2
    (True, True)
    """
    ox, oy, _inside, bounds = candidates
    r2 = ratio * ratio
    sums = np.zeros(size)
    if base.size:
        _kernel()(
            sums,
            np.ascontiguousarray(base, dtype=np.int64),
            np.ascontiguousarray(group, dtype=np.int64),
            np.ascontiguousarray(ux, dtype=float),
            np.ascontiguousarray(uy, dtype=float),
            np.ascontiguousarray(w, dtype=float),
            np.ascontiguousarray(oy * width + ox, dtype=np.int64),
            np.ascontiguousarray(ox, dtype=float),
            np.ascontiguousarray(oy, dtype=float),
            np.ascontiguousarray(ox * ox + oy * oy - r2, dtype=float),
            np.ascontiguousarray(bounds, dtype=np.int64),
            peak / (r2 * r2),
        )
    return sums
