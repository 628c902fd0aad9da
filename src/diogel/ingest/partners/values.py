"""Parse partner columns (dates, times, coordinates) into values plus per-row problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Final

import numpy as np
import pandas as pd

from diogel.geography import to_bng
from diogel.schema import GB_LAT_RANGE, GB_LON_RANGE

#: A row check: which rows fail it, and the reason for row i.
Problem = tuple[np.ndarray, Callable[[int], str]]

#: Dates before this are taken to be typing errors.
EARLIEST: Final = dt.date(1990, 1, 1)
#: British National Grid extent (metres) of Great Britain and its islands.
BNG_X_RANGE: Final = (0.0, 700_000.0)
BNG_Y_RANGE: Final = (0.0, 1_250_000.0)
#: Formats always accepted beside a mapping's own: how spreadsheets give dates and times.
ISO_DATES: Final = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S")
ISO_TIMES: Final = ("%H:%M:%S",)


def blank(values: pd.Series) -> np.ndarray:
    """True where a text value is empty.

    Examples
    --------
    >>> blank(pd.Series(["a", "", "  "])).tolist()
    [False, True, True]
    """
    return np.asarray(values.astype(str).str.strip().eq("").to_numpy(), dtype=bool)


def parse_dates(values: pd.Series, formats: Sequence[str]) -> tuple[pd.Series, np.ndarray]:
    """Parse with each format in turn (then ISO 8601); NaT where none fits.

    Returns the timestamps and, per row, whether the format that fitted gave a time.

    Examples
    --------
    >>> when, timed = parse_dates(pd.Series(["03/02/2024", "2024-02-05", "x", ""]), ["%d/%m/%Y"])
    >>> [str(w.date()) if pd.notna(w) else None for w in when], timed.tolist()
    (['2024-02-03', '2024-02-05', None, None], [False, False, False, False])
    """
    text = values.astype(str).str.strip()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    timed = np.zeros(len(values), dtype=bool)
    for fmt in dict.fromkeys([*formats, *ISO_DATES]):
        todo = out.isna().to_numpy() & (text != "").to_numpy()
        if not todo.any():
            break
        got = pd.to_datetime(text[todo], format=fmt, errors="coerce").astype("datetime64[us]")
        found = got.notna().to_numpy()
        idx = np.flatnonzero(todo)[found]
        out.iloc[idx] = got[found].to_numpy()
        if "%H" in fmt or "%I" in fmt:
            timed[idx] = True
    return out, timed


def parse_times(values: pd.Series, formats: Sequence[str]) -> pd.Series:
    """Time of day as a Timedelta since midnight; NaT where blank or unreadable.

    Examples
    --------
    >>> parse_times(pd.Series(["21:47", "0930", "25:00", ""]), ["%H:%M", "%H%M"]).tolist()
    [Timedelta('0 days 21:47:00'), Timedelta('0 days 09:30:00'), NaT, NaT]
    """
    text = values.astype(str).str.strip()
    out = pd.Series(pd.NaT, index=values.index, dtype="timedelta64[us]")
    for fmt in dict.fromkeys([*formats, *ISO_TIMES]):
        todo = out.isna().to_numpy() & (text != "").to_numpy()
        if not todo.any():
            break
        got = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        found = got.notna().to_numpy()
        idx = np.flatnonzero(todo)[found]
        moments = got[found]
        out.iloc[idx] = (moments - moments.dt.normalize()).to_numpy()
    return out


def to_float(values: pd.Series) -> np.ndarray:
    """Decimal numbers; NaN where blank or not a number.

    Examples
    --------
    >>> to_float(pd.Series(["318123.5", " 7 ", "n/a", ""])).tolist()
    [318123.5, 7.0, nan, nan]
    """
    return np.asarray(pd.to_numeric(values.astype(str).str.strip(), errors="coerce"), dtype=float)


def lon_lat_points(
    lon_text: pd.Series, lat_text: pd.Series, names: tuple[str, str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Problem]]:
    """British National Grid points from longitude/latitude text.

    Returns ``x``, ``y``, ``given`` (both values present) and the problems: not numbers,
    outside Great Britain, or longitude and latitude the wrong way round.
    """
    lon, lat = to_float(lon_text), to_float(lat_text)
    given = ~(blank(lon_text) & blank(lat_text))
    not_number = given & (np.isnan(lon) | np.isnan(lat))
    with np.errstate(invalid="ignore"):
        inside = (
            (lon >= GB_LON_RANGE[0])
            & (lon <= GB_LON_RANGE[1])
            & (lat >= GB_LAT_RANGE[0])
            & (lat <= GB_LAT_RANGE[1])
        )
        swapped = (
            (lat >= GB_LON_RANGE[0])
            & (lat <= GB_LON_RANGE[1])
            & (lon >= GB_LAT_RANGE[0])
            & (lon <= GB_LAT_RANGE[1])
        )
    outside = given & ~not_number & ~inside
    problems: list[Problem] = [
        (
            not_number,
            lambda i: (
                f"{names[0]}/{names[1]} '{lon_text.iloc[i]}', "
                f"'{lat_text.iloc[i]}' are not both numbers"
            ),
        ),
        (
            outside & swapped,
            lambda i: (
                f"{names[0]} {lon_text.iloc[i]} and {names[1]} "
                f"{lat_text.iloc[i]} look the wrong way round"
            ),
        ),
        (
            outside & ~swapped,
            lambda i: f"point ({lon_text.iloc[i]}, {lat_text.iloc[i]}) is outside Great Britain",
        ),
    ]
    ok = given & ~not_number & inside
    x, y = to_bng(np.where(ok, lon, np.nan), np.where(ok, lat, np.nan))
    return np.asarray(x), np.asarray(y), given, problems


def grid_points(
    e_text: pd.Series, n_text: pd.Series, names: tuple[str, str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Problem]]:
    """Points from British National Grid eastings and northings (metres).

    Examples
    --------
    >>> x, y, given, problems = grid_points(pd.Series(["318100", "", "abc", "9999999"]),
    ...                                      pd.Series(["176200", "", "1", "1"]), ("E", "N"))
    >>> x.tolist()[:2], given.tolist(), [p[0].tolist() for p in problems]
    ([318100.0, nan], [True, False, True, True], [[False, False, True, False], [False, False, False, True]])
    """
    e, n = to_float(e_text), to_float(n_text)
    given = ~(blank(e_text) & blank(n_text))
    not_number = given & (np.isnan(e) | np.isnan(n))
    with np.errstate(invalid="ignore"):
        inside = (
            (e > BNG_X_RANGE[0])
            & (e < BNG_X_RANGE[1])
            & (n > BNG_Y_RANGE[0])
            & (n < BNG_Y_RANGE[1])
        )
    outside = given & ~not_number & ~inside
    problems: list[Problem] = [
        (
            not_number,
            lambda i: (
                f"{names[0]}/{names[1]} '{e_text.iloc[i]}', '{n_text.iloc[i]}' are not both numbers"
            ),
        ),
        (
            outside,
            lambda i: (
                f"grid reference ({e_text.iloc[i]}, {n_text.iloc[i]}) is outside "
                "Great Britain (eastings 0-700000, northings 0-1250000 metres)"
            ),
        ),
    ]
    ok = given & ~not_number & inside
    return np.where(ok, e, np.nan), np.where(ok, n, np.nan), given, problems
