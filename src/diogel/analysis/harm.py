"""Harm: crime weighted by the ONS Crime Severity Score (CSS) instead of counted.

A count treats a homicide and a shoplifting alike; harm weights each crime by its
severity (the CSS weight is roughly the average days of custody its sentences carry).
The default weights are one per data.police.uk category, built by
``scripts/build_severity_weights.py`` from a published join of ONS offence weights to
police.uk categories: the **median** weight of the offences in each category (the
script's docstring explains why, and its limits). They are defaults: pass your own
table to any function here.

Categories without a weight are never silently counted as zero harm. Anti-social
behaviour has no CSS weight (it is not a notifiable crime); categories missing from the
table are "unknown". Both are reported with their incident counts in ``not_weighted``,
and ``on_unknown="raise"`` turns unknown categories into an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Final

import numpy as np
import pandas as pd

from diogel.analysis.trends import as_month_index, month_range
from diogel.errors import InputError

#: The default weights table shipped with Diogel (inside the ``diogel`` package).
DEFAULT_WEIGHTS_FILE: Final = "crime_severity_weights.csv"
_ON_UNKNOWN = ("report", "raise")
_NO_WEIGHT = "no severity weight in the table"
_UNKNOWN = "category not in the weights table"

__all__ = [
    "DEFAULT_WEIGHTS_FILE",
    "HarmSeries",
    "HarmTotals",
    "default_severity_weights",
    "harm_monthly_series",
    "harm_totals",
    "incident_harm",
    "severity_weights",
]


@lru_cache(maxsize=1)
def _default_table() -> pd.DataFrame:
    with (
        resources.files("diogel")
        .joinpath("data", DEFAULT_WEIGHTS_FILE)
        .open("r", encoding="utf-8") as fh
    ):
        return pd.read_csv(fh, keep_default_na=False, na_values=[""])


def default_severity_weights() -> pd.DataFrame:
    """The default CSS weights: one row per police.uk category.

    Returns
    -------
    pandas.DataFrame
        Columns ``category``, ``weight`` (empty for anti-social behaviour), the median,
        mean, minimum and maximum of the offence weights in the category, the number of
        ``offences``, the ``method`` and a ``note``.

    Examples
    --------
    >>> w = default_severity_weights().set_index("category")["weight"]
    >>> round(float(w["Robbery"]), 2), bool(np.isnan(w["Anti-social behaviour"]))
    (799.63, True)
    """
    return _default_table().copy()


def _key(values: Iterable[Any]) -> list[str]:
    return [" ".join(str(v).split()).casefold() for v in values]


def severity_weights(weights: pd.DataFrame | Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Check a weights table and return it as ``category``, ``weight``, ``note``.

    Parameters
    ----------
    weights : DataFrame or mapping, optional
        A frame with ``category`` and ``weight`` columns, or a mapping from category to
        weight. A missing weight (``None``/``NaN``) marks a category known to have no
        weight. Default: :func:`default_severity_weights`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> severity_weights({"Burglary": 465.4, "Anti-social behaviour": None})
    ... # doctest: +NORMALIZE_WHITESPACE
                    category  weight note
    0               Burglary   465.4
    1  Anti-social behaviour     NaN
    """
    if weights is None:
        table = _default_table()
    elif isinstance(weights, pd.DataFrame):
        table = weights
    elif isinstance(weights, Mapping):
        table = pd.DataFrame({"category": list(weights), "weight": list(weights.values())})
    else:
        raise InputError(
            f"weights must be a DataFrame or a mapping; received {type(weights).__name__}",
            hint="pass a frame with columns 'category' and 'weight', or leave weights out "
            "for the default CSS weights",
        )
    missing = [c for c in ("category", "weight") if c not in table.columns]
    if missing:
        raise InputError(
            f"weights has no column(s) {missing}; received columns {list(table.columns)}",
            hint="the table needs 'category' and 'weight' columns",
        )
    weight = pd.to_numeric(table["weight"], errors="coerce")
    bad = weight.isna() & table["weight"].notna() & (table["weight"].astype(str).str.strip() != "")
    if bad.any() or (weight < 0).any() or np.isinf(weight).any():
        raise InputError(
            "weights must be numbers >= 0 (or empty for a category without a weight); "
            f"received {table.loc[bad | (weight < 0) | np.isinf(weight), 'weight'].tolist()[:3]}",
            hint="fix the weight column of the table",
        )
    keys = pd.Series(_key(table["category"]))
    if keys.duplicated().any():
        raise InputError(
            f"weights lists a category twice: {table['category'][keys.duplicated()].iloc[0]!r}",
            hint="give one weight per category",
        )
    note = table["note"].fillna("").astype(str) if "note" in table.columns else ""
    return pd.DataFrame(
        {
            "category": table["category"].astype(str).to_numpy(),
            "weight": weight.astype(float).to_numpy(),
            "note": note if isinstance(note, str) else note.to_numpy(),
        }
    )


