"""Monthly crime series: counts per month, rolling totals and seasonality.

Months are ``pandas.Period`` values with monthly frequency (or ``'YYYY-MM'`` strings,
which are converted). A *series* is a ``pandas.Series`` indexed by consecutive months;
a month for which no data was loaded at all is ``NaN`` (``<NA>``), never ``0``, so that
a gap in the data is not mistaken for a month without crime.

Control-chart alerts and incomplete-month checks live in :mod:`diogel.analysis.alerts`,
the change between two periods in :mod:`diogel.analysis.period_change`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from diogel.errors import InputError

#: Window of :func:`rolling_totals`, in months.
ROLLING_WINDOW: Final = 12
#: Seasonal period of monthly data.
SEASONAL_PERIOD: Final = 12
#: STL needs at least two full seasonal cycles.
MIN_MONTHS_FOR_DECOMPOSITION: Final = 2 * SEASONAL_PERIOD

__all__ = [
    "MIN_MONTHS_FOR_DECOMPOSITION",
    "ROLLING_WINDOW",
    "SEASONAL_PERIOD",
    "monthly_series",
    "rolling_totals",
]


# --------------------------------------------------------------------------- months


def as_month(value: Any, *, name: str) -> pd.Period:
    """Convert one month-like value to a monthly ``pandas.Period``.

    Parameters
    ----------
    value : pandas.Period, str, datetime-like
        ``'2023-01'``, ``'2023-01-01'``, a ``Timestamp`` or a ``Period``.
    name : str
        Argument name used in the error message.

    Returns
    -------
    pandas.Period

    Examples
    --------
    >>> as_month("2023-01", name="start")
    Period('2023-01', 'M')
    """
    if isinstance(value, pd.Period):
        if value.freqstr != "M":
            return value.asfreq("M")
        return value
    if isinstance(value, str | pd.Timestamp | np.datetime64) or hasattr(value, "year"):
        try:
            return pd.Period(value, freq="M")
        except (ValueError, TypeError) as exc:
            raise InputError(
                f"{name} must be a month; received {value!r}",
                hint="write months as 'YYYY-MM', e.g. '2023-01'",
            ) from exc
    raise InputError(
        f"{name} must be a month; received {type(value).__name__} {value!r}",
        hint="write months as 'YYYY-MM', e.g. '2023-01', or pass a pandas Period",
    )


def as_month_index(values: Any, *, name: str) -> pd.PeriodIndex:
    """Convert an array of month-like values to a monthly ``PeriodIndex``.

    Parameters
    ----------
    values : array-like
        Periods, datetimes or ``'YYYY-MM'`` / ``'YYYY-MM-DD'`` strings.
    name : str
        Argument or column name used in the error message.

    Returns
    -------
    pandas.PeriodIndex

    Examples
    --------
    >>> as_month_index(["2023-01", "2023-02-01"], name="month")
    PeriodIndex(['2023-01', '2023-02'], dtype='period[M]')
    """
    if isinstance(values, pd.PeriodIndex):
        return values.asfreq("M") if values.freqstr != "M" else values
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.PeriodDtype):
        return pd.PeriodIndex(values).asfreq("M")
    index = pd.Index(values)
    if index.hasnans:
        raise InputError(
            f"{name} has {int(index.isna().sum())} missing month(s)",
            hint="every incident needs the month it was recorded in",
        )
    if isinstance(index, pd.DatetimeIndex):
        return index.to_period("M")
    try:
        # Parse each distinct value once: a year of incidents has only 12 months.
        codes, uniques = pd.factorize(index.astype(str))
        parsed = pd.PeriodIndex(uniques, freq="M")
        return pd.PeriodIndex(parsed.take(codes))
    except (ValueError, TypeError) as exc:
        bad = []
        for v in index.unique()[:50]:
            try:
                pd.Period(str(v), freq="M")
            except (ValueError, TypeError):
                bad.append(v)
        raise InputError(
            f"{name} must hold months; received values such as {bad[:3]!r}",
            hint="write months as 'YYYY-MM', e.g. '2023-01'",
        ) from exc


def month_range(start: Any, end: Any) -> pd.PeriodIndex:
    """Consecutive months from ``start`` to ``end`` inclusive, checked.

    Examples
    --------
    >>> list(month_range("2023-11", "2024-01").astype(str))
    ['2023-11', '2023-12', '2024-01']
    """
    first = as_month(start, name="start")
    last = as_month(end, name="end")
    if last < first:
        raise InputError(
            f"end ({last}) is before start ({first})",
            hint="give start as the first month and end as the last month of the period",
        )
    return pd.period_range(first, last, freq="M", name="month")


def as_monthly_series(series: Any, *, name: str = "series") -> pd.Series:
    """Check a monthly series and return it as floats on a consecutive monthly index.

    Accepts a ``Series`` (or a one-column ``DataFrame``, such as the output of
    :func:`monthly_series`) indexed by months. Months not loaded are ``NaN``.

    Examples
    --------
    >>> as_monthly_series(pd.Series([3, 4], index=["2023-01", "2023-02"])).tolist()
    [3.0, 4.0]
    """
    if isinstance(series, pd.DataFrame):
        if series.shape[1] != 1:
            raise InputError(
                f"{name} must be one monthly series; received a frame with "
                f"{series.shape[1]} columns",
                hint="pass one column, e.g. frame['count']",
            )
        series = series.iloc[:, 0]
    if not isinstance(series, pd.Series):
        raise InputError(
            f"{name} must be a pandas Series indexed by month; received {type(series).__name__}",
            hint="build one with monthly_series(incidents, start=..., end=...)",
        )
    if len(series) == 0:
        raise InputError(f"{name} is empty", hint="give at least one month of counts")
    index = as_month_index(series.index, name=f"the index of {name}")
    if not index.is_monotonic_increasing or index.has_duplicates:
        raise InputError(
            f"the months of {name} must be unique and in order",
            hint="sort the series by month and remove repeated months",
        )
    expected = pd.period_range(index[0], index[-1], freq="M")
    if len(expected) != len(index):
        missing = expected.difference(index)
        raise InputError(
            f"{name} skips {len(missing)} month(s), e.g. {missing[0]}",
            hint="every month must be present: use NaN for a month with no data loaded "
            "(monthly_series does this)",
        )
    try:
        values = pd.to_numeric(series, errors="raise").to_numpy(dtype=float, na_value=np.nan)
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"{name} must hold numbers; received dtype {series.dtype}",
            hint="pass counts of incidents per month",
        ) from exc
    if np.any(values[~np.isnan(values)] < 0):
        raise InputError(f"{name} has negative counts", hint="counts cannot be negative")
    return pd.Series(values, index=index.rename("month"), name=series.name)


# --------------------------------------------------------------------------- series


def monthly_series(
    incidents: pd.DataFrame,
    *,
    start: Any,
    end: Any,
    by: str | Sequence[str] | None = None,
    months_loaded: Iterable[Any] | None = None,
    month_column: str = "month",
) -> pd.DataFrame:
    """Count incidents per month, with months without data kept distinct from zeros.

    Parameters
    ----------
    incidents : pandas.DataFrame
        One row per incident, with a month column (Period, datetime or ``'YYYY-MM'``).
    start, end : month-like
        First and last month, inclusive. Incidents outside are ignored.
    by : str or sequence of str, optional
        Column(s) to count separately, e.g. ``"category"`` or
        ``["council_code", "category"]``; one output column per group.
    months_loaded : iterable of month-like, optional
        The months for which data was loaded. A month in the range but not in this set
        is ``<NA>`` (unknown), not ``0``. Default: every month in the range is
        assumed loaded, so a month without incidents counts ``0``.
    month_column : str, default "month"
        Name of the month column.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``month`` (monthly ``PeriodIndex``, every month from ``start`` to
        ``end``); one nullable-integer column ``count``, or one column per group.

    Examples
    --------
    >>> incidents = pd.DataFrame(
    ...     {"month": ["2023-01", "2023-01", "2023-03"], "category": ["Burglary", "Drugs", "Drugs"]}
    ... )
    >>> monthly_series(incidents, start="2023-01", end="2023-04", months_loaded=["2023-01",
    ...                "2023-02", "2023-03"])["count"].tolist()
    [2, 0, 1, <NA>]
    >>> monthly_series(incidents, start="2023-01", end="2023-03", by="category")
    ... # doctest: +NORMALIZE_WHITESPACE
    category  Burglary  Drugs
    month
    2023-01          1      1
    2023-02          0      0
    2023-03          0      1
    """
    if not isinstance(incidents, pd.DataFrame):
        raise InputError(
            f"incidents must be a pandas DataFrame; received {type(incidents).__name__}",
            hint="read the data into a frame with one row per incident",
        )
    months = month_range(start, end)
    by_cols = [by] if isinstance(by, str) else list(by) if by is not None else []
    for col in [month_column, *by_cols]:
        if col not in incidents.columns:
            raise InputError(
                f"incidents has no column {col!r}; received columns {list(incidents.columns)}",
                hint="name the column with month_column= or by=",
            )
    row_months = as_month_index(incidents[month_column], name=f"incidents[{month_column!r}]")
    keep = np.asarray((row_months >= months[0]) & (row_months <= months[-1]))
    frame = pd.DataFrame({"month": row_months[keep]})
    for col in by_cols:
        frame[col] = incidents[col].to_numpy()[keep]
    if by_cols:
        counts = frame.groupby(["month", *by_cols], dropna=False).size()
        table = counts.unstack(by_cols, fill_value=0)
        table = table.reindex(months, fill_value=0)
        table = table.reindex(columns=sorted(table.columns, key=str))
    else:
        table = frame.groupby("month").size().reindex(months, fill_value=0).to_frame("count")
    table.index = months
    table = table.astype("Int64")
    if months_loaded is not None:
        loaded = as_month_index(list(months_loaded), name="months_loaded")
        missing_rows = ~months.isin(loaded)
        table.loc[missing_rows, :] = pd.NA
        outside = np.asarray(~pd.Index(row_months[keep]).isin(loaded))
        if outside.any():
            raise InputError(
                f"{int(outside.sum())} incident(s) fall in months not listed in months_loaded, "
                f"e.g. {row_months[keep][outside][0]}",
                hint="months_loaded must include every month for which data was loaded",
            )
    return table


def rolling_totals(series: Any, window: int = ROLLING_WINDOW) -> pd.Series:
    """Rolling totals over ``window`` months (e.g. the last 12 months at each month).

    A total is only given when all ``window`` months are loaded; otherwise ``NaN``.

    Parameters
    ----------
    series : pandas.Series
        Monthly counts indexed by consecutive months.
    window : int, default 12
        Number of months in each total.

    Returns
    -------
    pandas.Series
        Same index; the first ``window - 1`` months are ``NaN``.

    Examples
    --------
    >>> s = pd.Series([1, 2, 3, 4], index=pd.period_range("2023-01", periods=4, freq="M"))
    >>> rolling_totals(s, window=2).tolist()
    [nan, 3.0, 5.0, 7.0]
    """
    values = as_monthly_series(series)
    if not isinstance(window, int | np.integer) or isinstance(window, bool) or window < 1:
        raise InputError(
            f"window must be a whole number of months >= 1; received {window!r}",
            hint="use 12 for rolling annual totals",
        )
    out = values.rolling(int(window), min_periods=int(window)).sum()
    return out.rename(f"rolling_{int(window)}")
