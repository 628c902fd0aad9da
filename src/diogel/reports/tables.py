"""Every table of an assessment (figure data included) as one CSV file or one XLSX workbook.

CSV: one UTF-8 file (with a byte-order mark, so Excel reads Welsh letters such as ŵ and
ŷ correctly) holding the tables one after another. Each table is a title line
(``Table 3: ...``, or ``Figure 2: ...`` for a chart's data), its header line and its rows,
then an empty line. Values are plain (no thousands separators), so the numbers
can be reused.

XLSX: a "Contents" sheet listing every table with its sheet name, note and source,
then one sheet a table, named by its number and title (at most 31 characters, as
Excel requires), with the header in row 1 and frozen.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from diogel import i18n
from diogel.assess.model import Assessment, Section
from diogel.errors import InputError
from diogel.i18n import Translator
from diogel.reports.cells import figure_frame

#: Excel's limit on sheet names, and the characters it forbids in them.
SHEET_NAME_MAX: Final = 31
_FORBIDDEN: Final = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class ExportTable:
    """A table to export: its numbered title, data and note."""

    label: str
    title: str
    frame: pd.DataFrame
    note: str | None
    source: str | None


def export_tables(
    assessment: Assessment, path: str | Path, *, translator: Translator | None = None
) -> Path:
    """Write every table of ``assessment`` to a ``.csv`` or ``.xlsx`` file.

    Tables and figures are numbered as in the HTML and PDF ("Table 2", "Figure 5"), and
    figure data carry the same readable headings as the tables printed beside them.

    Parameters
    ----------
    assessment : Assessment
        What to export.
    path : str or Path
        The file to write; its suffix (``.csv`` or ``.xlsx``) chooses the format.
    translator : Translator, optional
        The translator for the few fixed words (default: the assessment's language).

    Returns
    -------
    Path
        ``path``.
    """
    target = Path(path)
    t = translator or i18n.translator(assessment.lang)
    tables = list(collect_tables(assessment, t))
    suffix = target.suffix.lower()
    if suffix == ".csv":
        _write_csv(tables, target)
    elif suffix == ".xlsx":
        _write_xlsx(tables, assessment, target, t)
    else:
        raise InputError(
            f"cannot export tables to '{target.name}'", hint="use a .csv or .xlsx file name"
        )
    return target


def collect_tables(assessment: Assessment, t: Translator) -> Iterator[ExportTable]:
    """The tables in document order, numbered as the HTML and PDF number them."""
    counts = {"figure": 0, "table": 0}

    def walk(section: Section) -> Iterator[ExportTable]:
        for figure in section.figures:
            counts["figure"] += 1
            yield ExportTable(
                t("Figure {n}", n=counts["figure"]),
                figure.title,
                _plain(figure_frame(figure, t)),
                None,
                figure.source,
            )
        for table in section.tables:
            counts["table"] += 1
            yield ExportTable(
                t("Table {n}", n=counts["table"]),
                table.title,
                _plain(table.frame),
                table.note,
                None,
            )
        for sub in section.subsections:
            yield from walk(sub)

    for section in assessment.sections:
        yield from walk(section)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Values a spreadsheet understands: periods and timestamps as text and dates."""
    out = frame.reset_index(drop=frame.index.name is None).copy()
    out.columns = [str(c) for c in out.columns]
    for name in out.columns:
        column = out[name]
        if isinstance(column.dtype, pd.PeriodDtype):
            out[name] = column.astype(str)
        elif isinstance(column.dtype, pd.DatetimeTZDtype):
            out[name] = column.dt.tz_localize(None)
        elif column.dtype == object:
            out[name] = column.map(_scalar)
    return out


def _scalar(value: Any) -> Any:
    if isinstance(value, pd.Period):
        return str(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list | tuple | set | dict):
        return str(value)
    return value


def _write_csv(tables: list[ExportTable], target: Path) -> None:
    with target.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        for i, table in enumerate(tables):
            if i:
                writer.writerow([])
            writer.writerow([f"{table.label}: {table.title}"])
            writer.writerow(list(table.frame.columns))
            for row in table.frame.itertuples(index=False):
                writer.writerow(["" if _missing(v) else v for v in row])


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def sheet_names(labels: list[str]) -> list[str]:
    """Unique Excel sheet names of at most 31 characters without forbidden characters.

    >>> sheet_names(["Figure 1: Crime [all]", "Figure 1: Crime [all]"])
    ['Figure 1 Crime all', 'Figure 1 Crime all (2)']
    """
    names: list[str] = []
    for label in labels:
        base = re.sub(r"\s+", " ", _FORBIDDEN.sub("", label.replace(":", " "))).strip("' ")
        base = base[:SHEET_NAME_MAX].rstrip() or "Sheet"
        name, n = base, 1
        while name.lower() in (existing.lower() for existing in names):
            n += 1
            suffix = f" ({n})"
            name = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        names.append(name)
    return names


def _write_xlsx(
    tables: list[ExportTable], assessment: Assessment, target: Path, t: Translator
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="EEF3F8")
    contents_name = t("Contents")[:SHEET_NAME_MAX]
    names = sheet_names([contents_name] + [f"{x.label} {x.title}" for x in tables])[1:]
    book = Workbook()
    contents = book.active
    contents.title = contents_name
    contents.append([assessment.title])
    contents["A1"].font = Font(bold=True, size=14)
    contents.append([f"{assessment.area_name}, {assessment.period_label}"])
    contents.append([])
    contents.append([t("Sheet"), t("Title"), t("Note"), t("Source")])
    for cell in contents[4]:
        cell.font = bold
        cell.fill = header_fill
    for name, table in zip(names, tables, strict=True):
        contents.append(
            [name, f"{table.label}: {table.title}", table.note or "", table.source or ""]
        )
    contents.append([])
    for line in assessment.attribution:
        contents.append([line])
    for letter, width in zip("ABCD", (34, 60, 40, 60), strict=True):
        contents.column_dimensions[letter].width = width

    for name, table in zip(names, tables, strict=True):
        sheet = book.create_sheet(name)
        frame = table.frame
        sheet.append(list(frame.columns))
        for cell in sheet[1]:
            cell.font = bold
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in frame.itertuples(index=False):
            sheet.append([None if _missing(v) else v for v in row])
        sheet.freeze_panes = "A2"
        for j, column in enumerate(frame.columns, 1):
            values = frame[column]
            width = max([len(str(column))] + [len(str(v)) for v in values.head(200)])
            sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
            if pd.api.types.is_integer_dtype(values) or (
                pd.api.types.is_float_dtype(values) and np.all(np.mod(values.dropna(), 1) == 0)
            ):
                style = "#,##0"
            elif pd.api.types.is_float_dtype(values):
                style = "#,##0.0##"
            else:
                continue
            for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = style
    book.properties.title = assessment.title
    book.properties.language = assessment.lang
    book.properties.creator = "Diogel"
    book.save(target)
