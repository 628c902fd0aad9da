"""Rates per 1,000 residents with exact confidence intervals, funnel plots and deprivation.

Confidence intervals for a count are the exact Poisson (Garwood 1936) limits

    lower = chi2.ppf(alpha / 2, 2 k) / 2,   upper = chi2.ppf(1 - alpha / 2, 2 k + 2) / 2

(lower is 0 when ``k = 0``), divided by the population. They are exact, so they hold for
the small counts of a single LSOA, where a normal approximation fails.

Funnel plots (Spiegelhalter 2005, "Funnel plots for comparing institutional
performance", *Statistics in Medicine* 24, 1185-1202) draw, for each population size,
the range of rates expected by chance if every area had the overall rate. The limits are
exact Poisson quantiles with Spiegelhalter's interpolation between whole counts, so the
funnel is a smooth curve: for a limit at probability ``p`` and expected count ``E``, with
``r`` the ``p`` quantile of Poisson(``E``) and ``F`` its distribution function,
``limit = (r - (F(r) - p) / (F(r) - F(r - 1))) / population``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, overload

import numpy as np
import pandas as pd
from scipy import stats

from diogel.errors import InputError

#: Confidence level of rate intervals.
LEVEL: Final = 0.95
#: Rates are per this many residents.
PER: Final = 1000
#: Funnel-plot limits: about 2 and 3 standard deviations.
FUNNEL_LEVELS: Final = (0.95, 0.998)

__all__ = [
    "FUNNEL_LEVELS",
    "LEVEL",
    "PER",
    "DeprivationProfile",
    "Rate",
    "by_deprivation_decile",
    "funnel_compare",
    "funnel_limits",
    "poisson_interval",
    "rate_per_1000",
]


@dataclass(frozen=True)
class Rate:
    """A rate with its exact confidence interval.

    Attributes
    ----------
    count : float
    population : float
    rate : float
        ``count / population * per``.
    lower, upper : float
        Exact Poisson confidence limits of the rate.
    level : float
        Confidence level.
    per : float
        Rates are per this many residents.
    """

    count: float
    population: float
    rate: float
    lower: float
    upper: float
    level: float
    per: float


def _check_level(level: Any, name: str = "level") -> float:
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
        raise InputError(
            f"{name} must be between 0 and 1; received {level!r}", hint="use 0.95 for 95%"
        )
    return float(level)


def _check_per(per: Any) -> float:
    if isinstance(per, bool) or not isinstance(per, int | float) or not per > 0:
        raise InputError(f"per must be a number > 0; received {per!r}", hint="use 1000")
    return float(per)


def _as_array(values: Any, name: str, *, positive: bool, whole: bool = False) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{name} must be numbers; received {type(values).__name__}",
            hint=f"pass {name} as numbers",
        ) from exc
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{name} has missing or infinite values", hint=f"fill in {name}")
    if positive and np.any(arr <= 0):
        raise InputError(
            f"{name} must be > 0; received {arr[arr <= 0][:3].tolist()}",
            hint="leave out areas with no residents",
        )
    if not positive and np.any(arr < 0):
        raise InputError(f"{name} must be >= 0", hint=f"{name} cannot be negative")
    if whole and np.any(arr != np.round(arr)):
        raise InputError(
            f"{name} must be whole numbers; received {arr[arr != np.round(arr)][:3].tolist()}",
            hint="exact Poisson limits are for counts of incidents",
        )
    return arr


def poisson_interval(count: Any, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) Poisson confidence limits for counts.

    Parameters
    ----------
    count : array-like of int
        Observed counts.
    level : float, default 0.95

    Returns
    -------
    lower, upper : numpy.ndarray
        Limits for the expected count.

    Examples
    --------
    >>> lo, hi = poisson_interval([0, 10])
    >>> np.round(lo, 4).tolist(), np.round(hi, 4).tolist()
    ([0.0, 4.7954], [3.6889, 18.3904])
    """
    k = _as_array(count, "count", positive=False, whole=True)
    alpha = 1 - _check_level(level)
    lower = np.where(k > 0, stats.chi2.ppf(alpha / 2, 2 * np.maximum(k, 1)) / 2, 0.0)
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2
    return np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)


@overload
def rate_per_1000(
    count: float, population: float, *, level: float = ..., per: float = ...
) -> Rate: ...


@overload
def rate_per_1000(
    count: Any, population: Any, *, level: float = ..., per: float = ...
) -> Rate | pd.DataFrame: ...


