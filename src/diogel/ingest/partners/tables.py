"""Read a partner's CSV or XLSX file into strings per column, keeping every row's line number."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from diogel.errors import InputError, NotFoundError
from diogel.geography import to_bng
from diogel.ingest.csvfile import decode_check, normalise_header, read_header, read_strings
from diogel.ingest.sources import sha256_of

#: File endings read as spreadsheets; everything else is read as CSV.
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
#: Excel's day zero: a time typed alone into a cell comes back as a datetime on this day.
_EXCEL_EPOCHS = (dt.date(1899, 12, 30), dt.date(1899, 12, 31), dt.date(1900, 1, 1))


@dataclass(frozen=True)
class PartnerTable:
    """A partner file as text: one column per header name (normalised), rows in file order.

    Attributes
    ----------
    name : str
        The file name, as used in messages and provenance.
    header : list of str
        Normalised header names (see :func:`diogel.ingest.csvfile.normalise_header`).
    frame : pandas.DataFrame
        The rows that have the right number of fields, every value a string.
    lines : numpy.ndarray
        The line (CSV) or spreadsheet row (XLSX) of each row of ``frame``.
    broken : pandas.DataFrame
        Rows that could not be split into fields (``line``, ``reason``, ``raw``).
    rows_in : int
        Data rows in the file: ``len(frame) + len(broken)``.
    sha256 : str
        Checksum of the file's bytes.
    """

    name: str
    header: list[str]
    frame: pd.DataFrame
    lines: np.ndarray
    broken: pd.DataFrame
    rows_in: int
    sha256: str


def read_partner_file(path: str | Path, *, sheet: str | None = None) -> PartnerTable:
    """Read a CSV (UTF-8) or XLSX partner file.

    Raises
    ------
    NotFoundError
        The file does not exist.
    InputError
        The file is empty, not UTF-8, not a spreadsheet it claims to be, has no header
        or repeats a header name.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = p.write_text("Date,Type\\n01/02/2024,Noise\\n1,2,3\\n", encoding="utf-8")
    >>> t = read_partner_file(p)
    >>> t.header, t.frame.to_dict("records"), t.lines.tolist(), t.rows_in
    (['date', 'type'], [{'date': '01/02/2024', 'type': 'Noise'}], [2], 2)
    >>> t.broken.reason.tolist()
    ['has 3 fields, expected 2']
    """
    p = Path(path)
    if not p.is_file():
        raise NotFoundError(
            f"'{p}' does not exist", hint="check the path; quote it if it has spaces"
        )
    data = p.read_bytes()
    if p.suffix.lower() == ".xls":
        raise InputError(
            f"'{p.name}' is an old Excel 97-2003 workbook",
            hint="open it in Excel and save it as .xlsx, or as CSV UTF-8",
        )
    if p.suffix.lower() in SPREADSHEET_SUFFIXES:
        return _read_xlsx(data, p.name, sheet)
    return _read_csv(data, p.name)


def _check_header(header: list[str], name: str) -> None:
    if not any(header):
        raise InputError(f"'{name}' has no header row", hint="the first row must name the columns")
    seen: set[str] = set()
    for h in header:
        if h and h in seen:
            raise InputError(
                f"'{name}' has two columns called '{h}'",
                hint="rename one of them so the mapping can tell them apart",
            )
        seen.add(h)


def _read_csv(data: bytes, name: str) -> PartnerTable:
    sha = sha256_of(data)
    data = decode_check(data, name)
    header = read_header(data)
    _check_header(header, name)
    raw = read_strings(data, name, header)
    frame = pd.DataFrame(
        {h: pd.Series(col.to_pylist(), dtype=object) for h, col in raw.columns.items()}
    )
    return PartnerTable(name, header, frame, raw.lines, raw.rejects, raw.rows_in, sha)


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV export would hold (dates as ISO 8601)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.date() in _EXCEL_EPOCHS:
            return value.strftime("%H:%M:%S")
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(data: bytes, name: str, sheet: str | None) -> PartnerTable:
    import openpyxl

    sha = sha256_of(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(
            f"'{name}' is not a readable .xlsx workbook ({exc})",
            hint="open it in Excel and save it again as .xlsx, or export it as CSV UTF-8",
        ) from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InputError(
                f"'{name}' has no sheet called '{sheet}'",
                hint="its sheets are: " + ", ".join(book.sheetnames),
            )
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        book.close()
    first = next((i for i, r in enumerate(rows) if any(r)), None)
    if first is None:
        raise InputError(f"'{name}' is empty", hint="the first sheet must hold the data")
    header_cells = rows[first]
    while header_cells and not header_cells[-1]:
        header_cells = header_cells[:-1]
    header = [normalise_header(h) for h in header_cells]
    _check_header(header, name)
    body = rows[first + 1 :]
    while body and not any(body[-1]):
        body.pop()
    width = len(header)
    kept: list[list[str]] = []
    lines: list[int] = []
    broken: list[tuple[int, str, str]] = []
    for offset, row in enumerate(body):
        line = first + 2 + offset
        extra = [v for v in row[width:] if v]
        if not any(row):
            broken.append((line, "is blank", ""))
        elif extra:
            broken.append((line, f"has values beyond the {width} named columns", ",".join(row)))
        else:
            kept.append(list(row[:width]) + [""] * (width - len(row[:width])))
            lines.append(line)
    frame = pd.DataFrame(kept, columns=header, dtype=object)
    rejects = pd.DataFrame(broken, columns=["line", "reason", "raw"]).astype({"line": "int64"})
    return PartnerTable(
        name, header, frame, np.asarray(lines, dtype=np.int64), rejects, len(body), sha
    )


def read_venues(path: str | Path) -> pd.DataFrame:
    """A partner's venue list: a UTF-8 CSV with ``name``, optional ``aliases`` (separated
    by ``|``) and ``longitude``/``latitude`` or ``easting``/``northing``.

    Returns ``name``, ``aliases``, ``x``, ``y`` (British National Grid metres).

    Raises
    ------
    NotFoundError, InputError
        The file is missing, lacks the columns, or a row has no usable point.
    """
    p = Path(path)
    if not p.is_file():
        raise NotFoundError(f"venue list '{p}' does not exist", hint="check the path")
    try:
        frame = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(
            f"venue list '{p.name}' is not a UTF-8 CSV ({exc})", hint="save it as CSV UTF-8"
        ) from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if "name" not in frame:
        raise InputError(
            f"venue list '{p.name}' has no 'name' column",
            hint="columns: name, aliases, longitude, latitude",
        )
    if {"longitude", "latitude"} <= set(frame.columns):
        lon = pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(float)
        lat = pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(float)
        x, y = (np.asarray(v) for v in to_bng(lon, lat))
    elif {"easting", "northing"} <= set(frame.columns):
        x = pd.to_numeric(frame["easting"], errors="coerce").to_numpy(float)
        y = pd.to_numeric(frame["northing"], errors="coerce").to_numpy(float)
    else:
        raise InputError(
            f"venue list '{p.name}' needs longitude/latitude or easting/northing columns",
            hint="its columns are: " + ", ".join(frame.columns),
        )
    bad = np.flatnonzero(np.isnan(x) | np.isnan(y) | (frame["name"].str.strip() == "").to_numpy())
    if len(bad):
        raise InputError(
            f"venue list '{p.name}' line {int(bad[0]) + 2} has no name or no usable point",
            hint="give every venue a name and a point",
        )
    aliases = frame["aliases"] if "aliases" in frame else pd.Series([""] * len(frame))
    return pd.DataFrame(
        {"name": frame["name"].str.strip(), "aliases": aliases.to_numpy(), "x": x, "y": y}
    )
