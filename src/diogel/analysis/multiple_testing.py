"""Adjusting p-values for many tests at once: Benjamini–Hochberg (FDR) and Holm (FWER)."""

from __future__ import annotations

from typing import Any

import numpy as np

from diogel.errors import InputError

__all__ = ["adjust_bh", "adjust_bh_holm", "adjust_holm", "adjust_p_values"]


def _as_p_values(p_values: Any, name: str) -> np.ndarray:
    try:
        p = np.array(p_values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            f"{name} must be numbers between 0 and 1; received {type(p_values).__name__}",
            hint="pass an array of p-values (NaN marks a test that was not done)",
        ) from None
    if p.ndim != 1:
        raise InputError(
            f"{name} must be one-dimensional; received shape {p.shape}",
            hint="flatten the array first (e.g. p.ravel()) and reshape the result",
        )
    finite = p[~np.isnan(p)]
    if ((finite < 0) | (finite > 1)).any():
        bad = finite[(finite < 0) | (finite > 1)][0]
        raise InputError(
            f"{name} must lie between 0 and 1; received a value of {bad!r}",
            hint="pass p-values, not test statistics or z-scores",
        )
    return p


def adjust_bh(p_values: Any) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (false discovery rate).

    The adjusted value of the test ranked ``i`` (of ``m``) by p-value is
    ``min over j >= i of m * p_(j) / j``, capped at 1. A test is significant at
    false discovery rate ``q`` when its adjusted value is below ``q``. NaN entries
    (tests not done) stay NaN and do not count towards ``m``.

    Parameters
    ----------
    p_values : array-like of float
        Unadjusted p-values, one per test.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in the input order.

    Examples
    --------
    >>> adjust_bh([0.01, 0.04, 0.03, 0.2])
    array([0.04      , 0.05333333, 0.05333333, 0.2       ])
    >>> adjust_bh([0.01, float("nan"), 0.02])
    array([0.02,  nan, 0.02])
    """
    p = _as_p_values(p_values, "p_values")
    out = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    m = tested.size
    if m == 0:
        return out
    order = np.argsort(p[tested], kind="stable")
    ranked = p[tested][order] * m / np.arange(1, m + 1)
    # Step-up: running minimum from the largest p-value down.
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(ranked, 1.0)
    out[tested] = adjusted
    return out


def adjust_holm(p_values: Any) -> np.ndarray:
    """Holm step-down adjusted p-values (family-wise error rate).

    The adjusted value of the test ranked ``i`` (of ``m``) is
    ``max over j <= i of (m - j + 1) * p_(j)``, capped at 1. Stricter than
    Benjamini–Hochberg; NaN entries stay NaN and do not count towards ``m``.

    Examples
    --------
    >>> adjust_holm([0.01, 0.04, 0.03, 0.2])
    array([0.04, 0.09, 0.09, 0.2 ])
    """
    p = _as_p_values(p_values, "p_values")
    out = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    m = tested.size
    if m == 0:
        return out
    order = np.argsort(p[tested], kind="stable")
    ranked = p[tested][order] * (m - np.arange(m))
    ranked = np.maximum.accumulate(ranked)
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(ranked, 1.0)
    out[tested] = adjusted
    return out


def adjust_bh_holm(p_values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Both `adjust_bh` and `adjust_holm` of the same p-values, sorting them once.

    Examples
    --------
    >>> bh, holm = adjust_bh_holm([0.01, 0.04, 0.03, 0.2])
    >>> bh.round(4).tolist(), holm.round(4).tolist()
    ([0.04, 0.0533, 0.0533, 0.2], [0.04, 0.09, 0.09, 0.2])
    """
    p = _as_p_values(p_values, "p_values")
    bh = np.full(p.shape, np.nan)
    holm = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    m = tested.size
    if m == 0:
        return bh, holm
    values = p[tested]
    # Tied p-values get equal adjusted values in any order, so an unstable sort will do.
    order = np.argsort(values)
    ranked = values[order]
    step_up = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
    step_down = np.maximum.accumulate(ranked * (m - np.arange(m)))
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(step_up, 1.0)
    bh[tested] = adjusted
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(step_down, 1.0)
    holm[tested] = adjusted
    return bh, holm


def adjust_p_values(p_values: Any, method: str = "bh") -> np.ndarray:
    """Adjust p-values with ``method`` ``"bh"`` (Benjamini–Hochberg) or ``"holm"``.

    Examples
    --------
    >>> adjust_p_values([0.01, 0.02], method="holm")
    array([0.02, 0.02])
    """
    if method == "bh":
        return adjust_bh(p_values)
    if method == "holm":
        return adjust_holm(p_values)
    raise InputError(
        f"method must be 'bh' or 'holm'; received {method!r}",
        hint="'bh' controls the false discovery rate, 'holm' the family-wise error rate",
    )
