"""Alerts on monthly series: months above the expected range, and months that look incomplete.

Control-chart method (:func:`control_chart_alerts`)
---------------------------------------------------
Each month is compared with a baseline fitted to the ``baseline_months`` months just
before it (a moving baseline, so slow change is absorbed and a month is never judged
against itself). The baseline is a Poisson log-linear model

    log E[count_t] = log(days in month t) + b0 + b1 * t
                     + sum_k (c_k sin(2 pi k m_t / 12) + d_k cos(2 pi k m_t / 12))

with ``m_t`` the calendar month and ``k = 1 .. harmonics``: a linear trend, a smooth
annual cycle, and an offset for month length (February is short, which is not a fall in
crime). Harmonics rather than one effect per calendar month keep the fit stable for
sparse series, where one effect per month would chase noise (or diverge for a month
that was always zero). It is fitted by maximum likelihood (Newton-Raphson), which
equals ``statsmodels`` ``GLM(family=Poisson(), offset=log(days))`` on the same design.

The upper limit is the ``level`` quantile (default 99.8 %, roughly "3 sigma" one-sided)
of the count distribution with that expected value. Crime counts vary more than a
Poisson distribution allows (incidents cluster), so by default the variance is
``phi * expected``, with the dispersion ``phi`` estimated from the baseline's Pearson
residuals (``chi2 / (n - p)``, never below 1), and the limit is the quantile of the
negative binomial with that mean and variance (as in the Farrington family of outbreak
detection methods). With ``overdispersion=False``, or whenever ``phi`` is 1, the limit is
the plain Poisson quantile. A month alerts when its count is above the limit and at
least ``min_count`` (a handful of incidents is not worth a board's attention however
unusual).

Incomplete months (:func:`incomplete_months`)
---------------------------------------------
A month is flagged as likely incomplete (a data problem, not a fall in crime) when its
count is below ``ratio`` (default 50 %) of *each* loaded neighbouring month, and a
count that low would have Poisson probability below ``p_threshold`` (0.001) if the
month were like its neighbours' mean. The first and last months are judged against
their one neighbour: the last month of a download is the one most often incomplete.
The probability guard keeps small series (2, 0, 3) from being flagged by chance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from scipy import stats

from diogel.analysis.trends import as_monthly_series
from diogel.errors import InputError

#: Months in the moving baseline before each month judged.
BASELINE_MONTHS: Final = 36
#: Fewest loaded months in the baseline for a month to be judged.
MIN_BASELINE_MONTHS: Final = 24
#: Quantile of the baseline distribution used as the upper limit (about 3 sigma).
ALERT_LEVEL: Final = 0.998
#: Number of annual harmonics in the seasonal baseline.
HARMONICS: Final = 2
#: Fewest incidents in a month for it to alert.
MIN_ALERT_COUNT: Final = 5
#: A month below this share of each neighbour may be incomplete.
INCOMPLETE_RATIO: Final = 0.5
#: ... and only if a count that low has Poisson probability below this.
INCOMPLETE_P: Final = 0.001

__all__ = [
    "ALERT_LEVEL",
    "BASELINE_MONTHS",
    "HARMONICS",
    "INCOMPLETE_P",
    "INCOMPLETE_RATIO",
    "MIN_ALERT_COUNT",
    "MIN_BASELINE_MONTHS",
    "ControlChart",
    "control_chart_alerts",
    "incomplete_months",
    "seasonal_design",
]


def seasonal_design(months: pd.PeriodIndex, *, harmonics: int, trend: bool) -> np.ndarray:
    """Design matrix of the seasonal baseline: intercept, trend, then sin/cos pairs.

    The trend is in years from the first month, so coefficients are per year.

    Examples
    --------
    >>> X = seasonal_design(pd.period_range("2023-01", periods=3, freq="M"), harmonics=1,
    ...                     trend=True)
    >>> X.shape
    (3, 4)
    """
    ordinal = np.asarray(months.year * 12 + months.month - 1, dtype=float)
    cols = [np.ones(len(months))]
    if trend:
        cols.append((ordinal - ordinal[0]) / 12.0 if len(ordinal) else ordinal)
    month_of_year = np.asarray(months.month, dtype=float)
    for k in range(1, harmonics + 1):
        angle = 2 * np.pi * k * month_of_year / 12.0
        # At k = 6, sin(pi * month) is 0 for every month: only the cosine is identifiable.
        if k < 6:
            cols.append(np.sin(angle))
        cols.append(np.cos(angle))
    return np.column_stack(cols)


def _fit_poisson(
    X: np.ndarray, y: np.ndarray, offset: np.ndarray, *, max_iter: int = 100
) -> np.ndarray | None:
    """Poisson maximum likelihood by Newton-Raphson with step halving.

    Returns the coefficients, or ``None`` when the fit does not converge (for example
    when the likelihood has no finite maximum because of runs of zeros).
    """
    beta = np.zeros(X.shape[1])
    beta[0] = math.log(y.sum() / np.exp(offset).sum())

    def loglik(b: np.ndarray) -> float:
        eta = X @ b + offset
        return float(np.sum(y * eta - np.exp(eta)))

    current = loglik(beta)
    for _ in range(max_iter):
        mu = np.exp(X @ beta + offset)
        grad = X.T @ (y - mu)
        hess = X.T @ (X * mu[:, None])
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            return None
        scale = 1.0
        while True:
            candidate = beta + scale * step
            value = loglik(candidate)
            if value >= current - 1e-12 * abs(current) or scale < 1e-8:
                break
            scale /= 2
        beta, previous, current = candidate, current, value
        if np.max(np.abs(scale * step)) < 1e-10 or abs(current - previous) < 1e-12 * max(
            1.0, abs(current)
        ):
            return beta if np.all(np.isfinite(beta)) and np.max(np.abs(beta[1:])) < 50 else None
    return None


@dataclass(frozen=True)
class ControlChart:
    """Control-chart alerts for a monthly series, with the settings used.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by month: ``count``, ``expected``, ``upper_limit``, ``p_value`` (chance of
        a count at least this high under the baseline), ``dispersion``,
        ``baseline_months_used``, ``model`` (``"seasonal"``, ``"mean"`` when the seasonal
        fit failed, or ``"none"`` when the month could not be judged) and ``alert``.
    level : float
        Quantile used for the upper limit.
    baseline_months : int
        Length of the moving baseline window.
    harmonics : int
        Annual harmonics in the baseline.
    trend : bool
        Whether the baseline has a linear trend.
    overdispersion : bool
        Whether limits allow for extra-Poisson variation.
    min_count : int
        Fewest incidents for an alert.
    """

    table: pd.DataFrame
    level: float
    baseline_months: int
    harmonics: int
    trend: bool
    overdispersion: bool
    min_count: int

    @property
    def alerts(self) -> pd.DataFrame:
        """Only the months that alerted."""
        return self.table[self.table["alert"]]


def _check_int(value: Any, name: str, low: int, hint: str, high: int | None = None) -> int:
    ok = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if not ok or value < low or (high is not None and value > high):
        expected = f">= {low}" if high is None else f"between {low} and {high}"
        raise InputError(f"{name} must be a whole number {expected}; received {value!r}", hint=hint)
    return int(value)


def control_chart_alerts(
    series: Any,
    *,
    baseline_months: int = BASELINE_MONTHS,
    level: float = ALERT_LEVEL,
    harmonics: int = HARMONICS,
    trend: bool = True,
    overdispersion: bool = True,
    min_count: int = MIN_ALERT_COUNT,
) -> ControlChart:
    """Flag months whose count is above the range expected from the months before.

    See the module documentation for the baseline model and the limits.

    Parameters
    ----------
    series : pandas.Series
        Monthly counts indexed by consecutive months; ``NaN`` for months not loaded.
    baseline_months : int, default 36
        Months before each month used to fit its baseline. Months not loaded are left
        out of the fit; a month is judged only if at least 24 baseline months are loaded.
    level : float, default 0.998
        Quantile of the baseline distribution used as the upper limit.
    harmonics : int, default 2
        Annual sine/cosine pairs (0 for no seasonality, up to 6).
    trend : bool, default True
        Include a linear trend in the baseline.
    overdispersion : bool, default True
        Widen limits for extra-Poisson variation (negative binomial quantile with the
        dispersion estimated from the baseline). ``False`` gives plain Poisson limits.
    min_count : int, default 5
        Fewest incidents for a month to alert.

    Returns
    -------
    ControlChart

    Examples
    --------
    Three incidents a day, every day, then a jump in the last month:

    >>> months = pd.period_range("2020-01", periods=40, freq="M")
    >>> counts = pd.Series(3.0 * months.days_in_month, index=months)
    >>> counts.iloc[-1] = 150
    >>> chart = control_chart_alerts(counts, overdispersion=False)
    >>> [str(m) for m in chart.alerts.index]
    ['2023-04']
    >>> row = chart.table.loc["2023-04"]
    >>> round(float(row["expected"]), 6), float(row["upper_limit"])
    (90.0, 118.0)
    """
    values = as_monthly_series(series)
    window = _check_int(
        baseline_months, "baseline_months", MIN_BASELINE_MONTHS, "use 36 (three years)"
    )
    n_harm = _check_int(harmonics, "harmonics", 0, "use 2", high=6)
    floor = _check_int(min_count, "min_count", 0, "use 5")
    if isinstance(level, bool) or not isinstance(level, float | int) or not 0.5 < level < 1:
        raise InputError(
            f"level must be between 0.5 and 1; received {level!r}",
            hint="use 0.998 (about 3 sigma) or 0.95",
        )
    months = pd.PeriodIndex(values.index)
    y_all = values.to_numpy()
    days = np.asarray(months.days_in_month).astype(float)
    X_all = seasonal_design(months, harmonics=n_harm, trend=trend)
    n = len(values)
    out = {
        "expected": np.full(n, np.nan),
        "upper_limit": np.full(n, np.nan),
        "p_value": np.full(n, np.nan),
        "dispersion": np.full(n, np.nan),
        "baseline_months_used": np.zeros(n, dtype=int),
        "model": np.full(n, "none", dtype=object),
    }
    for t in range(n):
        lo = max(0, t - window)
        y = y_all[lo:t]
        use = ~np.isnan(y)
        out["baseline_months_used"][t] = int(use.sum())
        if use.sum() < MIN_BASELINE_MONTHS or np.isnan(y_all[t]):
            continue
        yb, Xb, ob = y[use], X_all[lo:t][use], np.log(days[lo:t][use])
        if yb.sum() == 0:
            mu, phi, model = 0.0, 1.0, "mean"
        else:
            beta = _fit_poisson(Xb, yb, ob)
            if beta is None:
                beta = np.array([math.log(yb.sum() / np.exp(ob).sum())])
                Xb, x_t, model = Xb[:, :1], X_all[t, :1], "mean"
            else:
                x_t, model = X_all[t], "seasonal"
            fitted = np.exp(Xb @ beta + ob)
            mu = float(np.exp(x_t @ beta + math.log(days[t])))
            dof = len(yb) - len(beta)
            pearson = float(np.sum((yb - fitted) ** 2 / fitted)) / dof if dof > 0 else 1.0
            phi = max(1.0, pearson) if overdispersion else 1.0
        upper, p_value = _limit_and_p(y_all[t], mu, phi, level)
        out["expected"][t] = mu
        out["upper_limit"][t] = upper
        out["p_value"][t] = p_value
        out["dispersion"][t] = phi
        out["model"][t] = model
    table = pd.DataFrame({"count": y_all, **out}, index=months)
    table["alert"] = (
        (table["model"] != "none")
        & (table["count"] > table["upper_limit"])
        & (table["count"] >= floor)
    )
    return ControlChart(
        table=table,
        level=float(level),
        baseline_months=window,
        harmonics=n_harm,
        trend=bool(trend),
        overdispersion=bool(overdispersion),
        min_count=floor,
    )


def _limit_and_p(count: float, mu: float, phi: float, level: float) -> tuple[float, float]:
    """Upper limit (the ``level`` quantile) and upper-tail p-value of ``count``."""
    if mu <= 0:
        return 0.0, 1.0 if count <= 0 else 0.0
    # Negative binomial with mean mu and variance phi * mu when overdispersed.
    dist: Any = stats.poisson(mu) if phi <= 1.0 else stats.nbinom(mu / (phi - 1.0), 1.0 / phi)
    return float(dist.ppf(level)), float(dist.sf(count - 1))


def incomplete_months(
    series: Any, *, ratio: float = INCOMPLETE_RATIO, p_threshold: float = INCOMPLETE_P
) -> pd.DataFrame:
    """Flag months whose volume is far below both neighbours: likely incomplete data.

    See the module documentation for the rule.

    Parameters
    ----------
    series : pandas.Series
        Monthly counts indexed by consecutive months; ``NaN`` for months not loaded.
    ratio : float, default 0.5
        A month is suspect when below ``ratio`` times each loaded neighbour.
    p_threshold : float, default 0.001
        ... and when a count that low has Poisson probability below this, given the
        neighbours' mean.

    Returns
    -------
    pandas.DataFrame
        Indexed by month: ``count``, ``previous``, ``next``, ``share_of_neighbours``
        (count over the mean of the loaded neighbours) and ``likely_incomplete``.

    Examples
    --------
    >>> s = pd.Series([410, 395, 120, 402, 380],
    ...               index=pd.period_range("2023-01", periods=5, freq="M"))
    >>> flags = incomplete_months(s)
    >>> [str(m) for m in flags.index[flags["likely_incomplete"]]]
    ['2023-03']
    """
    values = as_monthly_series(series)
    if isinstance(ratio, bool) or not isinstance(ratio, float | int) or not 0 < ratio < 1:
        raise InputError(f"ratio must be between 0 and 1; received {ratio!r}", hint="use 0.5")
    if (
        isinstance(p_threshold, bool)
        or not isinstance(p_threshold, float | int)
        or not 0 < p_threshold < 1
    ):
        raise InputError(
            f"p_threshold must be between 0 and 1; received {p_threshold!r}", hint="use 0.001"
        )
    y = values.to_numpy()
    prev = np.concatenate([[np.nan], y[:-1]])
    nxt = np.concatenate([y[1:], [np.nan]])
    neighbours = np.column_stack([prev, nxt])
    n_loaded = np.sum(~np.isnan(neighbours), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.nansum(neighbours, axis=1)
        mean = np.where(n_loaded > 0, total / np.maximum(n_loaded, 1), np.nan)
        below_each = np.all(np.isnan(neighbours) | (y[:, None] < ratio * neighbours), axis=1)
        share = y / mean
    tail = stats.poisson.cdf(np.nan_to_num(y), np.nan_to_num(mean))
    flagged = (n_loaded > 0) & ~np.isnan(y) & below_each & (tail < p_threshold)
    return pd.DataFrame(
        {
            "count": y,
            "previous": prev,
            "next": nxt,
            "share_of_neighbours": share,
            "likely_incomplete": flagged,
        },
        index=values.index,
    )
