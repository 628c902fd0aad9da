"""The Mann–Kendall test for a monotonic trend in equally spaced series."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from diogel.errors import InputError

__all__ = ["MannKendall", "mann_kendall"]


@dataclass(frozen=True, eq=False)
class MannKendall:
    """Mann–Kendall results, one entry per series."""

    s: np.ndarray
    variance: np.ndarray
    z_score: np.ndarray
    p_value: np.ndarray


def mann_kendall(values: Any, *, continuity: bool = True) -> MannKendall:
    """Mann–Kendall trend test of each series (the last axis is time).

    ``S = sum_{i<j} sign(x_j - x_i)``; with tie groups of sizes ``t``,
    ``Var(S) = (n (n - 1) (2n + 5) - sum t (t - 1) (2t + 5)) / 18``;
    ``z = (S - sign(S)) / sqrt(Var(S))`` with the continuity correction (or
    ``S / sqrt(Var(S))`` without); two-sided p-value from the normal distribution.
    A series with no variation gets ``z = 0`` and ``p = 1``.

    Parameters
    ----------
    values : array-like
        One series (1-D) or one per row (2-D), equally spaced in time, no NaN.
    continuity : bool
        Apply the continuity correction (the usual Mann–Kendall form).

    Examples
    --------
    >>> mk = mann_kendall([1.0, 3.0, 2.0, 5.0, 4.0])
    >>> int(mk.s[0]), round(float(mk.variance[0]), 3), round(float(mk.z_score[0]), 4)
    (6, 16.667, 1.2247)
    """
    x = np.array(values, dtype=float)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[1] < 3 or np.isnan(x).any():
        raise InputError(
            f"values must be series of at least 3 numbers without NaN; received shape {x.shape}",
            hint="fill or drop missing time slices first",
        )
    n = x.shape[1]
    s = np.zeros(x.shape[0])
    for i in range(n - 1):
        s += np.sign(x[:, i + 1 :] - x[:, i : i + 1]).sum(axis=1)
    ties = np.zeros(x.shape[0])
    ordered = np.sort(x, axis=1)
    has_ties = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
    for row in np.flatnonzero(has_ties):
        _, sizes = np.unique(ordered[row], return_counts=True)
        ties[row] = float((sizes * (sizes - 1) * (2 * sizes + 5)).sum())
    variance = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    numerator = s - np.sign(s) if continuity else s
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(variance > 0, numerator / np.sqrt(variance), 0.0)
    p = 2.0 * special.ndtr(-np.abs(z))
    return MannKendall(s=s, variance=variance, z_score=z, p_value=p)
