"""Read data.police.uk street, outcomes and stop-and-search CSVs into canonical frames."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from diogel.errors import InputError
from diogel.ingest.csvfile import (
    RawTable,
    decode_check,
    empty_rejects,
    read_header,
    read_strings,
)
from diogel.schema import GB_LAT_RANGE, GB_LON_RANGE, POLICE_UK_CATEGORIES

STREET = "street"
OUTCOMES = "outcomes"
STOP_SEARCH = "stop-and-search"

#: Dataset name used in provenance for each kind of police.uk file.
DATASET_OF_KIND = {
    STREET: "police-uk-street",
    OUTCOMES: "police-uk-outcomes",
    STOP_SEARCH: "police-uk-stop-and-search",
}

_STREET_COLUMNS = (
    "crime id", "month", "reported by", "falls within", "longitude", "latitude",
    "location", "lsoa code", "lsoa name", "crime type", "last outcome category", "context",
)  # fmt: skip
_OUTCOME_COLUMNS = (
    "crime id", "month", "reported by", "falls within", "longitude", "latitude",
    "location", "lsoa code", "lsoa name", "outcome type",
)  # fmt: skip
_STOP_REQUIRED = (
    "type", "date", "latitude", "longitude", "gender", "age range", "legislation",
    "object of search", "outcome",
)  # fmt: skip
_STOP_OPTIONAL = (
    "part of a policing operation", "policing operation", "self-defined ethnicity",
    "officer-defined ethnicity", "outcome linked to object of search",
    "removal of more than just outer clothing",
)  # fmt: skip

_FILENAME = re.compile(r"^(\d{4}-\d{2})-(.+?)-(street|outcomes|stop-and-search)\.csv$", re.I)
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_CATEGORY_ARRAY = pa.array(POLICE_UK_CATEGORIES, pa.string())
#: Columns whose values are checked or matched, and so lose surrounding spaces first.
_TRIMMED = frozenset(
    {
        "crime id",
        "month",
        "falls within",
        "longitude",
        "latitude",
        "lsoa code",
        "crime type",
        "outcome type",
        "date",
        "type",
    }
)

#: Columns read dictionary-encoded: they repeat heavily within a file, so they are
#: checked, converted and harmonised once per distinct value.
_ENCODED = frozenset(
    {
        "month",
        "falls within",
        "longitude",
        "latitude",
        "lsoa code",
        "crime type",
        "outcome type",
    }
)

#: A row check: which rows fail it, and the reason for row i.
Problem = tuple[np.ndarray, Callable[[int], str]]


@dataclass
class ParsedFile:
    """One police.uk file read and checked: accepted rows, rejects, and what it covers."""

    name: str
    kind: str
    rows: pa.Table
    rejects: pd.DataFrame
    rows_in: int
    force_months: list[tuple[str, str]] = field(default_factory=list)
    nbytes: int = 0

    @property
    def dataset(self) -> str:
        return DATASET_OF_KIND[self.kind]

    @property
    def accepted(self) -> int:
        return int(self.rows.num_rows)

    @property
    def rejected(self) -> int:
        return len(self.rejects)


def detect_kind(header: list[str], name: str) -> str:
    """Tell street, outcomes and stop-and-search files apart by their header.

    Examples
    --------
    >>> detect_kind(["crime id", "month", "reported by", "falls within", "longitude",
    ...              "latitude", "location", "lsoa code", "lsoa name", "outcome type"], "x")
    'outcomes'
    """
    present = set(header)
    if set(_STREET_COLUMNS) <= present:
        return STREET
    if set(_OUTCOME_COLUMNS) <= present:
        return OUTCOMES
    if set(_STOP_REQUIRED) <= present:
        return STOP_SEARCH
    shown = ",".join(header[:6]) + ("..." if len(header) > 6 else "")
    raise InputError(
        f"'{name}' is not a police.uk street, outcomes or stop-and-search file: "
        f"its header is '{shown}'",
        hint="use the street, outcomes or stop-and-search CSV files as downloaded from "
        "data.police.uk",
    )


def force_slug(falls_within: str) -> str:
    """The data.police.uk slug of a force name.

    Examples
    --------
    >>> force_slug("Dyfed-Powys Police")
    'dyfed-powys'
    >>> force_slug("Police Service of Northern Ireland")
    'northern-ireland'
    """
    s = falls_within.strip().lower()
    s = re.sub(r"^police service of ", "", s)
    s = re.sub(r" (police service|police|constabulary)$", "", s)
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def read_police_uk(data: bytes, name: str, basename: str | None = None) -> ParsedFile:
    """Read one data.police.uk CSV.

    Parameters
    ----------
    data : bytes
        The file's contents.
    name : str
        How to name the file in messages.
    basename : str, optional
        The bare file name, from which force and month are read when it follows the
        published ``YYYY-MM-force-kind.csv`` pattern.

    Returns
    -------
    ParsedFile
        Accepted rows in the canonical columns, and rejects with a reason each; rows in =
        accepted + rejected.

    Examples
    --------
    >>> csv = (b"Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
    ...        b"LSOA code,LSOA name,Crime type,Last outcome category,Context\\r\\n"
    ...        b"abc,2024-01,Gwent Police,Gwent Police,-3.0,51.6,On or near X,"
    ...        b"W01001234,Newport 001A,Burglary,Under investigation,\\r\\n"
    ...        b",2024-13,Gwent Police,Gwent Police,,,No location,,,Drugs,,\\r\\n")
    >>> parsed = read_police_uk(csv, "t.csv")
    >>> parsed.kind, parsed.rows_in, parsed.accepted, parsed.rejected
    ('street', 2, 1, 1)
    >>> parsed.rejects.reason[0]
    "month '2024-13' is not a valid month (expected YYYY-MM)"
    """
    data = decode_check(data, name)
    header = read_header(data)
    kind = detect_kind(header, name)
    raw = read_strings(data, name, header, trim=_TRIMMED, dictionary=_ENCODED, utf8_checked=True)
    match = _FILENAME.match(basename or "")
    file_force = match.group(2).lower() if match else None
    file_month = match.group(1) if match and _MONTH.match(match.group(1)) else None
    if kind == STREET:
        rows, rejects, pairs = _street(raw)
    elif kind == OUTCOMES:
        rows, rejects, pairs = _outcomes(raw)
    else:
        rows, rejects, pairs = _stop_search(raw, file_force, file_month)
    if raw.set_aside or rejects is not None:
        rejects = pd.concat([raw.rejects, rejects], ignore_index=True)
        rejects = rejects.astype({"line": "int64", "reason": str, "raw": str}).sort_values(
            "line", kind="stable", ignore_index=True
        )
    else:
        rejects = empty_rejects()
    if file_force and file_month:
        pairs.add((file_force, file_month))
    if rows.num_rows + len(rejects) != raw.rows_in:  # pragma: no cover - a bug, not bad input
        raise RuntimeError(f"row accounting failed for {name}")
    return ParsedFile(name, kind, rows, rejects, raw.rows_in, sorted(pairs))


class _Codes:
    """A column as its distinct values and, per row, the position of the row's value."""

    def __init__(self, column: pa.ChunkedArray) -> None:
        if not pa.types.is_dictionary(column.type):
            column = pc.dictionary_encode(column)
        encoded = column.combine_chunks()
        self.values: pa.Array = encoded.dictionary
        self.index = np.asarray(encoded.indices.to_numpy(zero_copy_only=False))

    def value(self, i: int) -> str:
        """The value of row ``i``."""
        return str(self.values[int(self.index[i])].as_py())

    def rows(self, per_value: np.ndarray) -> np.ndarray:
        """A per-value array spread out to the rows."""
        return np.asarray(per_value)[self.index]

    def kept(self, keep: np.ndarray, values: pa.Array | None = None) -> pa.Array:
        """The kept rows as a dictionary array (of ``values``, by default the column's)."""
        index = self.index if keep.all() else self.index[keep]
        return pa.DictionaryArray.from_arrays(
            pa.array(index, pa.int32()), self.values if values is None else values
        )


