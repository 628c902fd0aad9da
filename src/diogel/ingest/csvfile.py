"""Strict CSV reading shared by every reader: UTF-8 check, header matching, wrong-width rows."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from diogel.errors import InputError

REJECT_COLUMNS = ("line", "reason", "raw")


def normalise_header(name: str) -> str:
    """Header matching tolerates case, surrounding spaces, quotes, BOMs and repeated spaces.

    Examples
    --------
    >>> normalise_header("\\ufeff  Crime  ID ")
    'crime id'
    """
    cleaned = name.replace("\ufeff", "").strip().strip('"').strip()
    return re.sub(r"\s+", " ", cleaned).lower()


@dataclass(frozen=True)
class RawTable:
    """A CSV parsed to strings, with the rows of the wrong width already set aside."""

    header: list[str]
    columns: dict[str, pa.ChunkedArray]
    lines: np.ndarray
    rejects: pd.DataFrame
    rows_in: int


def decode_check(data: bytes, name: str) -> bytes:
    """Return ``data`` without a UTF-8 BOM, or raise if it is empty or not UTF-8.

    Examples
    --------
    >>> decode_check(b"\\xef\\xbb\\xbfa,b\\n1,2\\n", "x.csv")
    b'a,b\\n1,2\\n'
    >>> decode_check(b"a,b\\n1,\\xff\\n", "x.csv")
    Traceback (most recent call last):
    ...
    diogel.errors.InputError: 'x.csv' is not UTF-8 text: line 2 has the byte 0xff that UTF-8 does not allow. Hint: save the file as UTF-8 (in Excel: Save As, CSV UTF-8), or download it again
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise InputError(
            f"'{name}' is empty", hint="download the file again; a published file has a header"
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start : exc.start + 1].hex()
        raise InputError(
            f"'{name}' is not UTF-8 text: line {line} has the byte 0x{byte} that UTF-8 "
            "does not allow",
            hint="save the file as UTF-8 (in Excel: Save As, CSV UTF-8), or download it again",
        ) from None
    return data


def read_header(data: bytes) -> list[str]:
    """The normalised header names of a CSV held in ``data``."""
    end = data.find(b"\n")
    first = (data if end < 0 else data[:end]).decode("utf-8").rstrip("\r")
    row = next(csv.reader([first]), [])
    return [normalise_header(c) for c in row]


def read_strings(
    data: bytes, name: str, header: Sequence[str], *, trim: Collection[str] | None = None
) -> RawTable:
    """Parse every field as a string; rows with the wrong number of fields become rejects.

    A file whose last line is short and has no line end was cut off in download: loading
    it would replace a complete month with a partial one, so it is refused as a whole.
    Values of the columns in ``trim`` (all columns if None) lose surrounding spaces.
    """
    width = len(header)
    if not data.endswith(b"\n") and data.count(b"\n", 0, 1 << 20) >= 1:
        last_line = data[data.rfind(b"\n") + 1 :]
        fields = next(csv.reader([last_line.decode("utf-8")]), [])
        if len(fields) < width:
            line = data.count(b"\n") + 1
            raise InputError(
                f"'{name}' looks cut off: its last line (line {line}) has {len(fields)} of "
                f"{width} fields and no line end",
                hint="the download was probably interrupted; download the file again",
            )
    # Parse on several threads; row numbers of bad rows are only known single-threaded,
    # so a file with bad rows is parsed again that way.
    table, bad = _parse(data, name, width, threads=False)
    if bad:
        table, bad = _parse(data, name, width, threads=False)
    n_ok = table.num_rows
    # Line numbers of accepted rows: the header is line 1 and the rows set aside keep theirs.
    bad_lines = np.array([b[0] for b in bad], dtype=np.int64)
    lines = np.setdiff1d(np.arange(2, n_ok + len(bad) + 2, dtype=np.int64), bad_lines)
    rejects = pd.DataFrame(
        {
            "line": [b[0] for b in bad],
            "reason": [
                f"has {len(_split(b[1]))} fields, expected {width}" if b[1].strip() else "is blank"
                for b in bad
            ],
            "raw": [b[1] for b in bad],
        }
    )
    columns = {
        h: pc.utf8_trim_whitespace(table.column(i))
        if trim is None or h in trim
        else table.column(i)
        for i, h in enumerate(header)
    }
    return RawTable(list(header), columns, lines, rejects, n_ok + len(bad))


def _parse(
    data: bytes, name: str, width: int, *, threads: bool
) -> tuple[pa.Table, list[tuple[int, str]]]:
    bad: list[tuple[int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad.append((row.number if row.number is not None else -1, row.text))
        return "skip"

    names = [f"c{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(
                use_threads=threads, skip_rows=1, column_names=names, block_size=1 << 22
            ),
            # A blank line is reported as a reject, not skipped, so that every line of the
            # file is accounted for.
            parse_options=pacsv.ParseOptions(
                invalid_row_handler=on_invalid, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise InputError(
            f"'{name}' could not be read as CSV ({exc})",
            hint="open it in a text editor to check it is a comma-separated file",
        ) from exc
    return table, bad


def _split(text: str) -> list[str]:
    return next(csv.reader([text]), [])
