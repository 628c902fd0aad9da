"""Crime concentration at places: top-share, Lorenz curve, Gini, and repeat locations.

"Places" are whatever the counts are per: grid cells, LSOAs or street locations. Places
with no crime must be included as zeros: concentration is about how crime is spread
over *all* places, and leaving out the empty ones understates it.

When there are fewer crimes than places, even a perfectly even spread leaves most places
empty, so the ordinary Gini is close to 1 whatever happens. Bernasco and Steenbeek
(2017) compare the observed Lorenz curve with *maximal* equality given the data (one
crime in each of ``n`` places) instead of perfect equality, giving the generalized Gini

    G' = max(1, N / n) * (G - 1) + 1

for ``N`` places and ``n`` crimes, where ``G`` is the ordinary (sample) Gini. It equals
``G`` when ``n >= N``. Reference: W. Bernasco and W. Steenbeek (2017), "More places than
crimes: implications for evaluating the law of crime concentration at place", *Journal
of Quantitative Criminology* 33(3), 451-467, doi:10.1007/s10940-016-9324-7 (the formula
as implemented in the authors' R package ``lorenzgini``, with ``unbiased = FALSE``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from diogel.errors import InputError

#: Shares of places for which the share of crime is reported (top 5 %, 10 %, 20 %).
TOP_SHARES: Final = (0.05, 0.1, 0.2)
#: Repeat locations listed by default.
TOP_LOCATIONS: Final = 20

__all__ = [
    "TOP_LOCATIONS",
    "TOP_SHARES",
    "Concentration",
    "concentration",
    "generalized_gini",
    "gini",
    "repeat_locations",
]


@dataclass(frozen=True)
class Concentration:
    """How concentrated crime is across places.

    Attributes
    ----------
    places : int
        Number of places (including those with no crime).
    events : float
        Total count.
    places_with_crime : int
        Places with a count above zero.
    top_shares : pandas.DataFrame
        One row per requested share: ``share_of_places``, ``places`` (the busiest
        ``ceil(share * places)`` places), ``share_of_crime``.
    share_of_places_for_half_of_crime : float
        Smallest share of places that together hold at least half of all crime.
    lorenz : pandas.DataFrame
        The Lorenz curve, places ordered from least to most crime: ``share_of_places``,
        ``share_of_crime`` and ``maximal_equality`` (the curve of the most even spread
        possible with this many crimes, Bernasco and Steenbeek 2017). ``places + 1``
        points from (0, 0) to (1, 1).
    gini : float
        The ordinary (sample) Gini coefficient.
    gini_generalized : float
        The generalized Gini of Bernasco and Steenbeek (2017), corrected for fewer crimes
        than places.
    """

    places: int
    events: float
    places_with_crime: int
    top_shares: pd.DataFrame
    share_of_places_for_half_of_crime: float
    lorenz: pd.DataFrame
    gini: float
    gini_generalized: float


def _check_counts(counts: Any) -> np.ndarray:
    if isinstance(counts, pd.DataFrame):
        if counts.shape[1] != 1:
            raise InputError(
                f"counts must be one column of counts per place; received a frame with "
                f"{counts.shape[1]} columns",
                hint="pass one column, e.g. frame['count']",
            )
        counts = counts.iloc[:, 0]
    try:
        values = np.asarray(counts, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(
            "counts must be numbers, one per place; received values that are not numbers",
            hint="pass counts per place, including places with zero",
        ) from exc
    if values.ndim != 1 or values.size == 0:
        raise InputError(
            f"counts must be a non-empty 1-D array; received shape {values.shape}",
            hint="pass one count per place, including places with zero",
        )
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise InputError(
            "counts must be finite and >= 0; received missing, infinite or negative values",
            hint="use 0 for places with no crime",
        )
    return values


def gini(counts: Any) -> float:
    """The ordinary (sample) Gini coefficient of counts per place.

    ``G = 2 * sum(i * x_(i)) / (N * sum(x)) - (N + 1) / N`` with the counts sorted in
    ascending order (``i = 1 .. N``). All crime in one of ``N`` places gives
    ``1 - 1 / N``; an even spread gives 0.

    Examples
    --------
    >>> round(gini([10, 8, 2, 0, 0, 0, 0, 0, 0, 0]), 6)
    0.78
    """
    x = np.sort(_check_counts(counts))
    total = x.sum()
    if total == 0:
        raise InputError(
            "counts are all zero; concentration is undefined without any crime",
            hint="choose a period or area with recorded crime",
        )
    n = x.size
    ranks = np.arange(1, n + 1)
    return float(2 * np.sum(ranks * x) / (n * total) - (n + 1) / n)


def generalized_gini(counts: Any) -> float:
    """Generalized Gini for sparse counts (Bernasco and Steenbeek 2017).

    ``G' = max(1, N / n) * (G - 1) + 1``: the same as :func:`gini` when there are at
    least as many crimes ``n`` as places ``N``.

    Examples
    --------
    8 crimes over 10 places, the example in the authors' ``lorenzgini`` package:

    >>> counts = [5, 2, 1, 0, 0, 0, 0, 0, 0, 0]
    >>> round(gini(counts), 6), round(generalized_gini(counts), 6)
    (0.8, 0.75)
    """
    x = _check_counts(counts)
    g = gini(x)
    return float(max(1.0, x.size / x.sum()) * (g - 1.0) + 1.0)


def _check_shares(top_share: Any) -> tuple[float, ...]:
    if isinstance(top_share, int | float) and not isinstance(top_share, bool):
        top_share = (top_share,)
    try:
        shares = tuple(float(s) for s in top_share)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"top_share must be shares of places between 0 and 1; received {top_share!r}",
            hint="e.g. (0.05, 0.1, 0.2) for the top 5%, 10% and 20%",
        ) from exc
    if not shares or any(not 0 < s <= 1 for s in shares):
        raise InputError(
            f"top_share must be shares of places between 0 and 1; received {top_share!r}",
            hint="e.g. (0.05, 0.1, 0.2) for the top 5%, 10% and 20%",
        )
    return shares


def concentration(counts: Any, *, top_share: Sequence[float] = TOP_SHARES) -> Concentration:
    """Measure how concentrated crime is across places.

    Parameters
    ----------
    counts : array-like
        One count per place, including zeros for places without crime.
    top_share : sequence of float, default (0.05, 0.1, 0.2)
        Shares of the busiest places for which to report the share of crime.

    Returns
    -------
    Concentration

    Examples
    --------
    >>> c = concentration([10, 8, 2, 0, 0, 0, 0, 0, 0, 0], top_share=(0.1, 0.2))
    >>> c.top_shares["share_of_crime"].tolist()
    [0.5, 0.9]
    >>> c.share_of_places_for_half_of_crime, round(c.gini, 2), round(c.gini_generalized, 2)
    (0.1, 0.78, 0.78)
    """
    x = _check_counts(counts)
    shares = _check_shares(top_share)
    g = gini(x)
    n_places = x.size
    total = float(x.sum())
    ascending = np.sort(x)
    descending = ascending[::-1]
    cum_desc = np.cumsum(descending)
    rows = []
    for s in shares:
        # The small tolerance keeps 0.1 * 30 from rounding up to 4 places.
        k = max(1, math.ceil(s * n_places - 1e-9))
        rows.append({"share_of_places": s, "places": k, "share_of_crime": cum_desc[k - 1] / total})
    top = pd.DataFrame(rows, columns=["share_of_places", "places", "share_of_crime"])
    half = int(np.searchsorted(cum_desc, total / 2 - 1e-9 * total)) + 1
    p = np.arange(n_places + 1) / n_places
    lorenz_y = np.concatenate([[0.0], np.cumsum(ascending)]) / total
    # Maximal equality: n crimes spread one per place over the last n places (or evenly
    # when there are at least as many crimes as places).
    occupied = min(1.0, total / n_places)
    maximal = np.clip((p - (1 - occupied)) / occupied, 0.0, 1.0)
    lorenz = pd.DataFrame(
        {"share_of_places": p, "share_of_crime": lorenz_y, "maximal_equality": maximal}
    )
    return Concentration(
        places=n_places,
        events=total,
        places_with_crime=int(np.count_nonzero(x)),
        top_shares=top,
        share_of_places_for_half_of_crime=half / n_places,
        lorenz=lorenz,
        gini=g,
        gini_generalized=float(max(1.0, n_places / total) * (g - 1.0) + 1.0),
    )


def repeat_locations(
    incidents: pd.DataFrame,
    by: str | Sequence[str] = "location",
    top: int | None = TOP_LOCATIONS,
    *,
    month_column: str = "month",
) -> pd.DataFrame:
    """Rank the places where incidents recur most often.

    Parameters
    ----------
    incidents : pandas.DataFrame
        One row per incident.
    by : str or sequence of str, default "location"
        Column(s) that identify a place. police.uk location text such as
        ``"On or near High Street"`` repeats across towns, so
        ``["location", "lsoa_code"]`` or ``["x", "y"]`` identify places more exactly.
        Rows with a missing place are left out.
    top : int or None, default 20
        Number of places to return (``None`` for all places with at least one incident).
    month_column : str, default "month"
        When this column exists, ``months`` counts the distinct months with an incident
        at the place (persistence as well as volume).

    Returns
    -------
    pandas.DataFrame
        One row per place, busiest first: the ``by`` columns, ``incidents``, ``share``
        (of all incidents with a place), ``cumulative_share``, ``rank`` (ties share
        the best rank) and, when months are known, ``months``.

    Examples
    --------
    >>> inc = pd.DataFrame({"location": ["A", "B", "A", "C", "A", "B"],
    ...                     "month": ["2023-01", "2023-01", "2023-02", "2023-02", "2023-02",
    ...                               "2023-03"]})
    >>> repeat_locations(inc, top=2)
      location  incidents     share  cumulative_share  rank  months
    0        A          3  0.500000          0.500000     1       2
    1        B          2  0.333333          0.833333     2       2
    """
    if not isinstance(incidents, pd.DataFrame):
        raise InputError(
            f"incidents must be a pandas DataFrame; received {type(incidents).__name__}",
            hint="read the data into a frame with one row per incident",
        )
    cols = [by] if isinstance(by, str) else list(by)
    missing = [c for c in cols if c not in incidents.columns]
    if not cols or missing:
        raise InputError(
            f"by must name columns of incidents; received {by!r}, columns are "
            f"{list(incidents.columns)}",
            hint="e.g. by='location' or by=['location', 'lsoa_code']",
        )
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise InputError(
            f"top must be a whole number >= 1 or None; received {top!r}", hint="e.g. top=20"
        )
    frame = incidents.dropna(subset=cols)
    grouped = frame.groupby(cols, sort=False)
    table = grouped.size().rename("incidents").reset_index()
    total = table["incidents"].sum()
    if month_column in frame.columns:
        table["months"] = grouped[month_column].nunique().to_numpy()
    table = table.sort_values(
        ["incidents", *cols], ascending=[False, *([True] * len(cols))], kind="stable"
    ).reset_index(drop=True)
    table.insert(len(cols) + 1, "share", table["incidents"] / total if total else 0.0)
    table.insert(len(cols) + 2, "cumulative_share", table["share"].cumsum())
    table.insert(
        len(cols) + 3, "rank", table["incidents"].rank(method="min", ascending=False).astype(int)
    )
    return table.head(top) if top is not None else table
