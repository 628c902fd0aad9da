"""Near-repeat patterns: the Knox test over distance and time bands, with permutations.

After a burglary, homes nearby are at raised risk for a few weeks ("near repeats").
The Knox test counts pairs of events that are close in both space and time and asks
whether there are more such pairs than if the same events had happened at the same
places but with their dates shuffled among them (the method of the Near Repeat
Calculator, Ratcliffe 2009; Johnson et al. 2007).

Bands are given as edges ``e0 < e1 < ... < ek``. A pair falls in band ``i`` when
``e(i-1) < value <= e(i)``; the first band also includes ``value == e0``. So distance
edges ``(0, 100, 200)`` give the bands 0-100 m and over 100 up to 200 m, and time edges
``(0, 7, 14)`` give 0-7 days and 8-14 days for whole days.

Speed: pairs within the largest distance are found once with a KD-tree
(``scipy.spatial.cKDTree.query_pairs``), never with an ``n x n`` matrix. Shuffling dates
does not move events, so each permutation only re-bins the time gaps of those close
pairs (vectorised). Permutation ``k`` is the ``k``-th draw of
``numpy.random.default_rng(seed).permutation(n)``; event ``i`` then takes the date of
event ``perm[i]``. The p-value is ``(1 + #{permutations with count >= observed}) /
(1 + permutations)``.

Dates must be real dates. data.police.uk publishes only the month of each crime, so
every street-crime date is the first of a month: such data cannot show a pattern that
plays out over days, and is rejected with an explanation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from diogel.errors import InputError

#: Default number of permutations (p-values then have a resolution of 0.01).
PERMUTATIONS: Final = 99

__all__ = ["PERMUTATIONS", "KnoxResult", "band_index", "knox_test"]

_MONTHLY_HINT = (
    "use data with the date of each incident (for example council ASB logs, fire "
    "service incidents or A&E assault records); data.police.uk street crime only "
    "gives the month"
)
_MONTH_STRING = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True)
class KnoxResult:
    """The Knox test for each (distance band, time band).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per pair of bands, distance bands outer: ``distance_from``,
        ``distance_to`` (metres), ``time_from``, ``time_to`` (days), ``observed`` (pairs
        of events in both bands), ``expected`` (mean over the permutations),
        ``knox_ratio`` (observed / expected; ``NaN`` when expected is 0) and
        ``p_value``.
    events : int
        Number of events.
    close_pairs : int
        Pairs of events within the distance bands.
    permutations : int
        Number of permutations.
    seed : int or None
        Seed of the permutations.
    """

    table: pd.DataFrame
    events: int
    close_pairs: int
    permutations: int
    seed: int | None

    def matrix(self, column: str = "knox_ratio") -> pd.DataFrame:
        """One column of :attr:`table` as a distance band x time band matrix.

        Examples
        --------
        >>> r = knox_test([0, 1, 50], [0, 0, 0], [0, 1, 30], distance_bands=(0, 10, 100),
        ...               time_bands=(0, 7, 60), permutations=9, seed=1)
        >>> r.matrix("observed")  # doctest: +NORMALIZE_WHITESPACE
        time      0-7  7-60
        distance
        0-10        1     0
        10-100      0     2
        """
        t = self.table
        labels_d = t["distance_from"].map("{:g}".format) + "-" + t["distance_to"].map("{:g}".format)
        labels_t = t["time_from"].map("{:g}".format) + "-" + t["time_to"].map("{:g}".format)
        frame = pd.DataFrame({"distance": labels_d, "time": labels_t, "v": t[column]})
        out = frame.pivot(index="distance", columns="time", values="v")
        return out.loc[labels_d.unique(), labels_t.unique()]


def _check_edges(edges: Any, name: str, unit: str) -> np.ndarray:
    example = "(0, 100, 200, 400)" if unit == "metres" else "(0, 7, 14, 28)"
    try:
        arr = np.asarray(edges, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{name} must be band edges in {unit}; received {edges!r}",
            hint=f"e.g. {name}={example}",
        ) from exc
    if (
        arr.ndim != 1
        or arr.size < 2
        or not np.all(np.isfinite(arr))
        or arr[0] < 0
        or np.any(np.diff(arr) <= 0)
    ):
        raise InputError(
            f"{name} must be at least two increasing edges >= 0 in {unit}; received {edges!r}",
            hint=f"e.g. {name}={example}",
        )
    return arr


def band_index(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Band of each value: ``i`` for ``edges[i] < v <= edges[i+1]`` (and ``v == edges[0]``
    in band 0); ``len(edges) - 1`` for values outside all bands.

    Examples
    --------
    >>> band_index(np.array([0.0, 5, 10, 11, 25, -1]), np.array([0.0, 10, 20]))
    array([0, 0, 0, 1, 2, 2])
    """
    k = len(edges) - 1
    idx = np.searchsorted(edges, values, side="left") - 1
    idx[values == edges[0]] = 0
    idx[(idx < 0) | (idx >= k)] = k
    return idx


