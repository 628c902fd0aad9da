"""The quartic's ring correction: exact sums where a point and its bin node fall on
different sides of the support circle.

`diogel.analysis.hotspots_moments` sums the quartic by moment binning, which is exact for
every (point, node) pair on the same side of the circle as the (bin node, node) pair;
`ring_correction` fixes the others, which lie in a thin ring. Points are grouped by the
sub-square of their cell they fall in (`RING_CLASSES` per side), each with a short list
of candidate nodes (`_ring_candidates`). Two versions give the same sums up to rounding,
and the tests check both against kernel sums written out point by point: NumPy computes
the corrections for a group of points as one small matrix product and adds them with
``np.add.at``; the compiled one (`ring_sums`) makes a single pass over the points and
their candidates, several times faster, and is used for large sums (`compiled_pays`).

Numba compiles the loop the first time it runs and keeps the machine code beside the
module (``cache=True``), so later runs start at once. Without Numba (or with the
environment variable ``DIOGEL_NO_NUMBA`` set) `AVAILABLE` is false and the NumPy
version is used.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

__all__ = ["AVAILABLE", "RING_CLASSES", "pool", "ring_correction", "ring_sums"]

#: Sub-squares per cell side: points in the same sub-square share one list of candidate
#: nodes.
RING_CLASSES = 8
#: Values the NumPy version computes at once: few enough that the small matrix product
#: stays on one thread and the temporaries stay in cache.
_RING_CHUNK = 49_152
#: Ring-correction updates from which the compiled version is loaded (see `compiled_pays`).
COMPILED_MIN_UPDATES = 1_000_000


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
#: Use the compiled version when Numba is there (tests switch it off to check the NumPy
#: version too).
USE_COMPILED = AVAILABLE


@functools.lru_cache(maxsize=1)
def pool() -> ThreadPoolExecutor:
    """The thread the ring correction runs on, beside the moment transforms."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="diogel-kde-ring")


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