def rate_per_1000(
    count: Any, population: Any, *, level: float = LEVEL, per: float = PER
) -> Rate | pd.DataFrame:
    """Crime per 1,000 residents with an exact Poisson confidence interval.

    Parameters
    ----------
    count : int or array-like
        Incidents (per area).
    population : float or array-like
        Residents (per area), > 0.
    level : float, default 0.95
        Confidence level.
    per : float, default 1000
        Residents the rate is per.

    Returns
    -------
    Rate or pandas.DataFrame
        A :class:`Rate` for scalars; for arrays a frame with columns ``count``,
        ``population``, ``rate``, ``lower``, ``upper`` (keeping a Series' index).

    Examples
    --------
    >>> r = rate_per_1000(10, 1500)
    >>> round(r.rate, 3), round(r.lower, 3), round(r.upper, 3)
    (6.667, 3.197, 12.26)
    >>> rate_per_1000(pd.Series([3, 0], index=["W01000001", "W01000002"]), [1500, 1600])
               count  population  rate     lower     upper
    W01000001    3.0      1500.0   2.0  0.412448  5.844849
    W01000002    0.0      1600.0   0.0  0.000000  2.305550
    """
    scalar = np.ndim(count) == 0 and np.ndim(population) == 0
    k = _as_array(count, "count", positive=False, whole=True)
    pop = _as_array(population, "population", positive=True)
    if not scalar and k.shape != pop.shape:
        raise InputError(
            f"count and population must be the same length; received {k.shape} and {pop.shape}",
            hint="give one population per area",
        )
    scale = _check_per(per)
    lower, upper = poisson_interval(k, level)
    rate, lo, hi = k / pop * scale, lower / pop * scale, upper / pop * scale
    if scalar:
        return Rate(
            count=float(k),
            population=float(pop),
            rate=float(rate),
            lower=float(lo),
            upper=float(hi),
            level=float(level),
            per=scale,
        )
    index = count.index if isinstance(count, pd.Series) else None
    return pd.DataFrame(
        {"count": k, "population": pop, "rate": rate, "lower": lo, "upper": hi}, index=index
    )


def _level_label(level: float) -> str:
    return f"{level * 100:.10g}".replace(".", "_")


def _check_levels(levels: Any) -> tuple[float, ...]:
    if isinstance(levels, int | float) and not isinstance(levels, bool):
        levels = (levels,)
    if not isinstance(levels, Sequence) or not levels:
        raise InputError(
            f"levels must be a sequence of probabilities; received {levels!r}",
            hint="e.g. levels=(0.95, 0.998)",
        )
    return tuple(_check_level(v, "levels") for v in levels)


def _funnel_limit(expected: np.ndarray, p: float) -> np.ndarray:
    """Spiegelhalter's interpolated exact Poisson quantile, as a count."""
    r = stats.poisson.ppf(p, expected)
    f_r = stats.poisson.cdf(r, expected)
    f_below = stats.poisson.cdf(r - 1, expected)
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(f_r > f_below, (f_r - p) / (f_r - f_below), 0.0)
    return np.maximum(r - fraction, 0.0)


def funnel_limits(
    populations: Any,
    overall_rate: float,
    *,
    levels: Sequence[float] = FUNNEL_LEVELS,
    per: float = PER,
) -> pd.DataFrame:
    """Exact Poisson funnel-plot limits (Spiegelhalter 2005) for a range of populations.

    Parameters
    ----------
    populations : array-like
        Population sizes at which to compute the limits (e.g. each area's population, or
        a grid of sizes to draw the funnel).
    overall_rate : float
        The rate every area is compared with, per ``per`` residents (usually the rate
        over all areas together).
    levels : sequence of float, default (0.95, 0.998)
        Two-sided coverage of each pair of limits.
    per : float, default 1000

    Returns
    -------
    pandas.DataFrame
        Columns ``population``, ``expected`` (count), then ``lower_<level>`` and
        ``upper_<level>`` as rates per ``per``, e.g. ``lower_95``, ``upper_99_8``.

    Examples
    --------
    >>> funnel_limits([1000, 100000], 50.0, levels=(0.95,)).round(2)
       population  expected  lower_95  upper_95
    0      1000.0      50.0     36.12     63.83
    1    100000.0    5000.0     48.61     51.39
    """
    pop = _as_array(populations, "populations", positive=True).ravel()
    scale = _check_per(per)
    if isinstance(overall_rate, bool) or not isinstance(overall_rate, int | float):
        raise InputError(
            f"overall_rate must be a number; received {overall_rate!r}",
            hint="pass the rate per 1,000 over all areas",
        )
    if not math.isfinite(overall_rate) or overall_rate <= 0:
        raise InputError(
            f"overall_rate must be > 0; received {overall_rate!r}",
            hint="pass the rate per 1,000 over all areas",
        )
    expected = overall_rate / scale * pop
    out = {"population": pop, "expected": expected}
    for level in _check_levels(levels):
        tail = (1 - level) / 2
        label = _level_label(level)
        out[f"lower_{label}"] = _funnel_limit(expected, tail) / pop * scale
        out[f"upper_{label}"] = _funnel_limit(expected, 1 - tail) / pop * scale
    return pd.DataFrame(out)