def _as_days(t_days: Any, n: int) -> np.ndarray:
    """Times as float days; rejects month-only dates."""
    monthly = InputError(
        "t_days holds months only (every date is the first of a month, as in "
        "data.police.uk downloads); near-repeat analysis needs the day of each event",
        hint=_MONTHLY_HINT,
    )
    if isinstance(t_days, pd.PeriodIndex | pd.Series) and isinstance(
        getattr(t_days, "dtype", None), pd.PeriodDtype
    ):
        periods = pd.PeriodIndex(t_days)
        if periods.freqstr.startswith("M"):
            raise monthly
        t_days = periods.to_timestamp()
    values = np.asarray(t_days)
    if values.ndim != 1 or len(values) != n:
        raise InputError(
            f"t_days must have one time per event ({n}); received shape {values.shape}",
            hint="pass x, y and t_days of the same length",
        )
    if values.dtype.kind in "OUS":
        text = pd.Series(values).astype(str)
        if text.str.match(_MONTH_STRING).all():
            raise monthly
        try:
            values = pd.to_datetime(text, format="ISO8601").to_numpy()
        except (ValueError, TypeError) as exc:
            raise InputError(
                f"t_days must be dates or numbers of days; received values such as "
                f"{list(text[:3])!r}",
                hint="pass datetimes, 'YYYY-MM-DD' strings or days as numbers",
            ) from exc
    if values.dtype.kind == "M":
        stamps = pd.DatetimeIndex(values)
        if stamps.hasnans:
            raise InputError(
                f"t_days has {int(np.sum(stamps.isna()))} missing date(s)",
                hint="drop events without a date before the test",
            )
        if n >= 2 and bool(np.all((stamps.day == 1) & (stamps == stamps.normalize()))):
            raise monthly
        return np.asarray((stamps - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1), float)
    if values.dtype.kind not in "iuf" or values.dtype.kind == "b":
        raise InputError(
            f"t_days must be dates or numbers of days; received dtype {values.dtype}",
            hint="pass datetimes or days as numbers (e.g. days since 1970-01-01)",
        )
    days = values.astype(float)
    if not np.all(np.isfinite(days)):
        raise InputError("t_days has missing or infinite values", hint="drop events without a date")
    whole = days == np.round(days)
    if len(np.unique(days)) >= 3 and whole.all():
        stamps = pd.Timestamp("1970-01-01") + pd.to_timedelta(days, unit="D")
        if bool(np.all(stamps.day == 1)):
            raise monthly
    return days


