"""`diogel assess`: a Welsh PDF with the area's total and the licence in both languages."""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from diogel.cli import main
from tests.conftest import POLICE_UK

pytestmark = pytest.mark.shared_data


def _run(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            main(argv)
        except SystemExit as exc:
            assert not exc.code, out.getvalue()
    return out.getvalue()


def test_welsh_pdf_contains_total_and_licence(tmp_path: Path) -> None:
    files = sorted((POLICE_UK / "street" / "gwent").glob("202[34]-0[1-6]-gwent-street.csv"))
    db = ["--db", str(tmp_path / "s.duckdb"), "--quiet"]
    _run([*db, "ingest", "police-uk", *map(str, files)])
    out = tmp_path / "a.pdf"
    printed = _run([*db, "assess", "--area", "Newport", "--from", "2024-01", "--to", "2024-06",
                    "--lang", "cy", "--out", str(out)])  # fmt: skip
    assert str(out) in printed
    total = 0
    for path in files:
        if path.name >= "2024":
            with path.open(encoding="utf-8-sig", newline="") as fh:
                total += sum(1 for r in csv.DictReader(fh) if r["LSOA name"].startswith("Newport "))
    reader = PdfReader(out)
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert f"{total:,}" in text
    assert "Asesiad strategol diogelwch cymunedol" in text
    assert "Drwydded Llywodraeth Agored v3.0" in text
    assert "Open Government Licence v3.0" in text
    assert len(reader.pages) >= 10
    assert reader.metadata is not None and "Casnewydd" in (reader.metadata.title or "")


def test_tables_export_to_xlsx_and_csv(tmp_path: Path) -> None:
    import pandas as pd

    files = sorted((POLICE_UK / "street" / "gwent").glob("202[34]-0[1-6]-gwent-street.csv"))
    db = ["--db", str(tmp_path / "s.duckdb"), "--quiet"]
    _run([*db, "ingest", "police-uk", *map(str, files)])
    xlsx = tmp_path / "t.xlsx"
    _run([*db, "assess", "--area", "Newport", "--from", "2024-01", "--to", "2024-06", "--out",
          str(xlsx)])  # fmt: skip
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert len(sheets) >= 10
    csv_path = tmp_path / "t.csv"
    _run([*db, "assess", "--area", "Newport", "--from", "2024-01", "--to", "2024-06", "--out",
          str(csv_path)])  # fmt: skip
    assert csv_path.stat().st_size > 1000
