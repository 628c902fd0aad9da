"""Kernel sums of points at the nodes of a regular grid: exact, moment-binned FFT, linear-binned FFT.

Three evaluators of ``f(g) = sum_p w_p K(g - p)`` at every grid node ``g``:

``direct``
    Each point adds the exact kernel value to every node within the kernel's reach
    (a fixed stencil of node offsets). Exact; costs points x stencil size, so it is the
    choice when the bandwidth spans few cells.
``binned``
    Each point is assigned to its nearest node with its offset ``u`` (at most half a
    cell each way). The kernel at ``o - u`` is expanded around the node offset ``o``
    and the sum becomes a few convolutions of per-node *moment* grids, done by FFT:

    - quartic: ``(1 - |o - u|^2 / h^2)^2`` is a polynomial, so nine moment grids make the
      expansion exact for every (point, node) pair on the same side of the support
      circle; the pairs whose side differs from that of their bin's node (a thin ring)
      are corrected exactly, point by point.
    - Gaussian: the Hermite (Taylor) expansion
      ``phi(t - v) = phi(t) sum_a v^a He_a(t) / a!`` in each axis, truncated at total
      degree ``k``, with ``k`` chosen from a bound on the remainder so that each point's
      error is below ``GAUSSIAN_TERM_TOLERANCE`` of the kernel's peak.

    Accurate to about 1e-7 of the maximum (tests check 1e-6 against exact sums).
``linear``
    Linear binning onto the nodes then one FFT convolution, as KDEpy's ``FFTKDE`` does.
    Fastest, but the binning error is up to about ``(cell / bandwidth)^2`` of the peak for
    the quartic (a quarter of that for the Gaussian).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
from scipy import fft, sparse
from scipy.special import eval_hermitenorm

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
#: The Gaussian is cut off this many standard deviations out, where it has fallen to
#: 1e-9 of its peak (``exp(-6.44**2 / 2)``).
GAUSSIAN_CUTOFF = 6.44
#: Bound on the error each point may contribute in the binned Gaussian, relative to the
#: kernel's peak; the number of Hermite terms is chosen to meet it. The bound is loose:
#: with points placed at cell corners (the worst case) the error measured against exact
#: sums stays below 1e-7 of the maximum.
GAUSSIAN_TERM_TOLERANCE = 1e-6
#: Longest Hermite expansion the binned Gaussian will use (bandwidths under about a
#: cell need more; the exact sum is then cheap anyway).
MAX_GAUSSIAN_DEGREE = 20
#: Cramér's bound: ``|He_n(x)| exp(-x^2 / 4) <= CRAMER * sqrt(n!)``.
_CRAMER = 1.0865
#: Pairs of (point, node) handled at once by the point-by-point loops.
_CHUNK_PAIRS = 1_000_000
#: Rough cost, in nanoseconds, of one (point, node) pair evaluated point by point, of
#: one moment value binned, of one FFT butterfly and of one kernel row of the quartic's
#: ring correction for one point; used only to choose a method.
_NS_PER_PAIR = 25.0
_NS_PER_MOMENT = 6.0
_NS_PER_FFT_UNIT = 1.2
_NS_PER_RING_ROW = 50.0


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


@functools.lru_cache(maxsize=256)
def _degree_sum(n: int) -> float:
    return sum(1.0 / math.sqrt(math.factorial(a) * math.factorial(n - a)) for a in range(n + 1))


@functools.lru_cache(maxsize=1024)
def gaussian_terms(ratio: float, tolerance: float = GAUSSIAN_TERM_TOLERANCE) -> int:
    """Total Hermite degree ``k`` needed when the bandwidth is ``ratio`` cells.

    Bounds the remainder of the expansion with Cramér's inequality: for offsets of at
    most ``rho = 1 / (2 ratio)`` bandwidths per axis, the dropped terms of total degree
    ``n`` add at most ``CRAMER^2 rho^n sum_a 1 / sqrt(a! (n - a)!)`` of the peak.

    Examples
    --------
    >>> gaussian_terms(3.0), gaussian_terms(10.0)
    (7, 4)
    """
    rho = 0.5 / ratio
    if rho >= 0.75:
        return 10_000  # the series converges too slowly: the binned method is not for this
    for k in range(0, 60):
        tail = sum(rho**n * _degree_sum(n) for n in range(k + 1, k + 40))
        if _CRAMER**2 * tail <= tolerance:
            return k
    return 10_000  # pragma: no cover - unreachable for rho < 0.75


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


def _assignment(flat: np.ndarray, w: np.ndarray, size: int) -> sparse.csr_matrix:
    """Sparse (node x point) matrix of point weights: ``A @ f`` sums ``w * f`` per node.

    One sparse product per moment is several times faster than ``np.bincount`` with
    weights, whose scattered writes miss the cache.
    """
    return sparse.csr_matrix((w, (flat, np.arange(flat.size))), shape=(size, flat.size))


def _bin_nearest(
    fx: np.ndarray, fy: np.ndarray, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n_rows, n_cols = shape
    base_i = np.clip(np.floor(fy + 0.5), 0, n_rows - 1).astype(np.intp)
    base_j = np.clip(np.floor(fx + 0.5), 0, n_cols - 1).astype(np.intp)
    flat = base_i * n_cols + base_j
    return base_i, base_j, flat, fx - base_j, fy - base_i


def _binned_quartic(
    fx: np.ndarray,
    fy: np.ndarray,
    w: np.ndarray,
    shape: tuple[int, int],
    ratio: float,
    bandwidth: float,
) -> np.ndarray:
    size = shape[0] * shape[1]
    base_i, base_j, flat, ux, uy = _bin_nearest(fx, fy, shape)
    ux = ux / ratio  # offsets in bandwidths
    uy = uy / ratio
    u2 = ux * ux + uy * uy
    factors = np.column_stack(
        [np.ones_like(ux), ux, uy, ux * ux, ux * uy, uy * uy, ux * u2, uy * u2, u2 * u2]
    )
    assignment = _assignment(flat, w, size)
    moments = [(assignment @ factors[:, t]).reshape(shape) for t in range(factors.shape[1])]
    half = min(math.ceil(ratio), max(shape))
    offsets = np.arange(-half, half + 1) / ratio
    oy, ox = np.meshgrid(offsets, offsets, indexing="ij")
    o2 = ox * ox + oy * oy
    disc = (o2 < 1.0).astype(float) * 3.0 / (math.pi * bandwidth * bandwidth)
    a = 1.0 - o2
    kernels = [
        a * a,
        4 * a * ox,
        4 * a * oy,
        -2 * a + 4 * ox * ox,
        8 * ox * oy,
        -2 * a + 4 * oy * oy,
        -4 * ox,
        -4 * oy,
        np.ones_like(a),
    ]
    out = _convolve_sum(moments, [k * disc for k in kernels], half)
    _ring_correction(out, fx, fy, w, base_i, base_j, ratio, bandwidth)
    return out


def _ring_correction(
    out: np.ndarray,
    fx: np.ndarray,
    fy: np.ndarray,
    w: np.ndarray,
    base_i: np.ndarray,
    base_j: np.ndarray,
    ratio: float,
    bandwidth: float,
) -> None:
    """Fix the binned quartic where a point and its bin node fall on different sides.

    The moment convolution gives each node ``g`` the polynomial ``P(g - p)`` for every
    point whose *bin node* ``c`` is within the radius of ``g``; the true kernel needs
    ``P(g - p)`` when the *point* is. Row by row, the nodes within the radius of ``c``
    and of ``p`` are two integer intervals of columns; the nodes in one but not the other
    (at most two short intervals each way) get ``+P`` or ``-P``. This touches only the
    pairs that differ, about four per point per row of the kernel.
    """
    n_rows, n_cols = out.shape
    radius2 = ratio * ratio
    reach = math.ceil(ratio) + 1
    row_offsets = np.arange(-reach, reach + 1)
    room = radius2 - row_offsets.astype(float) ** 2
    half = np.where(room > 0, np.ceil(np.sqrt(np.clip(room, 0, None))) - 1, -1).astype(np.intp)
    # node interval per row offset, an empty one written [0, -1]
    node_lo = np.where(half >= 0, -half, 0)
    node_hi = np.where(half >= 0, half, -1)
    peak = 3.0 / (math.pi * bandwidth * bandwidth)
    ux = fx - base_j
    uy = fy - base_i
    targets: list[np.ndarray] = []
    values: list[np.ndarray] = []
    # One kernel row at a time keeps the temporaries (one value per point) in cache.
    for k, di in enumerate(row_offsets):
        dy = di - uy
        left = radius2 - dy * dy
        inside = left > 0
        width = np.sqrt(np.where(inside, left, 0.0))
        point_lo = np.where(inside, np.floor(ux - width) + 1, 0).astype(np.intp)
        point_hi = np.where(inside, np.ceil(ux + width) - 1, -1).astype(np.intp)
        n_lo, n_hi = int(node_lo[k]), int(node_hi[k])
        pieces = (
            (point_lo, np.minimum(point_hi, n_lo - 1), 1.0),
            (np.maximum(point_lo, n_hi + 1), point_hi, 1.0),
            (np.full_like(point_lo, n_lo), np.minimum(n_hi, point_lo - 1), -1.0),
            (np.maximum(n_lo, point_hi + 1), np.full_like(point_hi, n_hi), -1.0),
        )
        for lo, hi, sign in pieces:
            length = hi - lo + 1
            which = np.flatnonzero(length > 0)
            if which.size == 0:
                continue
            counts = length[which]
            if int(counts.max()) == 1:
                dj = lo[which]
            else:
                step = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
                which = np.repeat(which, counts)
                dj = lo[which] + step
            node_row = base_i[which] + di
            node_col = base_j[which] + dj
            keep = (node_row >= 0) & (node_row < n_rows) & (node_col >= 0) & (node_col < n_cols)
            t2 = ((dj - ux[which]) ** 2 + dy[which] ** 2) / radius2
            value = sign * peak * w[which] * (1.0 - t2) ** 2
            targets.append(node_row[keep] * n_cols + node_col[keep])
            values.append(value[keep])
    if targets:
        flat = np.bincount(
            np.concatenate(targets), weights=np.concatenate(values), minlength=out.size
        )
        out += flat.reshape(out.shape)


def _binned_gaussian(
    fx: np.ndarray,
    fy: np.ndarray,
    w: np.ndarray,
    shape: tuple[int, int],
    ratio: float,
    bandwidth: float,
    degree: int,
) -> np.ndarray:
    n_rows, n_cols = shape
    size = n_rows * n_cols
    _, _, flat, ux, uy = _bin_nearest(fx, fy, shape)
    ux = ux / ratio
    uy = uy / ratio
    half = min(math.ceil(GAUSSIAN_CUTOFF * ratio), max(shape))
    t = np.arange(-half, half + 1) / ratio
    phi = np.exp(-0.5 * t * t)
    hermite = np.array([eval_hermitenorm(a, t) * phi for a in range(degree + 1)])
    n_y = fft.next_fast_len(n_rows + 2 * half)
    n_x = fft.next_fast_len(n_cols + 2 * half, real=True)
    # The kernel of term (a, b) is hermite[b] (down the rows) times hermite[a] (along the
    # rows), so its spectrum is an outer product of 1-D spectra, and the sum over a can
    # be taken between the transform along x and the one along y.
    spectra_x = fft.rfft(hermite, n=n_x, axis=1)
    spectra_y = fft.fft(hermite / (2.0 * math.pi * bandwidth * bandwidth), n=n_y, axis=1)
    # ux^a / a! and uy^b / b!, one row per power, so each term's factors are contiguous.
    x_factor = np.ones((degree + 1, ux.size))
    y_factor = np.ones((degree + 1, uy.size))
    for a in range(1, degree + 1):
        x_factor[a] = x_factor[a - 1] * ux / a
        y_factor[a] = y_factor[a - 1] * uy / a
    assignment = _assignment(flat, w, size)
    total = np.zeros((n_y, n_x // 2 + 1), dtype=complex)
    padded = np.zeros((degree + 1, n_rows, n_x))
    summed = np.zeros((n_y, n_x // 2 + 1), dtype=complex)
    for b in range(degree + 1):
        terms = degree + 1 - b
        for a in range(terms):
            factor = x_factor[a] * y_factor[b]
            padded[a, :, :n_cols] = (assignment @ factor).reshape(shape)
        along_x = fft.rfft(padded[:terms], axis=2, workers=-1)
        summed[:n_rows] = np.einsum("arc,ac->rc", along_x, spectra_x[:terms])
        total += fft.fft(summed, axis=0, workers=-1) * spectra_y[b][:, None]
    full = fft.irfft2(total, s=(n_y, n_x), workers=-1)
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
    rows = shape[0] + 2 * half
    cols = shape[1] + 2 * half
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
        terms = 9
        per_point = terms * _NS_PER_MOMENT + (2 * ratio + 3) * _NS_PER_RING_ROW
        half = math.ceil(ratio)
    else:
        degree = gaussian_terms(ratio)
        if degree > MAX_GAUSSIAN_DEGREE:
            return "direct"
        terms = (degree + 1) * (degree + 2) // 2
        per_point = terms * _NS_PER_MOMENT
        half = math.ceil(GAUSSIAN_CUTOFF * ratio)
    binned = n_points * per_point + (terms + 2) * _fft_units(shape, half) * _NS_PER_FFT_UNIT
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
    if method == "direct":
        out = _direct(fx, fy, w, shape, ratio, bandwidth, kernel)
    elif method == "binned":
        if kernel == "quartic":
            out = _binned_quartic(fx, fy, w, shape, ratio, bandwidth)
        elif gaussian_terms(ratio) <= MAX_GAUSSIAN_DEGREE:
            out = _binned_gaussian(fx, fy, w, shape, ratio, bandwidth, gaussian_terms(ratio))
        else:  # bandwidth under about a cell: the expansion is too long, sum exactly
            method = "direct"
            out = _direct(fx, fy, w, shape, ratio, bandwidth, kernel)
    else:
        out = _linear(fx, fy, w, shape, ratio, bandwidth, kernel)
    # FFT round-off can leave tiny negative values where the true sum is zero or tiny.
    return np.maximum(out, 0.0), method