@functools.lru_cache(maxsize=32)
def _ring_candidates(
    ratio: float, classes: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per sub-square of the cell, the node offsets that may need a ring correction.

    For the sub-square ``s`` of offsets ``u``, a node offset ``o`` is a candidate when
    some ``u`` in ``s`` puts ``o`` on the other side of the support circle from ``o``
    itself (as seen from the bin node). Returns the candidates of all sub-squares one
    after another, ``(ox, oy, inside, bounds)``: integer offsets, whether ``o`` is
    inside the circle, and, per sub-square, where its candidates start and where its
    three parts end: outside nodes that change side for every ``u`` in ``s``, then
    those that change side for some (outside, then inside), then inside nodes that
    change side for every ``u`` (``bounds[s] = (start, end1, end2, end3, end4)``).
    """
    reach = math.ceil(ratio + 1)
    oy, ox = np.mgrid[-reach : reach + 1, -reach : reach + 1]
    r2 = ratio * ratio
    d2 = ox * ox + oy * oy
    band = np.abs(np.sqrt(d2) - ratio) <= 1.0
    ox, oy = ox[band], oy[band]
    inside = d2[band] < r2  # the same test as the FFT kernel's disc
    edges = np.linspace(-0.5, 0.5, classes + 1)
    lo, hi = edges[:-1, None], edges[1:, None]  # one row per sub-interval

    def near_far(o: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Least and greatest squared distance, along one axis, from o to o - u."""
        near = np.maximum(0.0, np.maximum(o - hi, lo - o))
        far = np.maximum(np.abs(o - lo), np.abs(o - hi))
        return near * near, far * far

    near_x, far_x = near_far(ox)
    near_y, far_y = near_far(oy)
    # (sub-interval along y, sub-interval along x, candidate)
    near = (near_y[:, None, :] + near_x[None, :, :]).reshape(classes * classes, -1)
    far = (far_y[:, None, :] + far_x[None, :, :]).reshape(classes * classes, -1)
    always = np.where(inside, near >= r2, far < r2)
    some = np.where(inside, far >= r2, near < r2)
    # part 0: outside, always; 1: outside, sometimes; 2: inside, sometimes; 3: inside, always
    part = np.where(inside, 2 + always, 1 - always)
    s, k = np.nonzero(some)
    part = part[s, k]
    pick = np.lexsort((k, part, s))
    s, k, part = s[pick], k[pick], part[pick]
    bounds = np.searchsorted(s * 4 + part, np.arange(classes * classes * 4 + 1))
    bounds = np.column_stack(
        [bounds[:-1:4], bounds[1::4], bounds[2::4], bounds[3::4], bounds[4::4]]
    )
    # Cached: shared by every call with this radius, so read-only.
    out = (ox[k], oy[k], inside[k], bounds)
    for array in out:
        array.flags.writeable = False
    return out


def ring_correction(
    shape: tuple[int, int],
    row: np.ndarray,
    col: np.ndarray,
    ux: np.ndarray,
    uy: np.ndarray,
    w: np.ndarray,
    ratio: float,
    peak: float,
) -> np.ndarray:
    """The ring correction (see `_ring_correction_numpy`) at every node of ``shape``.

    Compiled (`ring_sums`) when `compiled_pays`; otherwise in
    NumPy, which takes square roots of the weights and so sums negative weights
    separately.
    """
    n_rows, n_cols = shape
    out = np.zeros(shape)
    candidates = _ring_candidates(ratio, RING_CLASSES)
    updates = row.size * float(np.mean(candidates[3][:, 4] - candidates[3][:, 0]))
    if compiled_pays(updates):
        pad = math.ceil(ratio + 1)
        width = n_cols + 2 * pad
        base = (row + pad) * width + (col + pad)
        # Points in node order: the sums each adds to are then near in memory.
        order = np.argsort(base)
        sums = ring_sums(
            (n_rows + 2 * pad) * width,
            base[order],
            _sub_square(ux[order], uy[order], RING_CLASSES),
            ux[order],
            uy[order],
            w[order],
            candidates,
            width,
            ratio,
            peak,
        )
        out += sums.reshape(n_rows + 2 * pad, width)[pad : pad + n_rows, pad : pad + n_cols]
        return out
    negative = w < 0
    if not negative.any():
        _ring_correction_numpy(out, row, col, ux, uy, w, ratio, peak)
        return out
    keep = ~negative
    _ring_correction_numpy(out, row[keep], col[keep], ux[keep], uy[keep], w[keep], ratio, peak)
    lost = np.zeros(out.shape)
    _ring_correction_numpy(
        lost, row[negative], col[negative], ux[negative], uy[negative], -w[negative], ratio, peak
    )
    out -= lost
    return out


def compiled_pays(updates: float) -> bool:
    """Whether to use the compiled ring correction for this many (point, node) updates.

    It is several times faster, but loading Numba costs about 0.7 s once per process:
    worth it for large sums (at least `COMPILED_MIN_UPDATES`, where the NumPy loop takes
    some milliseconds and programs tend to ask for many), or once Numba is loaded.
    """
    if not USE_COMPILED:
        return False
    return updates >= COMPILED_MIN_UPDATES or loaded()


def _sub_square(ux: np.ndarray, uy: np.ndarray, classes: int) -> np.ndarray:
    """Which of the ``classes`` x ``classes`` sub-squares of its cell each offset is in."""
    group = np.minimum((uy + 0.5) * classes, classes - 1).astype(np.uint16) * classes
    group += np.minimum((ux + 0.5) * classes, classes - 1).astype(np.uint16)
    return group


def _ring_correction_numpy(
    out: np.ndarray,
    row: np.ndarray,
    col: np.ndarray,
    ux: np.ndarray,
    uy: np.ndarray,
    w: np.ndarray,
    ratio: float,
    peak: float,
) -> None:
    """Fix the binned quartic where a point and its bin node fall on different sides.

    The moment convolution gives node ``g`` the polynomial
    ``P(g - p) = peak (1 - |g - p|^2 / r^2)^2`` for every point whose *bin node* ``c``
    is within the radius ``r`` of ``g``; the kernel needs it when the *point* is. With
    ``o = g - c`` and ``u = p - c`` (in node spacings),
    ``z = r^2 - |o - u|^2 = 2 o.u - |u|^2 - (|o|^2 - r^2)`` is positive when the point
    reaches ``g``, and ``P = peak (z / r^2)^2``. So the correction at ``g`` is ``+P``
    when ``z > 0`` and ``o`` is outside, ``-P`` when ``z <= 0`` and ``o`` is inside:
    ``+-peak max(+-z, 0)^2 / r^4``, and ``+-z`` for all the candidate nodes of a group
    of points is one small matrix product. Points are grouped by the sub-square of the
    cell their offset falls in; each group has a short list of candidate node offsets
    (`_ring_candidates`), and ``max(., 0)`` is needed only for those that change side
    for some offsets in the sub-square.
    """
    n_rows, n_cols = out.shape
    classes = RING_CLASSES
    pad = math.ceil(ratio + 1)
    width = n_cols + 2 * pad
    size = (n_rows + 2 * pad) * width
    group = _sub_square(ux, uy, classes)
    order = np.argsort(group, kind="stable")
    starts = np.searchsorted(group[order], np.arange(classes * classes + 1))
    # Node index in the grid padded by the kernel's reach, so no offset falls off.
    base = (row[order] + pad) * width + (col[order] + pad)
    ux = ux[order]
    uy = uy[order]
    root = np.sqrt(w[order])
    ox, oy, inside, bounds = _ring_candidates(ratio, classes)
    r2 = ratio * ratio
    # +-z scaled so that its square is the correction's size: one row per candidate
    side = np.where(inside, -1.0, 1.0) * (math.sqrt(peak) / r2)
    node_terms = np.column_stack(
        [2.0 * ox * side, 2.0 * oy * side, -side, (r2 - ox * ox - oy * oy) * side]
    )
    shifts = oy * width + ox
    sums = np.zeros(size)
    # Work arrays reused chunk after chunk.
    z_buffer = np.empty(_RING_CHUNK + bounds[:, 4].max() - bounds[:, 0].min())
    target_buffer = np.empty(z_buffer.size, dtype=np.intp)
    point_terms = np.empty((4, _RING_CHUNK))
    starts_list = starts.tolist()
    for s, (c0, c1, c2, c3, c4) in enumerate(bounds.tolist()):
        lo, hi = starts_list[s], starts_list[s + 1]
        if c0 == c4 or lo == hi:
            continue
        step = max(1, _RING_CHUNK // (c4 - c0))
        for start in range(lo, hi, step):
            stop = min(start + step, hi)
            n = (c4 - c0) * (stop - start)
            # sqrt(w) (ux, uy, |u|^2, 1): one column per point
            a = point_terms[:, : stop - start]
            np.multiply(root[start:stop], ux[start:stop], out=a[0])
            np.multiply(root[start:stop], uy[start:stop], out=a[1])
            np.multiply(a[0], ux[start:stop], out=a[2])
            a[2] += a[1] * uy[start:stop]
            a[3] = root[start:stop]
            # (candidates, points)
            z = z_buffer[:n].reshape(c4 - c0, stop - start)
            np.matmul(node_terms[c0:c4], a, out=z)
            np.maximum(z[c1 - c0 : c3 - c0], 0.0, out=z[c1 - c0 : c3 - c0])
            z *= z
            np.negative(z[c2 - c0 :], out=z[c2 - c0 :])
            targets = target_buffer[:n].reshape(c4 - c0, stop - start)
            np.add(shifts[c0:c4, None], base[start:stop], out=targets)
            np.add.at(sums, target_buffer[:n], z_buffer[:n])
    out += sums.reshape(n_rows + 2 * pad, width)[pad : pad + n_rows, pad : pad + n_cols]
