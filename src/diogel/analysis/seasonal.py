"""Seasonality of a monthly series: STL decomposition and the strength of its parts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from diogel.analysis.trends import (
    MIN_MONTHS_FOR_DECOMPOSITION,
    SEASONAL_PERIOD,
    as_monthly_series,
)
from diogel.errors import ConfigError, InputError


@dataclass(frozen=True)
class Decomposition:
    """An STL decomposition of a monthly series.

    Attributes
    ----------
    components : pandas.DataFrame
        Indexed by month; columns ``observed``, ``trend``, ``seasonal``, ``resid``.
    seasonal_strength : float
        ``max(0, 1 - var(resid) / var(seasonal + resid))`` (Wang, Smith & Hyndman 2006):
        0 means no seasonality, values near 1 a strong seasonal pattern.
    trend_strength : float
        ``max(0, 1 - var(resid) / var(trend + resid))``.
    period : int
        The seasonal period (12).
    robust : bool
        Whether robust (outlier-resistant) fitting was used.
    """

    components: pd.DataFrame
    seasonal_strength: float
    trend_strength: float
    period: int
    robust: bool


def seasonal_decomposition(series: Any, *, robust: bool = True) -> Decomposition:
    """Split a monthly series into trend, seasonal pattern and remainder (STL).

    Uses ``statsmodels.tsa.seasonal.STL`` with period 12 and statsmodels' default
    smoothers. Robust fitting (the default) keeps one extreme month, such as the
    April 2020 lockdown, from distorting the seasonal pattern.

    Parameters
    ----------
    series : pandas.Series
        Monthly counts, at least 24 consecutive loaded months (no ``NaN``).
    robust : bool, default True
        Use STL's robust weights.

    Returns
    -------
    Decomposition

    Examples
    --------
    >>> months = pd.period_range("2021-01", periods=36, freq="M")
    >>> seasonal = np.tile([0, 0, 0, 0, 10, 20, 20, 10, 0, 0, 0, 0], 3)
    >>> d = seasonal_decomposition(pd.Series(100 + seasonal, index=months))
    >>> list(d.components.columns)
    ['observed', 'trend', 'seasonal', 'resid']
    >>> d.seasonal_strength > 0.9
    True
    """
    values = as_monthly_series(series)
    if len(values) < MIN_MONTHS_FOR_DECOMPOSITION:
        raise InputError(
            f"series has {len(values)} months; seasonal decomposition needs at least "
            f"{MIN_MONTHS_FOR_DECOMPOSITION} (two full years)",
            hint="choose a longer period, or report the monthly series without seasonality",
        )
    if values.isna().any():
        gaps = values.index[values.isna()]
        raise InputError(
            f"series has {len(gaps)} month(s) with no data loaded, e.g. {gaps[0]}",
            hint="decompose a stretch of consecutive loaded months, or load the missing months",
        )
    try:
        from statsmodels.tsa.seasonal import STL
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigError(
            "seasonal decomposition needs the statsmodels package, which is not installed",
            hint="pip install statsmodels",
        ) from exc
    fit = STL(values.to_numpy(), period=SEASONAL_PERIOD, robust=robust).fit()
    components = pd.DataFrame(
        {
            "observed": values.to_numpy(),
            "trend": np.asarray(fit.trend),
            "seasonal": np.asarray(fit.seasonal),
            "resid": np.asarray(fit.resid),
        },
        index=values.index,
    )
    return Decomposition(
        components=components,
        seasonal_strength=_strength(components["seasonal"], components["resid"]),
        trend_strength=_strength(components["trend"], components["resid"]),
        period=SEASONAL_PERIOD,
        robust=robust,
    )


def _strength(component: pd.Series, resid: pd.Series) -> float:
    total = float(np.var(component.to_numpy() + resid.to_numpy()))
    if total == 0:
        return 0.0
    return max(0.0, 1.0 - float(np.var(resid.to_numpy())) / total)
