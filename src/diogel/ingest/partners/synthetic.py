"""Synthetic ISTV files: realistic A&E assault records for tests and demos, never real patients.

No public A&E records exist, so Diogel makes its own from the published field list of
the ISTV minimum dataset (NHS ISB 1594: attendance date and time, incident date and
time, primary means of assault, location type, location description, site code,
reporting period). Every value is drawn at random with a seed:

* when: a week-by-hour profile peaking on Friday and Saturday nights (22:00-03:00),
  as assault attendances do; arrival at A&E 20 minutes to a few hours later;
* where: a location type, then a description written the way reception staff type it
  ("o/s Walkabout, St Mary St", "QUEEN ST", "home") from the streets (and venues) of an
  area: three quarters follow the streets' weights (police-recorded violence), a quarter
  fall on any street, as A&E sees assaults the police never hear of;
* how: weapon shares of the order reported for ISTV data (body part about 60%, knives
  and glass about 5% each).

Every row carries ``Synthetic = Y``; the built-in ISTV mapping stores that flag, and
Diogel's outputs say when they include synthetic records.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np
import pandas as pd

from diogel.errors import InputError

#: Columns of a synthetic ISTV file, in order.
ISTV_COLUMNS: Final = (
    "Attendance Identifier",
    "Site Code",
    "Reporting Period",
    "Attendance Date",
    "Arrival Time",
    "Incident Date",
    "Incident Time",
    "Incident Location Type",
    "Incident Location Description",
    "Primary Means of Assault",
    "Synthetic",
)

WEAPON_SHARES: Final = {
    "Body part (e.g. fist, foot, head)": 0.60,
    "Blunt object": 0.08,
    "Glass or bottle": 0.06,
    "Knife or other sharp object": 0.06,
    "Firearm": 0.004,
    "Other": 0.066,
    "Not known": 0.13,
}
LOCATION_SHARES: Final = {
    "Street/Public Place": 0.40,
    "Licensed Premises (pub, club, bar)": 0.20,
    "Home": 0.20,
    "Workplace": 0.05,
    "School/College": 0.02,
    "Public Transport": 0.03,
    "Other": 0.05,
    "Not Known": 0.05,
}
#: Relative weight of each hour (0-23) on a weekday, and extra night-time weight by day.
_HOURS: Final = np.array(
    [6, 5, 4, 2, 1, 1, 1, 1, 1.5, 2, 2.5, 3, 3.5, 3.5, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 8, 8]
)
_NIGHT_BOOST: Final = np.array([1.0, 1.0, 1.1, 1.3, 2.4, 2.8, 1.6])  # Mon..Sun (evening)
_EARLY_BOOST: Final = np.array([1.2, 1.0, 1.0, 1.1, 1.3, 2.6, 3.0])  # Mon..Sun (00-04h)
_PREFIXES: Final = ("", "", "", "outside ", "o/s ", "nr ", "near ", "opposite ", "by ")
_HOME: Final = ("home", "own home", "at home", "friends house", "partner's address", "", "")
_UNKNOWN: Final = ("", "", "not known", "N/K", "unknown", "refused to say")
_SHORT: Final = {
    "Street": "St",
    "Road": "Rd",
    "Avenue": "Ave",
    "Place": "Pl",
    "Terrace": "Tce",
    "Lane": "Ln",
    "Square": "Sq",
}


def _messy(name: str, rng: np.random.Generator) -> str:
    """A street or venue name as someone might type it in a hurry."""
    words = name.split()
    if rng.random() < 0.5:
        words = [_SHORT.get(w, w) for w in words]
    text = " ".join(words)
    roll = rng.random()
    if roll < 0.25:
        text = text.upper()
    elif roll < 0.45:
        text = text.lower()
    if rng.random() < 0.06 and len(text) > 6:  # one dropped letter
        i = int(rng.integers(1, len(text) - 1))
        if text[i].isalpha():
            text = text[:i] + text[i + 1 :]
    return text


def _when(rng: np.random.Generator, start: dt.date, end: dt.date, n: int) -> pd.DatetimeIndex:
    days = pd.date_range(start, end, freq="D")
    dow = days.day_of_week.to_numpy()
    weights = np.tile(_HOURS, (len(days), 1)).astype(float)
    weights[:, 18:] *= _NIGHT_BOOST[dow][:, None]
    weights[:, :4] *= _EARLY_BOOST[dow][:, None]
    p = (weights / weights.sum()).ravel()
    slot = rng.choice(p.size, size=n, p=p)
    minutes = rng.integers(0, 60, size=n)
    return pd.DatetimeIndex(
        days[slot // 24] + pd.to_timedelta(slot % 24, "h") + pd.to_timedelta(minutes, "min")
    )


def generate_istv(
    streets: pd.DataFrame,
    *,
    start: dt.date,
    end: dt.date,
    per_month: int = 120,
    venues: pd.DataFrame | None = None,
    site_code: str = "7A4BV",
    seed: int = 0,
    error_rows: int = 0,
) -> pd.DataFrame:
    """A synthetic ISTV extract as a frame of text columns (:data:`ISTV_COLUMNS`).

    Parameters
    ----------
    streets : pandas.DataFrame
        Street names of the area (``name``) and optionally a ``weight`` (e.g. police-recorded
        violence there); busier streets get more assaults.
    start, end : datetime.date
        First and last day of incidents.
    per_month : int
        Average rows per month.
    venues : pandas.DataFrame, optional
        Venue names (``name``) used for licensed premises, with the ``street`` they are on.
    site_code : str
        The emergency department's site code (default: an illustrative ODS code).
    seed : int
        Same seed, same file.
    error_rows : int
        Rows made wrong on purpose (bad date, unknown weapon, arrival before the incident,
        a repeated identifier) to show how Diogel rejects them.

    Examples
    --------
    >>> streets = pd.DataFrame({"name": ["St Mary Street", "Queen Street"], "weight": [5, 1]})
    >>> f = generate_istv(streets, start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 31), seed=1)
    >>> len(f), list(f.columns) == list(ISTV_COLUMNS), set(f["Synthetic"])
    (120, True, {'Y'})
    """
    if start > end:
        raise InputError(f"start {start} is after end {end}", hint="swap the two dates")
    if streets.empty or "name" not in streets:
        raise InputError(
            "no streets to place synthetic assaults on",
            hint="load police.uk street data for the area first",
        )
    rng = np.random.default_rng(seed)
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    n = int(rng.poisson(per_month * months))
    when = _when(rng, start, end, n).sort_values()
    delay = pd.to_timedelta(np.clip(rng.lognormal(np.log(80), 0.8, n), 15, 1200), "min")
    arrival = when + delay
    weight = streets["weight"].to_numpy(float) if "weight" in streets else np.ones(len(streets))
    # Three quarters of street assaults follow police-recorded violence (square root of its
    # count, so the busiest streets do not take everything); a quarter fall anywhere, as
    # A&E sees assaults the police never hear of.
    busy = np.sqrt(np.clip(weight, 0, None))
    p_street = np.full(len(weight), 1.0 / len(weight))
    if busy.sum() > 0:
        p_street = 0.75 * busy / busy.sum() + 0.25 * p_street
    names = streets["name"].astype(str).to_numpy()
    loc_types = rng.choice(list(LOCATION_SHARES), size=n, p=_p(LOCATION_SHARES))
    descriptions = [_describe(str(t), rng, names, p_street, venues) for t in loc_types]
    ids = rng.choice(np.arange(1_000_000, 9_999_999), size=n, replace=False)
    frame = pd.DataFrame(
        {
            "Attendance Identifier": [f"ED{i:07d}" for i in ids],
            "Site Code": site_code,
            "Reporting Period": arrival.strftime("%Y-%m"),
            "Attendance Date": arrival.strftime("%d/%m/%Y"),
            "Arrival Time": arrival.strftime("%H:%M"),
            "Incident Date": when.strftime("%d/%m/%Y"),
            "Incident Time": when.strftime("%H:%M"),
            "Incident Location Type": loc_types,
            "Incident Location Description": descriptions,
            "Primary Means of Assault": rng.choice(
                list(WEAPON_SHARES), size=n, p=_p(WEAPON_SHARES)
            ),
            "Synthetic": "Y",
        }
    )
    no_time = rng.random(n) < 0.08
    frame.loc[no_time, "Incident Time"] = ""
    no_date = rng.random(n) < 0.04
    frame.loc[no_date, ["Incident Date", "Incident Time"]] = ""
    if error_rows:
        frame = _spoil(frame, rng, error_rows)
    return frame.reset_index(drop=True)


def _p(shares: dict[str, float]) -> np.ndarray:
    values = np.array(list(shares.values()), dtype=float)
    return values / values.sum()


def _describe(
    loc_type: str,
    rng: np.random.Generator,
    names: np.ndarray,
    p_street: np.ndarray,
    venues: pd.DataFrame | None,
) -> str:
    street = str(names[rng.choice(len(names), p=p_street)])
    if loc_type.startswith("Licensed") and venues is not None and len(venues):
        venue = venues.iloc[int(rng.integers(len(venues)))]
        text = str(rng.choice(_PREFIXES)) + _messy(str(venue["name"]), rng)
        if "street" in venues and isinstance(venue["street"], str) and rng.random() < 0.4:
            text += ", " + _messy(venue["street"], rng)
        return text
    if loc_type.startswith(("Street", "Licensed", "Public")):
        return str(rng.choice(_PREFIXES)) + _messy(street, rng)
    if loc_type == "Home":
        return str(rng.choice(_HOME))
    if loc_type == "Workplace":
        return "at work" if rng.random() < 0.5 else "work, " + _messy(street, rng)
    return str(rng.choice(_UNKNOWN))


def _spoil(frame: pd.DataFrame, rng: np.random.Generator, k: int) -> pd.DataFrame:
    """Make ``k`` rows wrong in ways a real extract can be, so rejects can be shown."""
    frame = frame.copy()
    rows = rng.choice(len(frame), size=min(k, len(frame)), replace=False)
    for j, r in enumerate(rows):
        kind = j % 4
        if kind == 0:
            frame.loc[r, "Incident Date"] = "31/02/" + str(frame.loc[r, "Reporting Period"])[:4]
        elif kind == 1:
            frame.loc[r, "Primary Means of Assault"] = "Spoon"
        elif kind == 2:
            frame.loc[r, ["Attendance Date", "Incident Date"]] = ["01/01/2000", "02/01/2000"]
        else:  # the identifier of a row that is otherwise fine: one of the two is refused
            clean = next(i for i in range(len(frame)) if i not in set(rows))
            frame.loc[r, "Attendance Identifier"] = str(frame["Attendance Identifier"].iloc[clean])
    return frame
