"""Read data.police.uk street, outcomes and stop-and-search CSVs into canonical frames."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from diogel.errors import InputError
from diogel.ingest.csvfile import RawTable, decode_check, read_header, read_strings
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
    #: Rows accepted, kept when the rows themselves travel separately (see ingest.prepare).
    accepted_rows: int = -1

    @property
    def dataset(self) -> str:
        return DATASET_OF_KIND[self.kind]

    @property
    def accepted(self) -> int:
        return self.accepted_rows if self.accepted_rows >= 0 else int(self.rows.num_rows)

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
    raw = read_strings(data, name, header, trim=_TRIMMED)
    match = _FILENAME.match(basename or "")
    file_force = match.group(2).lower() if match else None
    file_month = match.group(1) if match and _MONTH.match(match.group(1)) else None
    if kind == STREET:
        rows, rejects = _street(raw)
    elif kind == OUTCOMES:
        rows, rejects = _outcomes(raw)
    else:
        rows, rejects = _stop_search(raw, file_force, file_month)
    rejects = pd.concat([raw.rejects, rejects], ignore_index=True)
    rejects = rejects.astype({"line": "int64", "reason": str, "raw": str}).sort_values(
        "line", kind="stable", ignore_index=True
    )
    pairs: set[tuple[str, str]] = set()
    if rows.num_rows:
        forces = pc.unique(rows.column("force")).to_pylist()
        months = pc.unique(rows.column("month_text")).to_pylist()
        if len(forces) == 1 or len(months) == 1:
            pairs = {(f, m) for f in forces for m in months}
        else:
            fm = rows.select(["force", "month_text"]).group_by(["force", "month_text"])
            fm = fm.aggregate([])
            pairs = set(zip(fm["force"].to_pylist(), fm["month_text"].to_pylist(), strict=True))
    if file_force and file_month:
        pairs.add((file_force, file_month))
    rows = rows.drop_columns(["month_text"])
    if rows.num_rows + len(rejects) != raw.rows_in:  # pragma: no cover - a bug, not bad input
        raise RuntimeError(f"row accounting failed for {name}")
    return ParsedFile(name, kind, rows, rejects, raw.rows_in, sorted(pairs))


class _Keep:
    """Select the accepted rows of a column (a no-op when every row was accepted)."""

    def __init__(self, keep: np.ndarray) -> None:
        self.all = bool(keep.all())
        self.mask = pa.array(keep)

    def __call__(self, column: pa.ChunkedArray) -> pa.ChunkedArray:
        return column if self.all else column.filter(self.mask)


def _coordinates(
    lon_text: pa.ChunkedArray, lat_text: pa.ChunkedArray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Problem]]:
    """Parse coordinates; return lon, lat, has_location and the coordinate problems."""
    both_empty = pc.and_(pc.equal(lon_text, ""), pc.equal(lat_text, "")).to_numpy(
        zero_copy_only=False
    )
    lon = _to_float(lon_text)
    lat = _to_float(lat_text)
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
        return str(lon_text[i].as_py()), str(lat_text[i].as_py())

    problems: list[Problem] = [
        (not_number, lambda i: "coordinates '{}', '{}' are not both numbers".format(*text(i))),
        (outside, lambda i: "coordinates ({}, {}) are outside Great Britain".format(*text(i))),
    ]
    has = ~both_empty & ~not_number & ~outside
    lon[~has] = np.nan
    lat[~has] = np.nan
    return lon, lat, has, problems


def _to_float(text: pa.ChunkedArray) -> np.ndarray:
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


def _month_problem(month_text: pa.ChunkedArray) -> Problem:
    # A file holds a handful of distinct months: check those, then look rows up.
    distinct = pc.unique(month_text)
    good = pa.array(
        [m for m in distinct.to_pylist() if m is not None and _MONTH.match(m)], pa.string()
    )
    bad = ~pc.is_in(month_text, value_set=good).to_numpy(zero_copy_only=False).astype(bool)
    return bad, lambda i: f"month '{month_text[i].as_py()}' is not a valid month (expected YYYY-MM)"


def _split_rejects(raw: RawTable, problems: list[Problem]) -> tuple[np.ndarray, pd.DataFrame]:
    """Combine per-row problems into a keep mask and a rejects frame (all reasons joined)."""
    n = len(raw.lines)
    bad = np.zeros(n, dtype=bool)
    for mask, _ in problems:
        bad |= mask
    idx = np.flatnonzero(bad)
    reasons = ["; ".join(reason(int(i)) for mask, reason in problems if mask[i]) for i in idx]
    raw_text = [",".join(str(raw.columns[h][int(i)].as_py()) for h in raw.header) for i in idx]
    rejects = pd.DataFrame(
        {"line": raw.lines[idx].astype("int64"), "reason": reasons, "raw": raw_text}
    )
    return ~bad, rejects


def _month_dates(month_text: pa.ChunkedArray) -> pa.ChunkedArray:
    """'YYYY-MM' strings (already checked) to the first day of the month."""
    return pc.cast(
        pc.strptime(pc.binary_join_element_wise(month_text, "01", "-"), "%Y-%m-%d", "s"),
        pa.date32(),
    )


def _force_of(falls_within: pa.ChunkedArray) -> pa.Array:
    encoded = pc.dictionary_encode(falls_within).combine_chunks()
    slugs = pa.array([force_slug(str(v)) for v in encoded.dictionary.to_pylist()], pa.string())
    return pc.take(slugs, encoded.indices)


def _street(raw: RawTable) -> tuple[pa.Table, pd.DataFrame]:
    c = raw.columns
    lon, lat, has, coord_problems = _coordinates(c["longitude"], c["latitude"])
    category = c["crime type"]
    cat_bad = ~pc.is_in(category, value_set=_CATEGORY_ARRAY).to_numpy(zero_copy_only=False)
    keep, rejects = _split_rejects(
        raw,
        [
            _month_problem(c["month"]),
            (cat_bad, lambda i: f"crime type '{category[i].as_py()}' is not a police.uk category"),
            *coord_problems,
        ],
    )
    k = _Keep(keep)
    month_text = k(c["month"])
    rows = pa.table(
        {
            "crime_id": k(c["crime id"]),
            "force": _force_of(k(c["falls within"])),
            "month": _month_dates(month_text),
            "month_text": month_text,
            "reported_by": k(c["reported by"]),
            "category": k(category),
            "location": k(c["location"]),
            "lon": lon[keep],
            "lat": lat[keep],
            "has_location": has[keep],
            "lsoa_code_published": k(c["lsoa code"]),
            "outcome": k(c["last outcome category"]),
            "context": k(c["context"]),
            "line": raw.lines[keep],
        }
    )
    return rows, rejects


def _outcomes(raw: RawTable) -> tuple[pa.Table, pd.DataFrame]:
    c = raw.columns
    no_id = pc.equal(c["crime id"], "").to_numpy(zero_copy_only=False)
    no_outcome = pc.equal(c["outcome type"], "").to_numpy(zero_copy_only=False)
    _, _, _, coord_problems = _coordinates(c["longitude"], c["latitude"])
    keep, rejects = _split_rejects(
        raw,
        [
            _month_problem(c["month"]),
            (no_id, lambda i: "no Crime ID, so the outcome cannot be matched"),
            (no_outcome, lambda i: "no outcome type"),
            *coord_problems,
        ],
    )
    k = _Keep(keep)
    month_text = k(c["month"])
    rows = pa.table(
        {
            "crime_id": k(c["crime id"]),
            "force": _force_of(k(c["falls within"])),
            "month": _month_dates(month_text),
            "month_text": month_text,
            "outcome": k(c["outcome type"]),
            "lsoa_code_published": k(c["lsoa code"]),
            "line": raw.lines[keep],
        }
    )
    return rows, rejects


def _stop_search(
    raw: RawTable, file_force: str | None, file_month: str | None
) -> tuple[pa.Table, pd.DataFrame]:
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
    month_text = pa.array([file_month] * n, pa.string())
    rows = pa.table(
        {
            "force": pa.array([file_force] * n, pa.string()),
            "month": _month_dates(pa.chunked_array([month_text])),
            "month_text": month_text,
            "occurred_at": pa.array(occurred.to_numpy(), pa.timestamp("us")),
            "search_type": col("type"),
            "lon": lon[keep],
            "lat": lat[keep],
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
    return rows, rejects
