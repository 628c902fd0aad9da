"""The cell-key method: consistent noise on counts, so overlapping tables cannot be subtracted.

Suppressing counts from 1 to k-1 protects one table. It does not stop someone asking two
overlapping questions and subtracting: Newport's A&E assaults for January to June (12)
minus January to May (9) gives June's 3, a count never shown. National statistics
offices answer this with the *cell-key method* (the Australian Bureau of Statistics'
TableBuilder, Thompson, Broadfoot and Elazar 2013; the ONS for Census 2021 tables):

1. every record gets a **record key** when it is stored: a whole number from 0 to 255
   drawn at random and never shown to anyone;
2. a cell of a table (the records it counts) gets a **cell key**: the sum of its
   records' keys, modulo 256. The same records always give the same cell key, and a cell
   that differs from another by even one record has a cell key that is independent of
   the other's (the extra records' keys are uniform and unknown);
3. a fixed **perturbation table** (ptable) maps the count and the cell key to a small
   whole number that is added to the count before it is published.

So a cell asked twice, or through two routes (a council as a row of its region's table,
or on its own), is published with the same value; but two overlapping cells get
independent noise, and their difference is the count between them *plus the difference
of two noises*, which does not say whether that count is small.

The perturbation table (:func:`perturbation_table`) is built here, by a rule anyone can
check, for the smallest count shown ``k`` and the largest noise ``max_noise`` (``D``):

* a count of **0** stays 0 (no records, nothing to protect, nothing invented);
* a count ``n`` from **1 to k-1** is published as **0 or k**: as k for
  ``round(256 n / k)`` of the 256 cell keys, else as 0. That is unbiased rounding to a
  multiple of k (its mean is n, to within k/512 from rounding to whole keys), so no
  published value is ever from 1 to k-1, and a published k or 0 may hide any small count;
* a count ``n >= k`` gets a perturbation from ``-m`` to ``+m``, ``m = min(D, n - k)``,
  each equally likely (the 256 keys shared out as evenly as possible, the keys left
  over given in pairs around zero, so the mean is exactly 0). That is the noise of
  largest entropy on those values; it never takes a count below k, so counts just above
  k get less noise (a count of exactly k is published as it is).

Properties (checked for every count and all 256 cell keys by the tests): zero stays zero;
nothing published is from 1 to k-1; the perturbation is at most ``k - 1`` for counts under
k and at most ``D`` otherwise; the mean perturbation is exactly 0 for counts of k or more
and within k/512 of 0 for smaller ones. With ``D = 3`` a count of k + 3 or more is moved
by -3 to +3 (standard deviation 2), and the difference of two overlapping counts carries
noise from -6 to +6: it equals the true difference only about one time in seven, and
nothing tells which time.

What it does not do: someone who can ask very many *different* overlapping questions
that all differ by the same small set of records (say June, by subtracting January-May
from January-June, then February-May from February-June, ...) gets independent noisy
copies and can average them. Each copy needs a question of its own, and each question of
restricted data is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt

from diogel.analysis.suppression import K  # counts 1 to K-1 are never shown (NHS: 1-4)
from diogel.errors import InputError

#: Record keys and cell keys are whole numbers from 0 to ``KEY_RANGE - 1``.
KEY_RANGE: Final = 256
#: The largest perturbation of a count of k or more (``D``).
MAX_NOISE: Final = 3

__all__ = [
    "KEY_RANGE",
    "MAX_NOISE",
    "PerturbationTable",
    "cell_keys",
    "perturb_counts",
    "perturbation_table",
]


@dataclass(frozen=True)
class PerturbationTable:
    """The perturbation added to a count for each cell key.

    Attributes
    ----------
    k : int
        Counts from 1 to ``k - 1`` are never published.
    max_noise : int
        The largest perturbation of a count of ``k`` or more.
    values : numpy.ndarray
        ``values[n, c]`` is the perturbation of a count ``n`` with cell key ``c``; counts
        beyond the last row use the last row (from ``k + max_noise`` on, all rows agree).
    """

    k: int
    max_noise: int
    values: npt.NDArray[np.int64]

    def perturbation(
        self, counts: npt.ArrayLike, cell_keys: npt.ArrayLike
    ) -> npt.NDArray[np.int64]:
        """The perturbation of each count with its cell key."""
        n = _whole(counts, "counts", 0, None)
        c = _whole(cell_keys, "cell keys", 0, KEY_RANGE - 1)
        if n.shape != c.shape:
            raise InputError(
                f"{n.size} counts but {c.size} cell keys",
                hint="give one cell key for each count",
            )
        row = np.minimum(n, self.values.shape[0] - 1)
        return self.values[row, c]

    def publish(self, counts: npt.ArrayLike, cell_keys: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """The counts as published: each count plus its perturbation.

        Examples
        --------
        >>> t = perturbation_table(5)
        >>> t.publish([0, 0, 3, 3, 5, 20, 20], [0, 255, 0, 255, 17, 0, 255]).tolist()
        [0, 0, 0, 5, 5, 17, 23]
        """
        n = _whole(counts, "counts", 0, None)
        return n + self.perturbation(n, cell_keys)

    def probabilities(self, count: int) -> dict[int, float]:
        """Each perturbation of ``count`` and the share of the 256 cell keys giving it
        (its probability, cell keys being uniform).

        Examples
        --------
        >>> t = perturbation_table(5, 3)
        >>> t.probabilities(0)
        {0: 1.0}
        >>> t.probabilities(2)  # published as 0 or 5, 2 on average
        {-2: 0.6015625, 3: 0.3984375}
        >>> t.probabilities(5)  # exactly k: never below it, so never moved
        {0: 1.0}
        >>> {p: round(s * 256) for p, s in t.probabilities(40).items()}
        {-3: 36, -2: 37, -1: 37, 0: 36, 1: 37, 2: 37, 3: 36}
        """
        row = self.values[min(int(count), self.values.shape[0] - 1)]
        found, times = np.unique(row, return_counts=True)
        return {int(p): float(t) / KEY_RANGE for p, t in zip(found, times, strict=True)}


def _whole(values: npt.ArrayLike, what: str, low: int, high: int | None) -> npt.NDArray[np.int64]:
    array = np.asarray(values)
    if array.size and (
        not np.issubdtype(array.dtype, np.number)
        or np.any(array != np.round(array))
        or np.any(array < low)
        or (high is not None and np.any(array > high))
    ):
        limit = f"from {low} to {high}" if high is not None else f"of {low} or more"
        raise InputError(
            f"{what} must be whole numbers {limit}; received {array.ravel()[:5].tolist()}",
            hint=f"give one whole number {limit} for each cell",
        )
    return array.astype(np.int64)


def _row(n: int, k: int, max_noise: int) -> npt.NDArray[np.int64]:
    """The perturbations of a count ``n``, one per cell key, in increasing order."""
    if n == 0:
        return np.zeros(KEY_RANGE, dtype=np.int64)
    if n < k:
        up = int(np.floor(KEY_RANGE * n / k + 0.5))  # keys published as k; the rest as 0
        return np.repeat(np.array([-n, k - n], dtype=np.int64), [KEY_RANGE - up, up])
    m = min(max_noise, n - k)
    width = 2 * m + 1
    sizes = np.full(width, KEY_RANGE // width)
    extra = KEY_RANGE % width  # < width, so at most m pairs
    if extra % 2:
        sizes[m] += 1
    for i in range(1, extra // 2 + 1):
        sizes[m - i] += 1
        sizes[m + i] += 1
    return np.repeat(np.arange(-m, m + 1, dtype=np.int64), sizes)


@lru_cache(maxsize=32)
def perturbation_table(k: int = K, max_noise: int = MAX_NOISE) -> PerturbationTable:
    """The perturbation table for a smallest published count ``k`` (see the module).

    Parameters
    ----------
    k : int, default 5
        Counts from 1 to ``k - 1`` are published as 0 or ``k``.
    max_noise : int, default 3
        The largest perturbation of a count of ``k`` or more.

    Returns
    -------
    PerturbationTable

    Examples
    --------
    >>> t = perturbation_table(5, 3)
    >>> t.values.shape  # counts 0 to 8; larger counts use the last row
    (9, 256)
    >>> sorted({int(n + p) for n in range(1, 5) for p in t.values[n]})
    [0, 5]
    """
    for name, value, low in (("k", k, 1), ("max_noise", max_noise, 0)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
            raise InputError(
                f"{name} must be a whole number >= {low}; received {value!r}",
                hint="use k = 5 (NHS guidance) and max_noise = 3",
            )
    if k > KEY_RANGE // 2:
        raise InputError(
            f"k must be at most {KEY_RANGE // 2}; received {k}",
            hint="256 cell keys cannot round counts that small to multiples of a larger k",
        )
    rows = [_row(n, int(k), int(max_noise)) for n in range(k + max_noise + 1)]
    values = np.vstack(rows)
    values.setflags(write=False)
    return PerturbationTable(int(k), int(max_noise), values)


def cell_keys(key_sums: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Cell keys from the sums of the record keys of each cell (modulo 256).

    Examples
    --------
    >>> cell_keys([0, 255, 256, 1000]).tolist()
    [0, 255, 0, 232]
    """
    return _whole(key_sums, "record key sums", 0, None) % KEY_RANGE


def perturb_counts(
    counts: npt.ArrayLike, key_sums: npt.ArrayLike, *, k: int = K, max_noise: int = MAX_NOISE
) -> npt.NDArray[np.int64]:
    """Counts as published under the cell-key method, from each cell's count and the sum
    of its records' keys.

    Examples
    --------
    >>> perturb_counts([0, 1, 1, 12, 12], [0, 3, 254, 40, 700]).tolist()  # 700: cell key 188
    [0, 0, 5, 10, 14]
    """
    return perturbation_table(k, max_noise).publish(counts, cell_keys(key_sums))
