"""Moment-binned kernel sums on a grid by FFT: the quartic with an exact ring correction, and the Gaussian.

Each point is assigned to its nearest node with its offset ``u`` (at most half a cell
each way). The kernel at ``o - u`` is expanded around the node offset ``o``, so the sum
over points becomes a few convolutions of per-node *moment* grids with fixed kernels.
Every moment grid and every kernel is transformed once; the products are summed in the
frequency domain and one inverse transform gives the sums at all nodes.

- Quartic: ``(1 - |o - u|^2 / h^2)^2`` is a polynomial, so nine moment grids make the
  expansion exact for every (point, node) pair on the same side of the support circle
  as the (bin node, node) pair. The pairs on different sides lie in a thin ring; they are
  corrected exactly, point by point (`diogel.analysis.hotspots_ring`).
- Gaussian: the Hermite (Taylor) expansion ``phi(t - v) = phi(t) sum_a v^a He_a(t) / a!``
  in each axis, truncated at total degree ``k``. `gaussian_terms` chooses ``k`` from a
  bound on the remainder. The kernels are separable, so the transforms along x are
  summed over the x-powers before the transforms along y.

The transforms cover only the rows and columns that hold points (plus the kernel's
reach), and the arrays are made one term at a time: on small machines, touching fresh
memory costs more than the arithmetic.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import fft
from scipy.special import eval_hermitenorm

from diogel.analysis import hotspots_ring

__all__ = [
    "GAUSSIAN_CUTOFF",
    "GAUSSIAN_TERM_TOLERANCE",
    "MAX_GAUSSIAN_DEGREE",
    "binned_gaussian",
    "binned_quartic",
    "gaussian_terms",
]

#: The Gaussian is cut off this many standard deviations out, where it has fallen to
#: 1e-9 of its peak (``exp(-6.44**2 / 2)``).
GAUSSIAN_CUTOFF = 6.44
#: Bound on the error each point may contribute in the binned Gaussian, relative to the
#: kernel's peak; the number of Hermite terms is chosen to meet it. The bound falls off
#: with distance like a Gaussian of sqrt(2) times the bandwidth (see `gaussian_terms`),
#: so the error at any node is at most twice this times the largest kernel sum (up to
#: the shift of points to their nodes): within 1e-6 of the maximum. It is loose: with
#: points at cell corners (the worst case) the error measured stays below 1e-7.
GAUSSIAN_TERM_TOLERANCE = 5e-7
#: Longest Hermite expansion the binned Gaussian will use (bandwidths under about a
#: cell need more; the exact sum is then cheap anyway).
MAX_GAUSSIAN_DEGREE = 20
#: Cramér's bound: ``|He_n(x)| exp(-x^2 / 4) <= CRAMER * sqrt(n!)``.
_CRAMER = 1.0865
#: Threads for the large transforms (scipy.fft ``workers``).
WORKERS = 1


@functools.lru_cache(maxsize=256)
def _degree_sum(n: int) -> float:
    return sum(1.0 / math.sqrt(math.factorial(a) * math.factorial(n - a)) for a in range(n + 1))


@functools.lru_cache(maxsize=1024)
def gaussian_terms(ratio: float, tolerance: float = GAUSSIAN_TERM_TOLERANCE) -> int:
    """Total Hermite degree ``k`` needed when the bandwidth is ``ratio`` cells.

    Bounds the remainder of the expansion with Cramér's inequality: for offsets of at
    most ``rho = 1 / (2 ratio)`` bandwidths per axis, the dropped terms of total degree
    ``n`` add at most ``CRAMER^2 rho^n sum_a 1 / sqrt(a! (n - a)!)`` of the peak, times
    ``exp(-|t|^2 / 4)`` at ``t`` bandwidths from the point's node.

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


@dataclass(frozen=True)
class Axis:
    """One axis of the periodic transforms.

    The moment grids hold nodes ``first .. first + count - 1`` (those with points); the
    kernel has offsets ``-half .. half``. Sums are kept for offsets ``lo .. hi - 1`` from
    ``first`` (nodes of the grid the kernel reaches), and ``size`` is long enough that
    nothing wraps onto them.
    """

    first: int
    count: int
    half: int
    lo: int
    hi: int
    size: int

    @classmethod
    def make(cls, n: int, first: int, last: int, reach: int, *, real: bool = False) -> Axis:
        """Axis of ``n`` nodes, points at nodes ``first .. last``, kernel ``reach`` nodes.

        Examples
        --------
        >>> Axis.make(256, 0, 255, 43).size  # 256 + 43, rounded up to a fast length
        300
        >>> axis = Axis.make(256, 1, 193, 43)
        >>> axis.lo, axis.hi, axis.size
        (-1, 236, 280)
        """
        half = min(reach, n - 1)
        count = last - first + 1
        lo = max(-half, -first)
        hi = min(count + half, n - first)
        # An output at offset y gets, from size away, the sums meant for y +- size; both
        # must fall outside the span -half .. count + half - 1 that holds any sum.
        need = max(count + half - lo, hi + half, 2 * half + 1)
        return cls(first, count, half, lo, hi, int(fft.next_fast_len(need, real=real)))

    def periodic(self, values: np.ndarray) -> np.ndarray:
        """Kernel values at offsets ``-half..half`` (last axis), stored periodically."""
        out = np.zeros((*values.shape[:-1], self.size), dtype=values.dtype)
        out[..., : self.half + 1] = values[..., self.half :]
        if self.half:
            out[..., self.size - self.half :] = values[..., : self.half]
        return out

    def kept(self) -> np.ndarray:
        """Positions in the periodic result of the sums kept, in node order."""
        return np.arange(self.lo, self.hi) % self.size


