"""Kernel sums of points at the nodes of a regular grid: exact, moment-binned FFT, linear-binned FFT.

Three evaluators of ``f(g) = sum_p w_p K(g - p)`` at every grid node ``g``:

``direct``
    Each point adds the exact kernel value to every node within the kernel's reach
    (a fixed stencil of node offsets). Exact; costs points x stencil size, so it is the
    choice when the bandwidth spans few cells.
``binned``
    Each point is assigned to its nearest node and the kernel is expanded around that
    node, so the sum becomes a few convolutions of per-node *moment* grids, done by FFT
    (`diogel.analysis.hotspots_moments`): for the quartic, a polynomial, the expansion
    is exact, with an exact point-by-point correction where the support circle passes
    between a point and its node; for the Gaussian, a Hermite expansion whose length is
    chosen from a bound on the remainder. Within 1e-7 of the maximum in practice (tests
    check 1e-6 against exact sums).
``linear``
    Linear binning onto the nodes then one FFT convolution, as KDEpy's ``FFTKDE`` does.
    Fastest, but the binning error is up to about ``(cell / bandwidth)^2`` of the peak for
    the quartic (a quarter of that for the Gaussian).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
from scipy import fft

from diogel.analysis.hotspots_moments import (
    GAUSSIAN_CUTOFF,
    GAUSSIAN_TERM_TOLERANCE,
    MAX_GAUSSIAN_DEGREE,
    binned_gaussian,
    binned_quartic,
    gaussian_terms,
)
from diogel.analysis.hotspots_ring import compiled_pays

__all__ = [
    "GAUSSIAN_CUTOFF",
    "GAUSSIAN_TERM_TOLERANCE",
    "KERNELS",
    "choose_method",
    "gaussian_terms",
    "kernel_sum",
    "kernel_values",
]

Kernel = Literal["quartic", "gaussian"]
Method = Literal["direct", "binned", "linear"]

#: Kernels on offer; ``bandwidth`` is the quartic's radius and the Gaussian's standard
#: deviation.
KERNELS: tuple[str, ...] = ("quartic", "gaussian")
#: Pairs of (point, node) handled at once by the point-by-point loops.
_CHUNK_PAIRS = 1_000_000
#: Rough cost, in nanoseconds, of one (point, node) pair evaluated point by point, of
#: one moment value binned, of one FFT butterfly and of one candidate node of the
#: quartic's ring correction for one point; used only to choose a method.
_NS_PER_PAIR = 40.0
_NS_PER_MOMENT = 6.0
_NS_PER_FFT_UNIT = 1.2
#: (compiled; the ring correction also runs beside the transforms)
_NS_PER_RING_NODE = 3.0
#: The same in NumPy, used for small sums (see ``hotspots_ring.compiled_pays``).
_NS_PER_NUMPY_RING = 7.0


def kernel_values(d2: np.ndarray, bandwidth: float, kernel: str) -> np.ndarray:
    """Kernel density per square metre at squared distances ``d2`` (in units of bandwidth²).

    Quartic (radius ``h``): ``3 / (pi h^2) * (1 - d^2)^2`` for ``d < 1``.
    Gaussian (sd ``h``): ``1 / (2 pi h^2) * exp(-d^2 / 2)``. Both integrate to 1.

    Examples
    --------
    >>> float(kernel_values(np.array([0.0]), 10.0, "quartic")[0]) * math.pi * 100 / 3
    1.0
    """
    h2 = bandwidth * bandwidth
    if kernel == "quartic":
        inside = np.clip(1.0 - d2, 0.0, None)
        return 3.0 / (math.pi * h2) * inside * inside
    return np.exp(-0.5 * d2) / (2.0 * math.pi * h2)


def support(bandwidth: float, kernel: str) -> float:
    """Distance beyond which the kernel is zero (or below 1e-12 of its peak)."""
    return bandwidth if kernel == "quartic" else GAUSSIAN_CUTOFF * bandwidth


def _node_coordinates(
    xy: np.ndarray, first_node: tuple[float, float], spacing: float
) -> tuple[np.ndarray, np.ndarray]:
    fx = (xy[:, 0] - first_node[0]) / spacing
    fy = (xy[:, 1] - first_node[1]) / spacing
    return fx, fy


def _stencil(reach_cells: float, pad: float) -> tuple[np.ndarray, np.ndarray]:
    """Node offsets (rows, cols) within ``reach_cells + pad`` of the centre node."""
    m = math.ceil(reach_cells + pad)
    di, dj = np.mgrid[-m : m + 1, -m : m + 1]
    keep = np.hypot(di, dj) <= reach_cells + pad
    return di[keep].astype(np.intp), dj[keep].astype(np.intp)


def _scatter_pairs(
    out: np.ndarray,
    fx: np.ndarray,
    fy: np.ndarray,
    w: np.ndarray,
    base_i: np.ndarray,
    base_j: np.ndarray,
    di: np.ndarray,
    dj: np.ndarray,
    value: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
) -> None:
    """Add ``value(d2, offset index, point index) * w`` to node ``base + offset`` for every pair.

    ``d2`` is the squared distance from the point to the node in cell units.
    """
    n_rows, n_cols = out.shape
    flat = np.zeros(out.size)
    per_chunk = max(1, _CHUNK_PAIRS // max(1, di.size))
    for start in range(0, fx.size, per_chunk):
        stop = min(start + per_chunk, fx.size)
        rows = base_i[start:stop, None] + di[None, :]
        cols = base_j[start:stop, None] + dj[None, :]
        d2 = (cols - fx[start:stop, None]) ** 2 + (rows - fy[start:stop, None]) ** 2
        vals = value(d2, np.arange(di.size)[None, :], np.arange(start, stop)[:, None])
        vals = vals * w[start:stop, None]
        keep = (vals != 0) & (rows >= 0) & (rows < n_rows) & (cols >= 0) & (cols < n_cols)
        flat += np.bincount(
            (rows[keep] * n_cols + cols[keep]), weights=vals[keep], minlength=flat.size
        )
    out += flat.reshape(out.shape)


def _direct(
    fx: np.ndarray,
    fy: np.ndarray,
    w: np.ndarray,
    shape: tuple[int, int],
    ratio: float,
    bandwidth: float,
    kernel: str,
) -> np.ndarray:
    out = np.zeros(shape)
    reach = support(bandwidth, kernel) / bandwidth * ratio
    di, dj = _stencil(reach, math.sqrt(0.5))
    base_i = np.floor(fy + 0.5).astype(np.intp)
    base_j = np.floor(fx + 0.5).astype(np.intp)
    cutoff = (support(bandwidth, kernel) / bandwidth) ** 2
    scale = 1.0 / (ratio * ratio)

    def value(d2: np.ndarray, _o: np.ndarray, _p: np.ndarray) -> np.ndarray:
        t2 = d2 * scale
        return np.where(t2 < cutoff, kernel_values(t2, bandwidth, kernel), 0.0)

    _scatter_pairs(out, fx, fy, w, base_i, base_j, di, dj, value)
    return out


def _convolve_sum(
    grids: Sequence[np.ndarray], kernels: Sequence[np.ndarray], half: int
) -> np.ndarray:
    """``sum_t grids[t] * kernels[t]`` (linear convolution), cropped to the grids' shape.

    Kernels are ``(2 half + 1)`` square, centred on offset 0.
    """
    n_rows, n_cols = grids[0].shape
    shape = (fft.next_fast_len(n_rows + 2 * half), fft.next_fast_len(n_cols + 2 * half, real=True))
    stack = np.stack(grids)
    spectra = fft.rfft2(stack, s=shape, workers=-1)
    kernel_spectra = fft.rfft2(np.stack(kernels), s=shape, workers=-1)
    total = np.einsum("tij,tij->ij", spectra, kernel_spectra)
    full = fft.irfft2(total, s=shape, workers=-1)
    return np.ascontiguousarray(full[half : half + n_rows, half : half + n_cols])


def _linear(
    fx: np.ndarray,
    fy: np.ndarray,
    w: np.ndarray,
    shape: tuple[int, int],
    ratio: float,
    bandwidth: float,
    kernel: str,
) -> np.ndarray:
    n_rows, n_cols = shape
    padded = (n_rows + 2, n_cols + 2)
    j0 = np.floor(fx).astype(np.intp)
    i0 = np.floor(fy).astype(np.intp)
    tx = fx - j0
    ty = fy - i0
    binned = np.zeros(padded[0] * padded[1])
    for di, dj, share in (
        (0, 0, (1 - ty) * (1 - tx)),
        (0, 1, (1 - ty) * tx),
        (1, 0, ty * (1 - tx)),
        (1, 1, ty * tx),
    ):
        rows = np.clip(i0 + di + 1, 0, padded[0] - 1)
        cols = np.clip(j0 + dj + 1, 0, padded[1] - 1)
        binned += np.bincount(rows * padded[1] + cols, weights=w * share, minlength=binned.size)
    reach = support(bandwidth, kernel) / bandwidth * ratio
    half = min(math.ceil(reach), max(padded))
    offsets = np.arange(-half, half + 1) / ratio
    oy, ox = np.meshgrid(offsets, offsets, indexing="ij")
    kernel_grid = kernel_values(ox * ox + oy * oy, bandwidth, kernel)
    if kernel == "gaussian":
        kernel_grid[ox * ox + oy * oy > GAUSSIAN_CUTOFF**2] = 0.0
    out = _convolve_sum([binned.reshape(padded)], [kernel_grid], half)
    return out[1:-1, 1:-1]


def _fft_units(shape: tuple[int, int], half: int) -> float:
    rows = shape[0] + half
    cols = shape[1] + half
    return rows * cols * math.log2(max(rows * cols, 2))


def choose_method(n_points: int, shape: tuple[int, int], ratio: float, kernel: str) -> str:
    """The faster of the two accurate evaluators, ``"direct"`` or ``"binned"``, by a cost model.

    ``ratio`` is the bandwidth in cells.

    Examples
    --------
    >>> choose_method(50_000, (256, 256), 0.8, "quartic")
    'direct'
    >>> choose_method(50_000, (256, 256), 15.0, "quartic")
    'binned'
    """
    reach = (1.0 if kernel == "quartic" else GAUSSIAN_CUTOFF) * ratio
    stencil = math.pi * (reach + math.sqrt(0.5)) ** 2
    direct = n_points * stencil * _NS_PER_PAIR
    if kernel == "quartic":
        # nine moments, their transforms and the kernels' (half the work each), and the
        # ring correction's candidates: about 2.2 per cell of radius
        nodes = 2.2 * ratio + 3
        ring_ns = _NS_PER_RING_NODE if compiled_pays(n_points * nodes) else _NS_PER_NUMPY_RING
        per_point = 9 * _NS_PER_MOMENT + nodes * ring_ns
        transforms = 9 + 4.5 + 1
        half = math.ceil(ratio)
    else:
        degree = gaussian_terms(ratio)
        if degree > MAX_GAUSSIAN_DEGREE:
            return "direct"
        terms = (degree + 1) * (degree + 2) // 2
        per_point = terms * _NS_PER_MOMENT
        # a transform along x per term, one along y per power of y, one inverse
        transforms = terms / 2 + (degree + 1) / 2 + 1
        half = math.ceil(GAUSSIAN_CUTOFF * ratio)
    binned = n_points * per_point + transforms * _fft_units(shape, half) * _NS_PER_FFT_UNIT
    return "direct" if direct <= binned else "binned"


def kernel_sum(
    xy: np.ndarray,
    weights: np.ndarray,
    *,
    first_node: tuple[float, float],
    spacing: float,
    shape: tuple[int, int],
    bandwidth: float,
    kernel: str = "quartic",
    method: str = "auto",
) -> tuple[np.ndarray, str]:
    """Weighted kernel sum, per square metre, at the nodes of a regular grid.

    Node ``(i, j)`` is at ``(first_node[0] + j * spacing, first_node[1] + i * spacing)``.
    Points should lie within half a spacing of the nodes' extent (as points in the cells
    of a `Grid` do, with nodes at the cell centres).

    Parameters
    ----------
    xy : numpy.ndarray
        ``(n, 2)`` point coordinates in metres.
    weights : numpy.ndarray
        One weight per point.
    first_node, spacing, shape
        The node lattice.
    bandwidth : float
        Quartic radius or Gaussian standard deviation, metres.
    kernel : {"quartic", "gaussian"}
    method : {"auto", "direct", "binned", "linear"}
        ``"auto"`` picks the faster of the two accurate evaluators.

    Returns
    -------
    (numpy.ndarray, str)
        The ``shape`` array of sums and the method used.

    Examples
    --------
    >>> values, used = kernel_sum(np.array([[0.0, 0.0]]), np.array([1.0]),
    ...                           first_node=(0.0, 0.0), spacing=10.0, shape=(3, 3),
    ...                           bandwidth=20.0, kernel="quartic", method="direct")
    >>> round(float(values[0, 1] / values[0, 0]), 4)  # (1 - 0.25)^2
    0.5625
    """
    ratio = bandwidth / spacing
    fx, fy = _node_coordinates(xy, first_node, spacing)
    w = np.asarray(weights, dtype=float)
    if method == "auto":
        method = choose_method(len(fx), shape, ratio, kernel)
    if method == "binned" and kernel == "gaussian" and gaussian_terms(ratio) > MAX_GAUSSIAN_DEGREE:
        method = "direct"  # bandwidth under about a cell: the expansion is too long
    if method == "direct":
        out = _direct(fx, fy, w, shape, ratio, bandwidth, kernel)
    elif method == "binned":
        # The expansions hold for points within half a spacing of their nearest node;
        # any farther out are summed exactly.
        near = (fx >= -0.5) & (fx <= shape[1] - 0.5) & (fy >= -0.5) & (fy <= shape[0] - 0.5)
        if not near.all():
            out = _direct(fx[~near], fy[~near], w[~near], shape, ratio, bandwidth, kernel)
            fx, fy, w = fx[near], fy[near], w[near]
        else:
            out = np.zeros(shape)
        if fx.size and kernel == "quartic":
            out += binned_quartic(fx, fy, w, shape, ratio, bandwidth)
        elif fx.size:
            out += binned_gaussian(fx, fy, w, shape, ratio, bandwidth, gaussian_terms(ratio))
    else:
        out = _linear(fx, fy, w, shape, ratio, bandwidth, kernel)
    # FFT round-off can leave tiny negative values where the true sum is zero or tiny.
    return np.maximum(out, 0.0), method
