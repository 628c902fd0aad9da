"""Strict CSV reading shared by every reader: UTF-8 check, header matching, wrong-width rows."""

from __future__ import annotations

import csv
import functools
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
#: Arrow type of the columns read dictionary-encoded.
_ENCODED = pa.dictionary(pa.int32(), pa.string())


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
    #: The rows set aside (wrong width or blank): line number and text of each.
    set_aside: list[tuple[int, str]]
    rows_in: int

    @functools.cached_property
    def rejects(self) -> pd.DataFrame:
        """The rows set aside with a reason each: columns ``line``, ``reason``, ``raw``."""
        if not self.set_aside:
            return empty_rejects()
        width = len(self.header)
        return pd.DataFrame(
            {
                "line": [b[0] for b in self.set_aside],
                "reason": [
                    f"has {len(_split(b[1]))} fields, expected {width}"
                    if b[1].strip()
                    else "is blank"
                    for b in self.set_aside
                ],
                "raw": [b[1] for b in self.set_aside],
            }
        )


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
    if not data or data.isspace():  # no stripped copy of the whole file
        raise InputError(
            f"'{name}' is empty", hint="download the file again; a published file has a header"
        )
    try:
        if not _is_utf8(data):  # decoding finds where, and is only needed to say so
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


def _is_utf8(data: bytes) -> bool:
    """True if ``data`` is well-formed UTF-8, checked without decoding it.

    ASCII is checked first (the common case, and cheapest); otherwise Arrow validates the
    bytes in place, several times faster than decoding them to a Python string and
    without holding the interpreter lock.
    """
    if data.isascii():
        return True
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    raw = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        pc.cast(raw, pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def read_header(data: bytes) -> list[str]:
    """The normalised header names of a CSV held in ``data``."""
    end = data.find(b"\n")
    first = (data if end < 0 else data[:end]).decode("utf-8").rstrip("\r")
    row = next(csv.reader([first]), [])
    return [normalise_header(c) for c in row]


def read_strings(
    data: bytes,
    name: str,
    header: Sequence[str],
    *,
    trim: Collection[str] | None = None,
    dictionary: Collection[str] = (),
    utf8_checked: bool = False,
) -> RawTable:
    """Parse every field as a string; rows with the wrong number of fields become rejects.

    A file whose last line is short and has no line end was cut off in download: loading
    it would replace a complete month with a partial one, so it is refused as a whole.
    Values of the columns in ``trim`` (all columns if None) lose surrounding spaces.
    Columns in ``dictionary`` come back dictionary-encoded in one chunk: their values
    repeat heavily, so checks and conversions can run once per distinct value. With
    ``utf8_checked`` (the whole of ``data`` passed :func:`decode_check`) values are not
    checked again one by one.
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
    # One thread per file: row numbers of bad rows are only known single-threaded, and a
    # load reads several files at once instead.
    table, bad = _parse(data, name, [h in dictionary for h in header], not utf8_checked)
    n_ok = table.num_rows
    # Line numbers of accepted rows: the header is line 1 and the rows set aside keep theirs.
    lines = np.arange(2, n_ok + len(bad) + 2, dtype=np.int64)
    if bad:
        lines = np.setdiff1d(lines, np.array([b[0] for b in bad], dtype=np.int64))
    columns = {}
    for i, h in enumerate(header):
        column = table.column(i)
        if h in dictionary:
            column = pa.chunked_array([column.combine_chunks()])
        if trim is None or h in trim:
            column = _trimmed(column)
        columns[h] = column
    return RawTable(list(header), columns, lines, bad, n_ok + len(bad))


def empty_rejects() -> pd.DataFrame:
    """A rejects frame with no rows: ``line`` (int64), ``reason`` and ``raw`` (str).

    Most files have no rejects, and building an empty frame costs more than copying one.
    """
    return _empty_rejects().copy()


@functools.cache
def _empty_rejects() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "line": np.empty(0, dtype=np.int64),
            "reason": pd.Series([], dtype=str),
            "raw": pd.Series([], dtype=str),
        }
    )


def _trimmed(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """The column without surrounding white space (the distinct values, when encoded)."""
    if pa.types.is_dictionary(column.type):
        return pa.chunked_array(
            [
                pa.DictionaryArray.from_arrays(
                    chunk.indices, pc.utf8_trim_whitespace(chunk.dictionary)
                )
                for chunk in column.chunks
            ],
            column.type,
        )
    if any(_may_have_spaces(chunk) for chunk in column.chunks):
        return pc.utf8_trim_whitespace(column)
    return column


def _may_have_spaces(chunk: pa.Array) -> bool:
    """True unless no value starts or ends with a byte that could belong to white space.

    White space is ASCII up to 0x20 or a multi-byte character, whose bytes are all 0x80
    or more; a column with neither at either end of any value needs no trimming, and this
    is far cheaper to check than trimming is to do.
    """
    if len(chunk) == 0:
        return False
    _, offsets_buffer, data_buffer = chunk.buffers()
    if data_buffer is None or offsets_buffer is None:
        return False
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[
        chunk.offset : chunk.offset + len(chunk) + 1
    ]
    data = np.frombuffer(data_buffer, dtype=np.uint8)
    starts, ends = offsets[:-1], offsets[1:]
    filled = ends > starts
    edges = np.concatenate([data[starts[filled]], data[ends[filled] - 1]])
    return bool(((edges <= 0x20) | (edges >= 0x7F)).any())


def _parse(
    data: bytes, name: str, encoded: Sequence[bool], check_utf8: bool
) -> tuple[pa.Table, list[tuple[int, str]]]:
    bad: list[tuple[int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad.append((row.number if row.number is not None else -1, row.text))
        return "skip"

    names = [f"c{i}" for i in range(len(encoded))]
    types = {n: _ENCODED if e else pa.string() for n, e in zip(names, encoded, strict=True)}
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(
                use_threads=False, skip_rows=1, column_names=names, block_size=1 << 22
            ),
            # A blank line is reported as a reject, not skipped, so that every line of the
            # file is accounted for.
            parse_options=pacsv.ParseOptions(
                invalid_row_handler=on_invalid, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                check_utf8=check_utf8,
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
