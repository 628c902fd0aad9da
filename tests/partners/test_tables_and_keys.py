"""Reading partner CSV and XLSX files, and pseudonym keys."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import openpyxl
import pytest

from diogel.errors import ConfigError, InputError
from diogel.ingest.partners.pseudonym import (
    KEY_ENV,
    KEY_FILE_ENV,
    PseudonymKey,
    read_key,
    write_new_key,
)
from diogel.ingest.partners.tables import read_partner_file, read_venues


def test_csv_rows_keep_their_line_numbers_and_broken_rows_are_set_aside(tmp_path: Path) -> None:
    p = tmp_path / "f.csv"
    p.write_bytes(
        b"\xef\xbb\xbfDate, Type \r\n01/02/2024,Noise\r\nonly-one\r\n02/02/2024,Graffiti\r\n"
    )
    t = read_partner_file(p)
    assert t.header == ["date", "type"]
    assert t.lines.tolist() == [2, 4] and t.rows_in == 3
    assert t.broken["line"].tolist() == [3]


def test_xlsx_cells_become_the_text_a_csv_export_would_hold(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append([None])  # a blank row above the header is skipped
    ws.append(["Date", "Time", "Count", "Note"])
    ws.append([dt.datetime(2024, 3, 1), dt.time(21, 47), 3.0, " x "])
    ws.append([dt.datetime(2024, 3, 2, 23, 5), dt.datetime(1899, 12, 30, 1, 2), 4, None])
    ws.append([None, None, None, None])  # trailing blank rows are not rows
    book.save(tmp_path / "f.xlsx")
    t = read_partner_file(tmp_path / "f.xlsx")
    assert t.frame.to_dict("records") == [
        {"date": "2024-03-01", "time": "21:47:00", "count": "3", "note": "x"},
        {"date": "2024-03-02 23:05:00", "time": "01:02:00", "count": "4", "note": ""},
    ]
    assert t.lines.tolist() == [3, 4] and t.rows_in == 2


def test_xlsx_sheet_must_exist(tmp_path: Path) -> None:
    openpyxl.Workbook().save(tmp_path / "f.xlsx")
    with pytest.raises(InputError, match="has no sheet called 'Data'"):
        read_partner_file(tmp_path / "f.xlsx", sheet="Data")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("old.xls", b"\xd0\xcf", "old Excel 97-2003 workbook"),
        ("bad.xlsx", b"not a zip", "is not a readable .xlsx workbook"),
        ("latin.csv", b"Date,Type\n01/02/2024,Caf\xe9\n", "is not UTF-8 text"),
        ("twice.csv", b"Date,date\n1,2\n", "has two columns called 'date'"),
        ("empty.csv", b"", "is empty"),
    ],
)
def test_file_problems_are_one_clear_error(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_partner_file(tmp_path / name)


def test_venue_lists_read_points_and_aliases(tmp_path: Path) -> None:
    p = tmp_path / "v.csv"
    p.write_text("name,aliases,easting,northing\nThe Bar,Bar|Barz,318000,176000\n")
    v = read_venues(p)
    assert v.to_dict("records") == [
        {"name": "The Bar", "aliases": "Bar|Barz", "x": 318000.0, "y": 176000.0}
    ]
    p.write_text("name,easting,northing\nThe Bar,,176000\n")
    with pytest.raises(InputError, match="line 2 has no name or no usable point"):
        read_venues(p)


def test_pseudonyms_are_stable_and_differ_by_key_and_role(
    key: PseudonymKey, other_key: PseudonymKey
) -> None:
    a = key.pseudonym("ED0001234", "record")
    assert (
        a
        == key.pseudonym(" ed 0001234", "record")
        == PseudonymKey(key.secret).pseudonym("ED0001234", "record")
    )
    assert a != other_key.pseudonym("ED0001234", "record")
    assert a != key.pseudonym("ED0001234", "person")
    assert a is not None and len(a) == 32 and "0001234" not in a


def test_the_key_never_shows_in_its_repr(key: PseudonymKey) -> None:
    assert key.secret.decode() not in repr(key) and key.key_id in repr(key)


def test_keys_come_from_a_file_or_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "k"
    path.write_text("0123456789abcdef0123456789abcdef\n")
    from_file = read_key(path, environ={})
    assert from_file == read_key(environ={KEY_FILE_ENV: str(path)})
    assert from_file == read_key(environ={KEY_ENV: "0123456789abcdef0123456789abcdef"})
    with pytest.raises(ConfigError, match="at least 16 are needed"):
        read_key(environ={KEY_ENV: "short"})
    with pytest.raises(ConfigError, match="cannot read the pseudonym key file"):
        read_key(tmp_path / "missing", environ={})


def test_a_new_key_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "new.key"
    key = write_new_key(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert read_key(path, environ={}) == key
    with pytest.raises(ConfigError, match="already exists"):
        write_new_key(path)