def _force_month_pairs(
    force: _Codes, slugs: list[str], month: _Codes, keep: np.ndarray
) -> set[tuple[str, str]]:
    """The (force slug, month) pairs of the kept rows, from their distinct combinations."""
    width = max(len(month.values), 1)
    combined = np.unique(force.index[keep].astype(np.int64) * width + month.index[keep])
    months = month.values.to_pylist()
    return {(slugs[c // width], str(months[c % width])) for c in combined.tolist()}


class _Keep:
    """Select the accepted rows of a column (a no-op when every row was accepted)."""

    def __init__(self, keep: np.ndarray) -> None:
        self.mask = None if keep.all() else pa.array(keep)

    def __call__(self, column: pa.ChunkedArray) -> pa.ChunkedArray:
        return column if self.mask is None else column.filter(self.mask)


def _coordinates(
    lon_text: pa.ChunkedArray, lat_text: pa.ChunkedArray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Problem]]:
    """Parse coordinates; return lon, lat, has_location and the coordinate problems.

    Each distinct text is parsed once: police.uk snaps points to a limited set of map
    points, so a file holds far fewer distinct coordinates than rows.
    """
    lon_codes, lat_codes = _Codes(lon_text), _Codes(lat_text)
    lon_empty = np.asarray(pc.equal(lon_codes.values, "").to_numpy(zero_copy_only=False))
    lat_empty = np.asarray(pc.equal(lat_codes.values, "").to_numpy(zero_copy_only=False))
    both_empty = lon_codes.rows(lon_empty) & lat_codes.rows(lat_empty)
    lon = lon_codes.rows(_to_float(lon_codes.values))
    lat = lat_codes.rows(_to_float(lat_codes.values))
    not_number = ~both_empty & (np.isnan(lon) | np.isnan(lat))
    with np.errstate(invalid="ignore"):
        outside = (
            ~both_empty
            & ~not_number
            & (
                (lon < GB_LON_RANGE[0])
                | (lon > GB_LON_RANGE[1])
                | (lat < GB_LAT_RANGE[0])
                | (lat > GB_LAT_RANGE[1])
            )
        )

    def text(i: int) -> tuple[str, str]:
        return lon_codes.value(i), lat_codes.value(i)

    problems: list[Problem] = [
        (not_number, lambda i: "coordinates '{}', '{}' are not both numbers".format(*text(i))),
        (outside, lambda i: "coordinates ({}, {}) are outside Great Britain".format(*text(i))),
    ]
    has = ~both_empty & ~not_number & ~outside
    lon[~has] = np.nan
    lat[~has] = np.nan
    return lon, lat, has, problems


def _to_float(text: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Parse decimal strings; anything unparseable (or empty) becomes NaN."""
    blank = pc.equal(text, "")
    try:  # a clean published file: every value a number or empty
        values = pc.cast(pc.if_else(blank, pa.scalar(None, pa.string()), text), pa.float64())
    except pa.ArrowInvalid:  # some value is not a number: keep the ones that are
        ok = pc.match_substring_regex(text, r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
        values = pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), pa.float64())
    out = np.asarray(values.to_numpy(zero_copy_only=False), dtype=float).copy()
    out[~np.isfinite(out)] = np.nan  # "inf" and "nan" are not coordinates
    return out


def _month_problem(month: _Codes) -> Problem:
    # A file holds a handful of distinct months: check those, then look rows up.
    good = np.array([bool(_MONTH.match(m)) for m in month.values.to_pylist()], dtype=bool)
    return ~month.rows(good), (
        lambda i: f"month '{month.value(i)}' is not a valid month (expected YYYY-MM)"
    )


def _split_rejects(
    raw: RawTable, problems: list[Problem]
) -> tuple[np.ndarray, pd.DataFrame | None]:
    """Combine per-row problems into a keep mask and a rejects frame (all reasons joined;
    None when every row passes)."""
    n = len(raw.lines)
    bad = np.zeros(n, dtype=bool)
    for mask, _ in problems:
        bad |= mask
    idx = np.flatnonzero(bad)
    if len(idx) == 0:
        return ~bad, None
    reasons = ["; ".join(reason(int(i)) for mask, reason in problems if mask[i]) for i in idx]
    raw_text = [",".join(str(raw.columns[h][int(i)].as_py()) for h in raw.header) for i in idx]
    rejects = pd.DataFrame(
        {"line": raw.lines[idx].astype("int64"), "reason": reasons, "raw": raw_text}
    )
    return ~bad, rejects


def _month_dates(month: _Codes, keep: np.ndarray) -> pa.Array:
    """The first day of each kept row's month (kept rows' months are already checked)."""
    first = pc.strptime(
        pc.binary_join_element_wise(month.values, "01", "-"), "%Y-%m-%d", "s", error_is_null=True
    )
    return pc.take(pc.cast(first, pa.date32()), pa.array(month.index[keep], pa.int32()))


def _force_slugs(falls_within: _Codes) -> list[str]:
    return [force_slug(str(v)) for v in falls_within.values.to_pylist()]


def _street(raw: RawTable) -> tuple[pa.Table, pd.DataFrame | None, set[tuple[str, str]]]:
    c = raw.columns
    lon, lat, has, coord_problems = _coordinates(c["longitude"], c["latitude"])
    month, falls_within = _Codes(c["month"]), _Codes(c["falls within"])
    category = _Codes(c["crime type"])
    cat_bad = ~category.rows(
        pc.is_in(category.values, value_set=_CATEGORY_ARRAY).to_numpy(zero_copy_only=False)
    )
    keep, rejects = _split_rejects(
        raw,
        [
            _month_problem(month),
            (cat_bad, lambda i: f"crime type '{category.value(i)}' is not a police.uk category"),
            *coord_problems,
        ],
    )
    k = _Keep(keep)
    slugs = _force_slugs(falls_within)
    rows = pa.table(
        {
            "crime_id": k(c["crime id"]),
            "force": falls_within.kept(keep, pa.array(slugs, pa.string())),
            "month": _month_dates(month, keep),
            "reported_by": k(c["reported by"]),
            "category": category.kept(keep),
            "location": k(c["location"]),
            "lon": pa.array(lon[keep], from_pandas=True),  # no location: NULL
            "lat": pa.array(lat[keep], from_pandas=True),
            "has_location": has[keep],
            "lsoa_code_published": _Codes(c["lsoa code"]).kept(keep),
            "outcome": k(c["last outcome category"]),
            "context": k(c["context"]),
            "line": raw.lines[keep],
        }
    )
    return rows, rejects, _force_month_pairs(falls_within, slugs, month, keep)


def _outcomes(raw: RawTable) -> tuple[pa.Table, pd.DataFrame | None, set[tuple[str, str]]]:
    c = raw.columns
    month, falls_within = _Codes(c["month"]), _Codes(c["falls within"])
    outcome = _Codes(c["outcome type"])
    no_id = pc.equal(c["crime id"], "").to_numpy(zero_copy_only=False)
    no_outcome = outcome.rows(pc.equal(outcome.values, "").to_numpy(zero_copy_only=False))
    _, _, _, coord_problems = _coordinates(c["longitude"], c["latitude"])
    keep, rejects = _split_rejects(
        raw,
        [
            _month_problem(month),
            (no_id, lambda i: "no Crime ID, so the outcome cannot be matched"),
            (no_outcome, lambda i: "no outcome type"),
            *coord_problems,
        ],
    )
    k = _Keep(keep)
    slugs = _force_slugs(falls_within)
    rows = pa.table(
        {
            "crime_id": k(c["crime id"]),
            "force": falls_within.kept(keep, pa.array(slugs, pa.string())),
            "month": _month_dates(month, keep),
            "outcome": outcome.kept(keep),
            "lsoa_code_published": _Codes(c["lsoa code"]).kept(keep),
            "line": raw.lines[keep],
        }
    )
    return rows, rejects, _force_month_pairs(falls_within, slugs, month, keep)


def _stop_search(
    raw: RawTable, file_force: str | None, file_month: str | None
) -> tuple[pa.Table, pd.DataFrame | None, set[tuple[str, str]]]:
    if file_force is None or file_month is None:
        raise InputError(
            "a stop-and-search file must keep its published name "
            "(YYYY-MM-force-stop-and-search.csv): its rows do not name the force",
            hint="rename the file as it was published",
        )
    c = raw.columns
    date_text = c["date"]
    when = pd.to_datetime(
        pd.Series(date_text.to_pylist(), dtype=object),
        errors="coerce",
        utc=True,
        format="ISO8601",
    )
    date_bad = when.isna().to_numpy()
    lon, lat, has, coord_problems = _coordinates(c["longitude"], c["latitude"])
    keep, rejects = _split_rejects(
        raw,
        [
            (date_bad, lambda i: f"date '{date_text[i].as_py()}' is not a date and time"),
            *coord_problems,
        ],
    )
    k = _Keep(keep)
    n = int(keep.sum())

    def col(name: str) -> pa.Array | pa.ChunkedArray:
        if name in c:
            return k(c[name])
        return pa.array([""] * n, pa.string())

    occurred = when[keep].dt.tz_convert("UTC").dt.tz_localize(None)
    # Searches late on the last day of the previous month (local time) are published in
    # this month's file: the file's month, not the timestamp, is the snapshot key.
    first_day = dt.date.fromisoformat(file_month + "-01")
    rows = pa.table(
        {
            "force": pa.array([file_force] * n, pa.string()),
            "month": pa.array([first_day] * n, pa.date32()),
            "occurred_at": pa.array(occurred.to_numpy(), pa.timestamp("us")),
            "search_type": col("type"),
            "lon": pa.array(lon[keep], from_pandas=True),  # no location: NULL
            "lat": pa.array(lat[keep], from_pandas=True),
            "has_location": has[keep],
            "gender": col("gender"),
            "age_range": col("age range"),
            "self_defined_ethnicity": col("self-defined ethnicity"),
            "officer_defined_ethnicity": col("officer-defined ethnicity"),
            "legislation": col("legislation"),
            "object_of_search": col("object of search"),
            "outcome": col("outcome"),
            "outcome_linked": col("outcome linked to object of search"),
            "removal_of_clothing": col("removal of more than just outer clothing"),
            "policing_operation": col("policing operation"),
            "line": raw.lines[keep],
        }
    )
    return rows, rejects, set()
