"""The Cardiff Model's figures: violence by hour and day, weapons, violence the police do not see.

The Cardiff Model for Violence Prevention puts anonymised A&E assault records beside
police-recorded violence. A&E records carry the time of each assault (police.uk data
gives only the month), name the weapon, and include assaults never reported to the
police. These functions are pure: frames and arrays in, frozen results out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from diogel.analysis.hotspots import HotspotResult
from diogel.errors import InputError

#: Days of the week, Monday first (as ``Timestamp.dayofweek`` counts them).
DAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Police-recorded violence within this many metres of an A&E assault's place counts as
#: the police having seen violence there. police.uk moves each crime to one of a set of
#: anonymous map points, usually within a street's length of where it happened.
UNSEEN_RADIUS: Final = 100.0

__all__ = [
    "DAYS",
    "UNSEEN_RADIUS",
    "HourDayTable",
    "UnseenViolence",
    "cell_sources",
    "combined_points",
    "hour_by_day",
    "profile",
    "unseen_violence",
]


@dataclass(frozen=True)
class HourDayTable:
    """Counts of events by hour of day (rows 0-23) and day of week (columns Monday-Sunday).

    Attributes
    ----------
    counts : pandas.DataFrame
        24 x 7 whole counts.
    without_time : int
        Events with no time of day, left out of ``counts``.
    """

    counts: pd.DataFrame
    without_time: int

    @property
    def total(self) -> int:
        """Events with a time (the sum of ``counts``)."""
        return int(self.counts.to_numpy().sum())

    def peak(self) -> tuple[str, int, int]:
        """(day, hour, count) of the busiest hour of the week (the earliest on ties)."""
        values = self.counts.to_numpy()
        flat = values.T.ravel()  # Monday 00h, Monday 01h, ...
        i = int(np.argmax(flat))
        day, hour = divmod(i, values.shape[0])
        return DAYS[day], int(hour), int(flat[i])


def hour_by_day(occurred_at: Any) -> HourDayTable:
    """Count events by hour of day and day of week.

    Parameters
    ----------
    occurred_at : array-like of datetime
        When each event happened; missing values (NaT, None) are events whose time is
        not known and are counted in ``without_time``.

    Examples
    --------
    >>> t = hour_by_day(pd.to_datetime(["2024-03-01 23:10", "2024-03-01 23:50",
    ...                                 "2024-03-02 01:05", None]))
    >>> int(t.counts.loc[23, "Friday"]), int(t.counts.loc[1, "Saturday"]), t.without_time
    (2, 1, 1)
    >>> t.peak()
    ('Friday', 23, 2)
    """
    try:
        stamps = pd.DatetimeIndex(
            pd.to_datetime(pd.Series(occurred_at, dtype=object), errors="raise")
        )
    except (TypeError, ValueError) as exc:
        raise InputError(
            "occurred_at must be dates with times", hint="pass datetimes; use NaT for unknown times"
        ) from exc
    known = np.asarray(~np.asarray(stamps.isna()), dtype=bool)
    hours = stamps[known].hour.to_numpy()
    days = stamps[known].day_of_week.to_numpy()
    grid = np.zeros((24, 7), dtype=np.int64)
    np.add.at(grid, (hours, days), 1)
    counts = pd.DataFrame(grid, index=pd.RangeIndex(24, name="hour"), columns=list(DAYS))
    return HourDayTable(counts, int((~known).sum()))


def profile(
    values: Sequence[Any] | pd.Series, order: Sequence[str], *, missing: str
) -> pd.DataFrame:
    """Counts and shares of each value, in a fixed order (e.g. weapons).

    Missing values count as ``missing``; values not in ``order`` come after it.

    Examples
    --------
    >>> profile(["body-part", "knife-or-sharp-object", None, "body-part"],
    ...         ["body-part", "knife-or-sharp-object", "not-known"], missing="not-known")
                       value  count  share
    0              body-part      2   0.50
    1  knife-or-sharp-object      1   0.25
    2              not-known      1   0.25
    """
    series = pd.Series(list(values), dtype=object).where(lambda s: s.notna(), missing)
    counts = series.value_counts()
    extra = sorted(str(v) for v in counts.index if v not in order)
    index = [*order, *extra]
    found = counts.reindex(index, fill_value=0).astype(np.int64)
    total = int(found.sum())
    shares = found / total if total else found.astype(float) * np.nan
    return pd.DataFrame({"value": index, "count": found.to_numpy(), "share": shares.to_numpy()})


@dataclass(frozen=True)
class UnseenViolence:
    """How many A&E assaults happened where the police recorded no violence.

    Attributes
    ----------
    events : int
        A&E assaults with a place.
    unseen : int
        Of those, assaults with no police-recorded violence within ``radius`` metres and
        none recorded "on or near" the same named place.
    without_place : int
        A&E assaults with no place (not counted either way).
    radius : float
        Metres.
    places : pandas.DataFrame
        One row per place: ``place``, ``x``, ``y``, ``events``, ``police`` (police-recorded
        violence near it) and ``unseen``; busiest first.
    """

    events: int
    unseen: int
    without_place: int
    radius: float
    places: pd.DataFrame

    @property
    def share(self) -> float:
        """``unseen / events`` (NaN when no assault has a place)."""
        return self.unseen / self.events if self.events else float("nan")


def _street(text: Any) -> str:
    return re.sub(r"^\s*on or near\s+", "", str(text or ""), flags=re.IGNORECASE).strip().casefold()


def unseen_violence(
    partner: pd.DataFrame, police: pd.DataFrame, *, radius: float = UNSEEN_RADIUS
) -> UnseenViolence:
    """Share of A&E assaults at places with no police-recorded violence.

    Parameters
    ----------
    partner : pandas.DataFrame
        A&E assaults: ``x``, ``y`` (British National Grid metres; NaN when unplaced) and
        optionally ``place`` (the matched street or venue name).
    police : pandas.DataFrame
        Police-recorded violence in the same area and period: ``x``, ``y`` and optionally
        ``location`` (police.uk "On or near ..." text).
    radius : float
        Metres within which police-recorded violence counts as seen.

    Examples
    --------
    Two assaults on Queen Street, where the police recorded violence 40 m away, and one in
    a side street 500 m from any:

    >>> ae = pd.DataFrame({"x": [0.0, 0.0, 500.0, np.nan], "y": [0.0] * 4,
    ...                    "place": ["Queen Street", "Queen Street", "Side Street", None]})
    >>> police = pd.DataFrame({"x": [40.0], "y": [0.0], "location": ["On or near Queen Street"]})
    >>> u = unseen_violence(ae, police)
    >>> u.events, u.unseen, u.without_place, round(u.share, 3)
    (3, 1, 1, 0.333)
    """
    if not np.isfinite(radius) or radius < 0:
        raise InputError(
            f"radius must be a distance >= 0 in metres; received {radius!r}", hint="e.g. radius=100"
        )
    for name, frame in (("partner", partner), ("police", police)):
        if not {"x", "y"} <= set(frame.columns):
            raise InputError(f"{name} needs x and y columns (metres)", hint="see the docstring")
    xy = partner[["x", "y"]].to_numpy(float)
    placed = np.isfinite(xy).all(axis=1)
    pxy = police[["x", "y"]].to_numpy(float)
    pxy = pxy[np.isfinite(pxy).all(axis=1)]
    near = np.zeros(int(placed.sum()), dtype=np.int64)
    if len(pxy) and placed.any():
        near = np.asarray(cKDTree(pxy).query_ball_point(xy[placed], r=radius, return_length=True))
    names = partner["place"] if "place" in partner else pd.Series([None] * len(partner))
    names = np.array(
        [str(n) if isinstance(n, str) and n.strip() else "" for n in names], dtype=object
    )[placed]
    police_streets = set(police["location"].map(_street)) if "location" in police else set()
    same_name = np.array([_street(n) in police_streets if n else False for n in names], dtype=bool)
    seen = (near > 0) | same_name
    labels = [
        str(n) if n else f"{x:.0f}, {y:.0f}" for n, (x, y) in zip(names, xy[placed], strict=True)
    ]
    frame = pd.DataFrame(
        {"place": labels, "x": xy[placed, 0], "y": xy[placed, 1], "police": near, "unseen": ~seen}
    )
    places = (
        frame.groupby("place", sort=False)
        .agg(
            x=("x", "first"),
            y=("y", "first"),
            events=("x", "size"),
            police=("police", "max"),
            unseen=("unseen", "all"),
        )
        .reset_index()
        .sort_values(["events", "place"], ascending=[False, True], ignore_index=True)
    )
    return UnseenViolence(
        events=int(placed.sum()),
        unseen=int((~seen).sum()),
        without_place=int((~placed).sum()),
        radius=float(radius),
        places=places,
    )


def combined_points(
    partner: pd.DataFrame,
    police: pd.DataFrame,
    *,
    partner_label: str = "a&e",
    police_label: str = "police",
) -> pd.DataFrame:
    """A&E and police points together for one hotspot map: ``x``, ``y``, ``source``.

    An assault both treated in A&E and reported to the police appears once in each
    source; the Cardiff Model accepts that overlap (it cannot be removed from anonymised
    data), so the combined map shows where violence is heaviest in both systems together.

    Examples
    --------
    >>> combined_points(pd.DataFrame({"x": [1.0, np.nan], "y": [2.0, np.nan]}),
    ...                 pd.DataFrame({"x": [3.0], "y": [4.0]}))
         x    y  source
    0  1.0  2.0     a&e
    1  3.0  4.0  police
    """
    parts = []
    for frame, label in ((partner, partner_label), (police, police_label)):
        xy = frame[["x", "y"]].astype(float)
        xy = xy[np.isfinite(xy.to_numpy()).all(axis=1)]
        parts.append(xy.assign(source=label))
    return pd.concat(parts, ignore_index=True)


def cell_sources(result: HotspotResult, points: pd.DataFrame) -> pd.DataFrame:
    """Per cell of a hotspot result, how many points came from each ``source``.

    Returns one row per cell of ``result.cells`` (same order) with a column per source.
    """
    flat, inside = result.grid.flat_index(points[["x", "y"]].to_numpy(float))
    out = pd.DataFrame(index=result.cells.index)
    ids = result.cells["cell_id"].to_numpy()
    for source in sorted(points["source"].unique()):
        mine = (points["source"] == source).to_numpy() & inside
        counts = pd.Series(flat[mine]).value_counts()
        out[source] = counts.reindex(ids, fill_value=0).to_numpy().astype(np.int64)
    return out