def funnel_compare(
    counts: Any,
    populations: Any,
    *,
    overall_rate: float | None = None,
    levels: Sequence[float] = FUNNEL_LEVELS,
    per: float = PER,
) -> pd.DataFrame:
    """Place each area on a funnel plot: is its rate outside the range expected by chance?

    Parameters
    ----------
    counts, populations : array-like
        Incidents and residents per area (a Series' index is kept).
    overall_rate : float, optional
        Comparison rate per ``per``; default the rate over all the areas together.
    levels : sequence of float, default (0.95, 0.998)
    per : float, default 1000

    Returns
    -------
    pandas.DataFrame
        ``count``, ``population``, ``rate``, the limits of :func:`funnel_limits`, and
        ``position``: ``"above <level>"`` / ``"below <level>"`` for the widest limit
        crossed (level in %), or ``"within"``.

    Examples
    --------
    >>> funnel_compare([10, 30, 95], [1000, 1000, 1000], overall_rate=30.0)["position"].tolist()
    ['below 99.8%', 'within', 'above 99.8%']
    """
    k = _as_array(counts, "counts", positive=False, whole=True)
    pop = _as_array(populations, "populations", positive=True)
    if k.shape != pop.shape or k.ndim != 1:
        raise InputError(
            f"counts and populations must be 1-D and the same length; received {k.shape} "
            f"and {pop.shape}",
            hint="give one count and one population per area",
        )
    scale = _check_per(per)
    rate0 = float(k.sum() / pop.sum() * scale) if overall_rate is None else overall_rate
    levels_checked = sorted(_check_levels(levels))
    limits = funnel_limits(pop, rate0, levels=levels_checked, per=scale)
    rate = k / pop * scale
    position = np.full(len(k), "within", dtype=object)
    for level in levels_checked:  # widest last, so it wins
        label = _level_label(level)
        pct = f"{level * 100:.10g}%"
        position[rate > limits[f"upper_{label}"].to_numpy()] = f"above {pct}"
        position[rate < limits[f"lower_{label}"].to_numpy()] = f"below {pct}"
    table = limits.drop(columns=["population"])
    table.insert(0, "rate", rate)
    table.insert(0, "population", pop)
    table.insert(0, "count", k)
    table["position"] = position
    if isinstance(counts, pd.Series):
        table.index = counts.index
    return table


@dataclass(frozen=True)
class DeprivationProfile:
    """Crime by WIMD decile.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per decile (1 = most deprived): ``wimd_decile``, ``lsoas``,
        ``population``, ``count``, ``rate``, ``lower``, ``upper`` (per ``per``, exact
        Poisson), ``share_of_crime``, ``share_of_population``, ``relative_rate`` (decile
        rate / overall rate).
    overall_rate : float
        Rate over all matched LSOAs.
    unmatched_lsoas : tuple of str
        LSOA codes with counts but not in ``lsoa_table`` (left out of the table).
    unmatched_count : float
        Incidents in those LSOAs.
    """

    table: pd.DataFrame
    overall_rate: float
    unmatched_lsoas: tuple[str, ...]
    unmatched_count: float