def bin_nearest(
    fx: np.ndarray, fy: np.ndarray, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Row and column of each point's nearest node, and its offset from it (node spacings)."""
    n_rows, n_cols = shape
    row = np.clip(np.floor(fy + 0.5), 0, n_rows - 1)
    col = np.clip(np.floor(fx + 0.5), 0, n_cols - 1)
    return row.astype(np.intp), col.astype(np.intp), fx - col, fy - row


@dataclass(frozen=True)
class _Frame:
    """Both axes, and each point's flat index among the moment grid's nodes."""

    y: Axis
    x: Axis
    flat: np.ndarray

    @classmethod
    def make(
        cls,
        row: np.ndarray,
        col: np.ndarray,
        shape: tuple[int, int],
        reach: int,
    ) -> _Frame:
        y = Axis.make(shape[0], int(row.min()), int(row.max()), reach)
        x = Axis.make(shape[1], int(col.min()), int(col.max()), reach, real=True)
        # Rows already as long as the transform along x: no copy to pad them.
        return cls(y, x, (row - y.first) * x.size + (col - x.first))

    def moment(self, weights: np.ndarray) -> np.ndarray:
        """Spectrum along x of the sum of ``weights`` over the points of each node."""
        grid = np.bincount(self.flat, weights=weights, minlength=self.y.count * self.x.size)
        return fft.rfft(grid.reshape(self.y.count, self.x.size), axis=1, workers=WORKERS)

    def inverse(self, total: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
        """The sums at all nodes from their spectrum (full along y, half along x)."""
        rows = fft.ifft(total, axis=0, workers=WORKERS)[self.y.kept()]
        sums = fft.irfft(rows, n=self.x.size, axis=1, workers=WORKERS)[:, self.x.kept()]
        out = np.zeros(shape)
        out[
            self.y.first + self.y.lo : self.y.first + self.y.hi,
            self.x.first + self.x.lo : self.x.first + self.x.hi,
        ] = sums
        return out


# --------------------------------------------------------------------------------------
# Quartic
# --------------------------------------------------------------------------------------


def _quartic_factors(vx: np.ndarray, vy: np.ndarray, w: np.ndarray) -> Iterator[np.ndarray]:
    """The weighted powers of the offsets ``v`` (in bandwidths) that go with each term of
    `_quartic_kernels`, one at a time in one reused array."""
    m = vx * vx
    m += vy * vy
    out = np.empty_like(vx)
    for first, second in ((None, None), (vx, None), (vy, None), (vx, vx), (vx, vy), (vy, vy)):
        np.copyto(out, w)
        if first is not None:
            out *= first
        if second is not None:
            out *= second
        yield out
    for first, second in ((vx, m), (vy, m), (m, m)):
        np.multiply(w, first, out=out)
        out *= second
        yield out


def _quartic_kernels(ox: np.ndarray, oy: np.ndarray) -> list[np.ndarray]:
    """``(1 - |o - v|^2)^2 = sum_t factor_t(v) kernel_t(o)``, node offsets ``o`` in bandwidths."""
    a = 1.0 - ox * ox - oy * oy
    return [
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


#: Parity in (x, y) of each of `_quartic_kernels` (1 for odd).
_PARITY = ((0, 0), (1, 0), (0, 1), (0, 0), (1, 1), (0, 0), (1, 0), (0, 1), (0, 0))


def binned_quartic(
    fx: np.ndarray,
    fy: np.ndarray,
    w: np.ndarray,
    shape: tuple[int, int],
    ratio: float,
    bandwidth: float,
) -> np.ndarray:
    """Quartic kernel sums (per m²) at the nodes, exact up to rounding.

    ``fx``, ``fy`` are point coordinates in node units (node ``(i, j)`` at ``(j, i)``);
    ``ratio`` is the radius in node spacings. Points must lie within half a spacing of
    the nodes' extent.
    """
    row, col, ux, uy = bin_nearest(fx, fy, shape)
    frame = _Frame.make(row, col, shape, math.ceil(ratio))
    peak = 3.0 / (math.pi * bandwidth * bandwidth)
    # The ring correction runs beside the transforms, on a second thread.
    ring = hotspots_ring.pool().submit(
        hotspots_ring.ring_correction, shape, row, col, ux, uy, w, ratio, peak
    )
    factors = _quartic_factors(ux / ratio, uy / ratio, w)
    iy, ix = np.meshgrid(
        np.arange(-frame.y.half, frame.y.half + 1),
        np.arange(-frame.x.half, frame.x.half + 1),
        indexing="ij",
    )
    # The same test as the ring correction's, in the same arithmetic.
    disc = (ix * ix + iy * iy < ratio * ratio) * peak
    kernels = np.array(_quartic_kernels(ix / ratio, iy / ratio))
    kernels *= disc
    # The spectrum of kernel t is i^(p + q) times a real array, even (q = 0) or odd
    # (q = 1) in the y frequency, (p, q) its parity: `_half_spectra` gives that array
    # for y frequencies 0 .. size // 2; the rest are its mirror image, negated when odd,
    # that is with phase i^(p + 3 q). The products are summed per phase and the phases
    # applied once at the end.
    halves = _half_spectra(kernels, frame)
    n_y = frame.y.size
    low, mirror = slice(0, n_y // 2 + 1), slice((n_y + 1) // 2 - 1, 0, -1)
    # sums of the products with phase +-1 and with phase +-i
    real_phase = np.zeros((n_y, frame.x.size // 2 + 1), dtype=complex)
    imaginary_phase = np.zeros_like(real_phase)
    # One term at a time keeps the arrays small.
    for t, factor in enumerate(factors):
        spectrum = fft.fft(frame.moment(factor), n=n_y, axis=0, workers=WORKERS)
        spectrum[low] *= halves[t]
        spectrum[low.stop :] *= halves[t][mirror]
        p, q = _PARITY[t]
        for rows, phase in ((low, p + q), (slice(low.stop, None), p + 3 * q)):
            into = real_phase if phase % 2 == 0 else imaginary_phase
            if phase % 4 < 2:
                into[rows] += spectrum[rows]
            else:
                into[rows] -= spectrum[rows]
    imaginary_phase *= 1j
    real_phase += imaginary_phase
    out = frame.inverse(real_phase, shape)
    out += ring.result()
    return out


def _half_spectra(kernels: np.ndarray, frame: _Frame) -> list[np.ndarray]:
    """For each of `_quartic_kernels` (times the disc), the real array ``A`` with its
    spectrum ``i^(p + q) A`` (``(p, q)`` its parity), for y frequencies
    ``0 .. size // 2`` and x frequencies ``0 .. size // 2``.

    Even or odd in x, a kernel's transform along x is real or imaginary, so the
    transform along y is one of real values (half the work).
    """
    along_x = fft.rfft(frame.x.periodic(kernels), axis=2)
    out = []
    for t, (p, q) in enumerate(_PARITY):
        part = along_x[t].imag if p else along_x[t].real
        half = fft.rfft(frame.y.periodic(part.T), axis=1)
        out.append(np.ascontiguousarray((half.imag if q else half.real).T))
    return out


# --------------------------------------------------------------------------------------
# Gaussian
# --------------------------------------------------------------------------------------


def binned_gaussian(
    fx: np.ndarray,
    fy: np.ndarray,
    w: np.ndarray,
    shape: tuple[int, int],
    ratio: float,
    bandwidth: float,
    degree: int,
) -> np.ndarray:
    """Gaussian kernel sums (per m²) at the nodes by a Hermite expansion of total ``degree``.

    ``ratio`` is the standard deviation in node spacings; see `binned_quartic` for the
    coordinates.
    """
    row, col, ux, uy = bin_nearest(fx, fy, shape)
    frame = _Frame.make(row, col, shape, math.ceil(GAUSSIAN_CUTOFF * ratio))
    ux /= ratio
    uy /= ratio

    def hermite(axis: Axis) -> np.ndarray:
        t = np.arange(-axis.half, axis.half + 1) / ratio
        phi = np.exp(-0.5 * t * t)
        return axis.periodic(np.array([eval_hermitenorm(a, t) * phi for a in range(degree + 1)]))

    # The kernel of term (a, b) is hermite[b] (down the rows) times hermite[a] (along the
    # rows), so its spectrum is an outer product of 1-D spectra, and the sum over a can
    # be taken between the transform along x and the one along y.
    spectra_x = fft.rfft(hermite(frame.x), axis=1)
    spectra_y = fft.fft(hermite(frame.y) / (2.0 * math.pi * bandwidth * bandwidth), axis=1)
    # ux^a / a!, one row per power
    x_factor = np.ones((degree + 1, ux.size))
    for a in range(1, degree + 1):
        np.multiply(x_factor[a - 1], ux / a, out=x_factor[a])
    y_factor = np.asarray(w, dtype=float)  # w uy^b / b!
    factor = np.empty_like(y_factor)
    total = np.zeros((frame.y.size, frame.x.size // 2 + 1), dtype=complex)
    summed = np.empty((frame.y.count, frame.x.size // 2 + 1), dtype=complex)
    # One term at a time keeps the arrays small.
    for b in range(degree + 1):
        if b:
            y_factor = y_factor * uy / b
        summed[:] = 0.0
        for a in range(degree + 1 - b):
            np.multiply(x_factor[a], y_factor, out=factor)
            along_x = frame.moment(factor)
            along_x *= spectra_x[a]
            summed += along_x
        along_y = fft.fft(summed, n=frame.y.size, axis=0, workers=WORKERS)
        along_y *= spectra_y[b][:, None]
        total += along_y
    return frame.inverse(total, shape)
