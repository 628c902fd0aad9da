"""CSV and XLSX exports: every table, numbered as in the document, read back with pandas."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from diogel.assess.model import Assessment
from diogel.errors import InputError
from diogel.i18n import translator
from diogel.reports import render, render_all
from diogel.reports.tables import SHEET_NAME_MAX, collect_tables, export_tables, sheet_names


def _blocks(path: Path) -> list[tuple[str, pd.DataFrame]]:
    """The stacked CSV split back into (title, table) pairs."""
    text = path.read_bytes().decode("utf-8-sig")  # keep the CSV's own CRLF line ends
    out = []
    for block in text.strip("\r\n").split("\r\n\r\n"):
        title, _, body = block.partition("\r\n")
        out.append((title.strip('"'), pd.read_csv(io.StringIO(body))))
    return out


def test_csv_holds_every_table_in_document_order(english: Assessment, tmp_path: Path) -> None:
    path = export_tables(english, tmp_path / "tables.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads Welsh letters
    expected = list(collect_tables(english, translator("en")))
    blocks = _blocks(path)
    assert len(blocks) == len(expected) == len(english.all_tables())
    assert [b[0] for b in blocks][:3] == [
        "Figure 1: Crime rates of Welsh councils against population",
        "Table 1: Population",
        "Figure 2: Recorded crime by month",
    ]
    for (_, frame), table in zip(blocks, expected, strict=True):
        assert list(frame.columns) == list(table.frame.columns)
        pd.testing.assert_frame_equal(
            frame, table.frame.reset_index(drop=True), check_dtype=False, check_exact=False
        )


def test_csv_numbers_are_plain_and_figure_columns_readable(
    english: Assessment, tmp_path: Path
) -> None:
    blocks = dict(_blocks(export_tables(english, tmp_path / "t.csv")))
    monthly = blocks["Figure 2: Recorded crime by month"]
    assert list(monthly.columns) == ["Month", "Crimes", "Upper control limit"]
    assert monthly["Month"].iloc[0] == "July 2021"
    assert pd.api.types.is_integer_dtype(monthly["Crimes"])
    rows = blocks["Table 3: Rows loaded and rejected"]
    assert rows["Rows"].tolist() == [20961, 12]


def test_xlsx_has_a_contents_sheet_and_one_sheet_per_table(
    welsh: Assessment, tmp_path: Path
) -> None:
    path = export_tables(welsh, tmp_path / "tables.xlsx")
    sheets = pd.read_excel(path, sheet_name=None)
    names = list(sheets)
    assert names[0] == "Cynnwys"
    expected = list(collect_tables(welsh, translator("cy")))
    assert len(names) == 1 + len(expected)
    assert all(len(n) <= SHEET_NAME_MAX for n in names)
    for name, table in zip(names[1:], expected, strict=True):
        assert name.startswith(table.label)
        pd.testing.assert_frame_equal(
            sheets[name], table.frame.reset_index(drop=True), check_dtype=False
        )
    contents = sheets["Cynnwys"].astype(str).to_string()
    assert "Tabl 1: Poblogaeth" in contents
    book = load_workbook(path)
    assert book.properties.language == "cy"
    assert book[names[1]].freeze_panes == "A2"


def test_sheet_names_are_unique_short_and_legal() -> None:
    names = sheet_names(["Figure 10: A very long title about crime in Blaenau Gwent"] * 3 + ["a/b"])
    assert len(set(n.lower() for n in names)) == 4
    assert all(len(n) <= SHEET_NAME_MAX for n in names)
    assert names[3] == "ab"


def test_render_chooses_the_format_by_suffix(english: Assessment, tmp_path: Path) -> None:
    for suffix in (".html", ".csv", ".xlsx"):
        out = render(english, tmp_path / f"a{suffix}")
        assert out == tmp_path / f"a{suffix}" and out.stat().st_size > 0
    with pytest.raises(InputError, match=r"a\.docx"):
        render(english, tmp_path / "a.docx")


def test_render_all_draws_once_and_writes_every_format(english: Assessment, tmp_path: Path) -> None:
    paths = [tmp_path / f"a{s}" for s in (".html", ".pdf", ".csv", ".xlsx")]
    assert render_all(english, paths) == paths
    assert all(p.stat().st_size > 0 for p in paths)
    with pytest.raises(InputError):
        render_all(english, [tmp_path / "b.html", tmp_path / "b.txt"])
    assert not (tmp_path / "b.html").exists()  # checked before anything is written