def by_deprivation_decile(
    counts_by_lsoa: pd.Series | Mapping[str, Any],
    lsoa_table: pd.DataFrame,
    *,
    level: float = LEVEL,
    per: float = PER,
) -> DeprivationProfile:
    """Crime and rate per 1,000 residents by Welsh Index of Multiple Deprivation decile.

    Parameters
    ----------
    counts_by_lsoa : pandas.Series or mapping
        Incidents per LSOA code (index = code). LSOAs of ``lsoa_table`` not listed count 0.
    lsoa_table : pandas.DataFrame
        Columns ``code``, ``population`` and ``wimd_decile`` (1 = most deprived 10 %).
        Its codes must be the same LSOA vintage as the counts (WIMD 2019 uses 2011
        LSOAs): harmonise before calling.
    level : float, default 0.95
    per : float, default 1000

    Returns
    -------
    DeprivationProfile

    Examples
    --------
    >>> lsoas = pd.DataFrame({"code": ["A", "B", "C"], "population": [1000, 1500, 2000],
    ...                       "wimd_decile": [1, 1, 10]})
    >>> p = by_deprivation_decile(pd.Series({"A": 30, "B": 20, "C": 10, "Z": 4}), lsoas)
    >>> p.table[["wimd_decile", "lsoas", "count", "rate"]]
       wimd_decile  lsoas  count  rate
    0            1      2   50.0  20.0
    1           10      1   10.0   5.0
    >>> p.unmatched_lsoas, p.unmatched_count
    (('Z',), 4.0)
    """
    if isinstance(counts_by_lsoa, Mapping):
        counts_by_lsoa = pd.Series(dict(counts_by_lsoa), dtype=float)
    if not isinstance(counts_by_lsoa, pd.Series):
        raise InputError(
            f"counts_by_lsoa must be a Series indexed by LSOA code; received "
            f"{type(counts_by_lsoa).__name__}",
            hint="e.g. incidents.groupby('lsoa_code').size()",
        )
    if not isinstance(lsoa_table, pd.DataFrame):
        raise InputError(
            f"lsoa_table must be a DataFrame; received {type(lsoa_table).__name__}",
            hint="columns code, population, wimd_decile",
        )
    missing = [c for c in ("code", "population", "wimd_decile") if c not in lsoa_table.columns]
    if missing:
        raise InputError(
            f"lsoa_table has no column(s) {missing}; received {list(lsoa_table.columns)}",
            hint="columns code, population, wimd_decile",
        )
    if lsoa_table["code"].duplicated().any():
        raise InputError(
            f"lsoa_table lists LSOA {lsoa_table['code'][lsoa_table['code'].duplicated()].iloc[0]!r}"
            " twice",
            hint="one row per LSOA",
        )
    deciles = pd.to_numeric(lsoa_table["wimd_decile"], errors="coerce")
    if deciles.isna().any() or not deciles.isin(range(1, 11)).all():
        raise InputError(
            "wimd_decile must be whole numbers from 1 to 10",
            hint="1 is the most deprived 10% of LSOAs in Wales",
        )
    population = _as_array(lsoa_table["population"], "population", positive=False)
    counts = counts_by_lsoa.groupby(counts_by_lsoa.index.astype(str)).sum()
    _as_array(counts.to_numpy(), "counts_by_lsoa", positive=False, whole=True)
    codes = lsoa_table["code"].astype(str)
    per_lsoa = counts.reindex(codes.to_numpy(), fill_value=0).to_numpy(dtype=float)
    unmatched = counts[~counts.index.isin(codes) & (counts > 0)]
    frame = pd.DataFrame(
        {"wimd_decile": deciles.astype(int).to_numpy(), "population": population, "count": per_lsoa}
    )
    grouped = frame.groupby("wimd_decile")
    table = pd.DataFrame(
        {
            "lsoas": grouped.size(),
            "population": grouped["population"].sum(),
            "count": grouped["count"].sum(),
        }
    ).reset_index()
    if (table["population"] <= 0).any():
        raise InputError(
            "a WIMD decile has no residents in lsoa_table",
            hint="check the population column",
        )
    scale = _check_per(per)
    k, pop = table["count"].to_numpy(dtype=float), table["population"].to_numpy(dtype=float)
    lower, upper = poisson_interval(k, level)
    table["rate"] = k / pop * scale
    table["lower"] = lower / pop * scale
    table["upper"] = upper / pop * scale
    total_count, total_pop = table["count"].sum(), table["population"].sum()
    overall = float(total_count / total_pop * scale)
    table["share_of_crime"] = table["count"] / total_count if total_count else 0.0
    table["share_of_population"] = table["population"] / total_pop
    table["relative_rate"] = table["rate"] / overall if overall else np.nan
    return DeprivationProfile(
        table=table,
        overall_rate=overall,
        unmatched_lsoas=tuple(sorted(unmatched.index)),
        unmatched_count=float(unmatched.sum()),
    )