def knox_test(
    x: Any,
    y: Any,
    t_days: Any,
    *,
    distance_bands: Sequence[float],
    time_bands: Sequence[float],
    permutations: int = PERMUTATIONS,
    seed: int | None = None,
) -> KnoxResult:
    """Knox test for near-repeat patterns over distance and time bands.

    Parameters
    ----------
    x, y : array-like
        Event coordinates in metres (British National Grid).
    t_days : array-like
        Event times: datetimes, ``'YYYY-MM-DD'`` strings or numbers of days.
        Month-only dates (data.police.uk) are rejected.
    distance_bands : sequence of float
        Band edges in metres, e.g. ``(0, 100, 200, 400)``.
    time_bands : sequence of float
        Band edges in days, e.g. ``(0, 7, 14, 28)``.
    permutations : int, default 99
        Number of random reassignments of the dates.
    seed : int, optional
        Seed for the permutations (same seed, same result).

    Returns
    -------
    KnoxResult

    Examples
    --------
    Ten pairs of events 20 m and 2 days apart, in a year of otherwise scattered events:

    >>> rng = np.random.default_rng(0)
    >>> x = np.concatenate([np.arange(10) * 1000.0, np.arange(10) * 1000.0 + 20])
    >>> y = np.zeros(20)
    >>> t = np.concatenate([np.arange(10) * 36.0, np.arange(10) * 36.0 + 2])
    >>> r = knox_test(x, y, t, distance_bands=(0, 100), time_bands=(0, 7, 365),
    ...               permutations=99, seed=1)
    >>> r.table[["time_to", "observed", "p_value"]]
       time_to  observed  p_value
    0      7.0        10     0.01
    1    365.0         0     1.00
    """
    try:
        xs = np.asarray(x, dtype=float)
        ys = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(
            "x and y must be numbers (metres)", hint="project coordinates to EPSG:27700"
        ) from exc
    if xs.ndim != 1 or xs.shape != ys.shape:
        raise InputError(
            f"x and y must be 1-D and the same length; received shapes {xs.shape} and {ys.shape}",
            hint="pass one x and one y per event",
        )
    n = xs.size
    if n < 2:
        raise InputError(
            f"the Knox test needs at least two events; received {n}",
            hint="choose a longer period or a larger area",
        )
    if not (np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))):
        raise InputError(
            "x and y have missing or infinite values", hint="drop events without a location"
        )
    days = _as_days(t_days, n)
    d_edges = _check_edges(distance_bands, "distance_bands", "metres")
    t_edges = _check_edges(time_bands, "time_bands", "days")
    if isinstance(permutations, bool) or not isinstance(permutations, int | np.integer):
        raise InputError(
            f"permutations must be a whole number >= 1; received {permutations!r}",
            hint="use 99 or 999",
        )
    if permutations < 1:
        raise InputError(
            f"permutations must be >= 1; received {permutations}", hint="use 99 or 999"
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)):
        raise InputError(f"seed must be a whole number or None; received {seed!r}", hint="e.g. 1")

    n_d, n_t = len(d_edges) - 1, len(t_edges) - 1
    i, j, d_band = _close_pairs(xs, ys, d_edges)
    # Pair codes: distance band * n_t + time band. Only pairs whose time gap falls in
    # the time bands are binned; typically that is a small share of the close pairs.
    base = d_band * n_t
    t_low, t_high = t_edges[0], t_edges[-1]

    def count(times: np.ndarray) -> np.ndarray:
        gaps = np.abs(np.subtract(times.take(i), times.take(j)))
        inside = np.flatnonzero((gaps <= t_high) & (gaps >= t_low))
        codes = base.take(inside) + band_index(gaps.take(inside), t_edges)
        return np.bincount(codes, minlength=n_d * n_t).reshape(n_d, n_t)

    observed = count(days)
    rng = np.random.default_rng(None if seed is None else int(seed))
    at_least = np.zeros((n_d, n_t), dtype=np.int64)
    total = np.zeros((n_d, n_t), dtype=np.int64)
    for _ in range(int(permutations)):
        simulated = count(days[rng.permutation(n)])
        at_least += simulated >= observed
        total += simulated
    expected = total / int(permutations)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / expected, np.nan)
    p_value = (1 + at_least) / (1 + int(permutations))
    dd, tt = np.meshgrid(np.arange(n_d), np.arange(n_t), indexing="ij")
    table = pd.DataFrame(
        {
            "distance_from": d_edges[dd.ravel()],
            "distance_to": d_edges[dd.ravel() + 1],
            "time_from": t_edges[tt.ravel()],
            "time_to": t_edges[tt.ravel() + 1],
            "observed": observed.ravel(),
            "expected": expected.ravel(),
            "knox_ratio": ratio.ravel(),
            "p_value": p_value.ravel(),
        }
    )
    return KnoxResult(
        table=table,
        events=int(n),
        close_pairs=len(i),
        permutations=int(permutations),
        seed=None if seed is None else int(seed),
    )


def _close_pairs(
    xs: np.ndarray, ys: np.ndarray, edges: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``i < j`` within the distance bands, with their distance band."""
    points = np.column_stack([xs, ys])
    # A hair of slack: the tree's own distance arithmetic may differ from ours in the
    # last bit; the band test below uses our distances, so results are exact.
    reach = edges[-1] * (1 + 1e-9) + 1e-9
    pairs = cKDTree(points).query_pairs(r=reach, output_type="ndarray")
    # Native-width indices: gathers with narrower ones are slower (numpy converts them).
    i = pairs[:, 0].astype(np.intp)
    j = pairs[:, 1].astype(np.intp)
    dist = np.hypot(xs[i] - xs[j], ys[i] - ys[j])
    band = band_index(dist, edges)
    keep = band < len(edges) - 1
    return i[keep], j[keep], band[keep]