def _check_incidents(incidents: Any, columns: Sequence[str]) -> None:
    if not isinstance(incidents, pd.DataFrame):
        raise InputError(
            f"incidents must be a pandas DataFrame; received {type(incidents).__name__}",
            hint="read the data into a frame with one row per incident",
        )
    for col in columns:
        if col not in incidents.columns:
            raise InputError(
                f"incidents has no column {col!r}; received columns {list(incidents.columns)}",
                hint="name the column with category_column= / month_column=",
            )


def _weigh(
    incidents: pd.DataFrame,
    weights: pd.DataFrame | Mapping[str, Any] | None,
    category_column: str,
    on_unknown: str,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Weight per incident (NaN when none) and the report of unweighted categories."""
    if on_unknown not in _ON_UNKNOWN:
        raise InputError(
            f"on_unknown must be one of {_ON_UNKNOWN}; received {on_unknown!r}",
            hint="'report' lists unknown categories in not_weighted; 'raise' stops",
        )
    table = severity_weights(weights)
    lookup = dict(zip(_key(table["category"]), table["weight"], strict=True))
    notes = dict(zip(_key(table["category"]), table["note"], strict=True))
    categories = incidents[category_column]
    codes, uniques = pd.factorize(categories, use_na_sentinel=True)
    unique_keys = _key(uniques)
    per_unique = np.array([lookup.get(k, np.nan) for k in unique_keys], dtype=float)
    w = np.where(codes >= 0, per_unique[np.maximum(codes, 0)], np.nan)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    rows = []
    for u, k, n in zip(uniques, unique_keys, counts, strict=True):
        if n and np.isnan(lookup.get(k, np.nan)):
            reason = (notes.get(k) or _NO_WEIGHT) if k in lookup else _UNKNOWN
            rows.append({"category": str(u), "incidents": int(n), "reason": reason})
    n_missing = int(np.sum(codes < 0))
    if n_missing:
        rows.append({"category": "", "incidents": n_missing, "reason": "category missing"})
    report = pd.DataFrame(rows, columns=["category", "incidents", "reason"])
    unknown = report[report["reason"] == _UNKNOWN]
    if on_unknown == "raise" and len(unknown):
        raise InputError(
            f"{len(unknown)} category(ies) have no entry in the weights table, e.g. "
            f"{unknown['category'].iloc[0]!r} ({int(unknown['incidents'].iloc[0])} incidents)",
            hint="add them to the weights table (an empty weight marks a category that has "
            "none), or use on_unknown='report'",
        )
    report = report.sort_values(["incidents", "category"], ascending=[False, True])
    return w, report.reset_index(drop=True)


def incident_harm(
    incidents: pd.DataFrame,
    weights: pd.DataFrame | Mapping[str, Any] | None = None,
    *,
    category_column: str = "category",
    on_unknown: str = "report",
) -> pd.Series:
    """The severity weight of each incident, e.g. as weights for a harm hotspot map.

    Incidents whose category has no weight are ``NaN`` (use :func:`harm_totals` for the
    report of which, and how many).

    Examples
    --------
    >>> inc = pd.DataFrame({"category": ["Burglary", "Anti-social behaviour"]})
    >>> incident_harm(inc, {"Burglary": 465.4, "Anti-social behaviour": None}).tolist()
    [465.4, nan]
    """
    _check_incidents(incidents, [category_column])
    w, _ = _weigh(incidents, weights, category_column, on_unknown)
    return pd.Series(w, index=incidents.index, name="harm")


@dataclass(frozen=True)
class HarmTotals:
    """Harm by category.

    Attributes
    ----------
    table : pandas.DataFrame
        Weighted categories, most harmful first: ``category``, ``incidents``, ``weight``,
        ``harm`` (incidents x weight), ``share_of_harm``, ``share_of_incidents`` (of
        weighted incidents).
    total_harm : float
        Sum of ``harm``.
    weighted_incidents : int
        Incidents with a weight.
    not_weighted : pandas.DataFrame
        Categories left out, with ``incidents`` and ``reason``: no weight in the table
        (e.g. anti-social behaviour), not in the table at all, or category missing.
    """

    table: pd.DataFrame
    total_harm: float
    weighted_incidents: int
    not_weighted: pd.DataFrame


def harm_totals(
    incidents: pd.DataFrame,
    weights: pd.DataFrame | Mapping[str, Any] | None = None,
    *,
    category_column: str = "category",
    on_unknown: str = "report",
) -> HarmTotals:
    """Total harm per category, with the categories that could not be weighted.

    Parameters
    ----------
    incidents : pandas.DataFrame
        One row per incident with a category column.
    weights : DataFrame or mapping, optional
        Severity weights (see :func:`severity_weights`); default the CSS table.
    category_column : str, default "category"
    on_unknown : {"report", "raise"}, default "report"
        What to do with categories missing from the table.

    Returns
    -------
    HarmTotals

    Examples
    --------
    >>> inc = pd.DataFrame({"category": ["Burglary", "Burglary", "Shoplifting",
    ...                                  "Anti-social behaviour", "Fly-tipping"]})
    >>> h = harm_totals(inc, {"Burglary": 400, "Shoplifting": 10,
    ...                       "Anti-social behaviour": None})
    >>> h.table[["category", "incidents", "harm"]]
          category  incidents   harm
    0     Burglary          2  800.0
    1  Shoplifting          1   10.0
    >>> h.not_weighted
                    category  incidents                             reason
    0  Anti-social behaviour          1    no severity weight in the table
    1            Fly-tipping          1  category not in the weights table
    """
    _check_incidents(incidents, [category_column])
    w, report = _weigh(incidents, weights, category_column, on_unknown)
    frame = pd.DataFrame({"category": incidents[category_column].to_numpy(), "w": w})
    frame = frame[~np.isnan(w)]
    grouped = frame.groupby("category", sort=False)["w"]
    table = pd.DataFrame(
        {"incidents": grouped.size(), "weight": grouped.first(), "harm": grouped.sum()}
    ).reset_index()
    table["category"] = table["category"].astype(str)
    total = float(table["harm"].sum())
    n = int(table["incidents"].sum())
    table["share_of_harm"] = table["harm"] / total if total else 0.0
    table["share_of_incidents"] = table["incidents"] / n if n else 0.0
    table = table.sort_values(["harm", "category"], ascending=[False, True], kind="stable")
    return HarmTotals(
        table=table.reset_index(drop=True),
        total_harm=total,
        weighted_incidents=n,
        not_weighted=report,
    )


@dataclass(frozen=True)
class HarmSeries:
    """Monthly harm.

    Attributes
    ----------
    series : pandas.DataFrame
        Indexed by ``month``; column ``harm`` or one column per group. ``NaN`` for
        months not loaded.
    not_weighted : pandas.DataFrame
        Categories left out (see :class:`HarmTotals`), over the months in range.
    """

    series: pd.DataFrame
    not_weighted: pd.DataFrame


def harm_monthly_series(
    incidents: pd.DataFrame,
    *,
    start: Any,
    end: Any,
    weights: pd.DataFrame | Mapping[str, Any] | None = None,
    by: str | Sequence[str] | None = None,
    months_loaded: Iterable[Any] | None = None,
    category_column: str = "category",
    month_column: str = "month",
    on_unknown: str = "report",
) -> HarmSeries:
    """Harm per month: the harm-weighted counterpart of ``monthly_series``.

    Parameters are those of :func:`diogel.analysis.trends.monthly_series` plus
    ``weights``, ``category_column`` and ``on_unknown`` (see :func:`harm_totals`).

    Returns
    -------
    HarmSeries

    Examples
    --------
    >>> inc = pd.DataFrame({"month": ["2023-01", "2023-01", "2023-03"],
    ...                     "category": ["Burglary", "Shoplifting", "Burglary"]})
    >>> hs = harm_monthly_series(inc, start="2023-01", end="2023-03",
    ...                          weights={"Burglary": 400, "Shoplifting": 10})
    >>> hs.series["harm"].tolist()
    [410.0, 0.0, 400.0]
    """
    by_cols = [by] if isinstance(by, str) else list(by) if by is not None else []
    _check_incidents(incidents, [month_column, category_column, *by_cols])
    months = month_range(start, end)
    row_months = as_month_index(incidents[month_column], name=f"incidents[{month_column!r}]")
    keep = np.asarray((row_months >= months[0]) & (row_months <= months[-1]))
    subset = incidents[keep]
    w, report = _weigh(subset, weights, category_column, on_unknown)
    frame = pd.DataFrame({"month": row_months[keep], "w": w})
    for col in by_cols:
        frame[col] = subset[col].to_numpy()
    frame = frame[~np.isnan(w)]
    if by_cols:
        sums = frame.groupby(["month", *by_cols], dropna=False)["w"].sum()
        table = sums.unstack(by_cols, fill_value=0.0).reindex(months, fill_value=0.0)
        table = table.reindex(columns=sorted(table.columns, key=str))
    else:
        table = frame.groupby("month")["w"].sum().reindex(months, fill_value=0.0).to_frame("harm")
    table.index = months
    table = table.astype(float)
    if months_loaded is not None:
        loaded = as_month_index(list(months_loaded), name="months_loaded")
        table.loc[~months.isin(loaded), :] = np.nan
    return HarmSeries(series=table, not_weighted=report)
