"""Loading partner files: counts, no duplicates on reload, replacement, pseudonyms, atomicity,
and no raw identifier anywhere in the database file."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from diogel.errors import ConfigError, InputError
from diogel.hub_partners import load_partner_files
from diogel.ingest.partners.pseudonym import PseudonymKey
from tests.partners.conftest import ASB_EXAMPLE, FIRE_EXAMPLE, ISTV_EXAMPLE, VENUES, copy_db

TODAY = dt.date(2025, 1, 1)


def _identifiers(path: Path, column: str) -> set[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {row[column] for row in csv.DictReader(fh) if row[column]}


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def _count(store: Any, sql: str, params: list[object] | None = None) -> int:
    return int(store.query_rows(sql, params or [])[0][0])


@pytest.mark.parametrize(
    ("mapping", "example", "accepted", "rejected"),
    [("asb", ASB_EXAMPLE, 74, 6), ("fire", FIRE_EXAMPLE, 46, 4)],
)
def test_each_council_mapping_loads_its_example(
    newport_store: Any, key: PseudonymKey, mapping: str, example: Path, accepted: int, rejected: int
) -> None:
    report = load_partner_files(
        newport_store, [example], mapping, key=key, area="Newport", today=TODAY
    )
    (f,) = report.files
    assert f.rows_in == _rows(example) == f.accepted + f.rejected
    assert (f.accepted, f.rejected) == (accepted, rejected)
    stored = _count(
        newport_store, "SELECT COUNT(*) FROM partner_events WHERE file_id = ?", [f.file_id]
    )
    kept = _count(newport_store, "SELECT COUNT(*) FROM rejects WHERE file_id = ?", [f.file_id])
    assert (stored, kept) == (accepted, rejected)
    files = newport_store.files()
    assert files.loc[files["file_id"] == f.file_id, "dataset"].item() == f"partner:{mapping}"


@pytest.mark.shared_data
def test_the_istv_mapping_loads_its_synthetic_example(
    cardiff_db: Path, tmp_path: Path, key: PseudonymKey
) -> None:
    from diogel.storage import open_store

    store = open_store(str(copy_db(cardiff_db, tmp_path)))
    try:
        report = load_partner_files(
            store, [ISTV_EXAMPLE], "istv", key=key, area="Cardiff", venues=VENUES, today=TODAY
        )
        (f,) = report.files
        assert f.rows_in == _rows(ISTV_EXAMPLE) == f.accepted + f.rejected and f.rejected == 6
        assert f.places["gazetteer"] > 0.5 * f.accepted
        assert _count(store, "SELECT COUNT(*) FROM partner_events WHERE NOT synthetic") == 0
        assert _count(store, "SELECT COUNT(*) FROM place_reviews") == f.places.get("review", 0)
        ids = _identifiers(ISTV_EXAMPLE, "Attendance Identifier")
        for table, column in (
            ("partner_events", "record_key"),
            ("rejects", "raw"),
            ("place_reviews", "text"),
            ("partner_events", "location"),
        ):
            values = {str(v) for (v,) in store.query_rows(f"SELECT DISTINCT {column} FROM {table}")}
            assert not any(i in v for v in values for i in ids), table
    finally:
        store.close()


def test_loading_the_same_file_again_changes_nothing(newport_store: Any, key: PseudonymKey) -> None:
    first = load_partner_files(newport_store, [FIRE_EXAMPLE], "fire", key=key, today=TODAY)
    again = load_partner_files(newport_store, [FIRE_EXAMPLE], "fire", key=key, today=TODAY)
    assert again.files[0].skipped == "already loaded (same contents)"
    assert again.files[0].file_id == first.files[0].file_id
    assert _count(newport_store, "SELECT COUNT(*) FROM partner_events") == first.accepted
    assert _count(newport_store, "SELECT COUNT(*) FROM rejects") == first.rejected


def test_a_resent_file_replaces_its_rows_by_record(
    newport_store: Any, key: PseudonymKey, tmp_path: Path
) -> None:
    load_partner_files(newport_store, [FIRE_EXAMPLE], "fire", key=key, today=TODAY)
    frame = pd.read_csv(FIRE_EXAMPLE, dtype=str, keep_default_na=False)
    frame.loc[0, "Property Type"] = "Dwelling"  # a correction
    extra = frame.iloc[[1]].assign(**{"Incident Number": "SWFRS-24-NEW001"})
    resent = pd.concat([frame, extra], ignore_index=True)
    path = tmp_path / "fire-resent.csv"
    resent.to_csv(path, index=False)
    report = load_partner_files(newport_store, [path], "fire", key=key, today=TODAY)
    assert report.files[0].replaced == 46
    rows = newport_store.query("SELECT record_key, property_type FROM partner_events")
    assert len(rows) == 47 and rows["record_key"].is_unique
    first = key.pseudonym(frame.loc[0, "Incident Number"], "record")
    assert rows.set_index("record_key").loc[first, "property_type"] == "dwelling"
    files = newport_store.files()
    assert files["name"].tolist()[-1] == "fire-resent.csv"
    assert "fire-example-newport-2024-q1.csv" not in set(files["name"])  # all its rows replaced


def test_months_mode_replaces_whole_months(newport_store: Any, tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        'name = "log"\nagency = "council"\ndedupe = "months"\n[date]\ncolumn = "Date"\n'
        '[category]\ntheme = "anti-social-behaviour"\n[location]\neasting = "E"\nnorthing = "N"\n'
    )
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    one.write_text(
        "Date,E,N\n2024-01-05,331000,188000\n2024-02-05,331000,188000\n2024-02-06,331000,188000\n"
    )
    two.write_text("Date,E,N\n2024-02-10,331000,188000\n2024-03-01,331000,188000\n")
    load_partner_files(newport_store, [one], mapping, today=TODAY)
    report = load_partner_files(newport_store, [two], mapping, today=TODAY)
    assert report.files[0].replaced == 2  # February from the first file
    months = newport_store.query(
        "SELECT month, COUNT(*) AS n FROM partner_events GROUP BY month ORDER BY month"
    )
    assert months["n"].tolist() == [1, 1, 1]


def test_pseudonyms_are_stable_across_loads_and_differ_under_another_key(
    newport_db: Path, tmp_path: Path, key: PseudonymKey, other_key: PseudonymKey
) -> None:
    from diogel.storage import open_store

    keys = []
    for i, k in enumerate((key, key, other_key)):
        folder = tmp_path / str(i)
        folder.mkdir()
        store = open_store(str(copy_db(newport_db, folder)))
        try:
            load_partner_files(store, [ASB_EXAMPLE], "asb", key=k, today=TODAY)
            keys.append(
                store.query("SELECT line, record_key, person_key FROM partner_events ORDER BY line")
            )
        finally:
            store.close()
    assert keys[0].equals(keys[1])
    assert not set(keys[0]["record_key"]) & set(keys[2]["record_key"])
    assert not set(keys[0]["person_key"]) & set(keys[2]["person_key"])
    callers = keys[0].groupby("person_key").size()
    assert callers.max() > 1  # repeat callers can still be counted


def test_loading_with_a_second_key_is_warned_about(
    newport_store: Any, key: PseudonymKey, other_key: PseudonymKey, tmp_path: Path
) -> None:
    load_partner_files(newport_store, [ASB_EXAMPLE], "asb", key=key, today=TODAY)
    frame = pd.read_csv(ASB_EXAMPLE, dtype=str, keep_default_na=False).head(10)
    path = tmp_path / "asb-more.csv"
    frame.assign(**{"Case Reference": [f"X{i}" for i in range(10)]}).to_csv(path, index=False)
    report = load_partner_files(newport_store, [path], "asb", key=other_key, today=TODAY)
    assert any("another key" in w for w in report.warnings)


def test_no_raw_identifier_or_key_is_stored_anywhere(
    newport_db: Path, tmp_path: Path, key: PseudonymKey
) -> None:
    from diogel.storage import open_store

    db = copy_db(newport_db, tmp_path)
    store = open_store(str(db))
    load_partner_files(store, [ASB_EXAMPLE], "asb", key=key, area="Newport", today=TODAY)
    load_partner_files(store, [FIRE_EXAMPLE], "fire", key=key, area="Newport", today=TODAY)
    store.close()
    secrets = (
        _identifiers(ASB_EXAMPLE, "Case Reference")
        | _identifiers(ASB_EXAMPLE, "Caller Reference")
        | _identifiers(ASB_EXAMPLE, "Caller Name")
        | _identifiers(ASB_EXAMPLE, "Caller Phone")
        | _identifiers(FIRE_EXAMPLE, "Incident Number")
        | {key.secret.decode()}
    )
    house_numbers = pd.read_csv(ASB_EXAMPLE, dtype=str, keep_default_na=False)["Address"]
    con = duckdb.connect(str(db), read_only=True)
    try:
        text = []
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE data_type = 'VARCHAR'"
        ).fetchall()
        for table, column in columns:  # every text value of every table
            values = con.execute(f'SELECT DISTINCT "{column}" FROM "{table}"').fetchall()
            text.extend(str(v) for (v,) in values if v is not None)
    finally:
        con.close()
    blob = "\n".join(text)
    leaked = sorted(s for s in secrets if s in blob)
    assert not leaked, leaked[:5]
    assert not any(a in blob for a in house_numbers if a), "full addresses must not be stored"
    assert db.read_bytes().find(key.secret) == -1


def test_a_failure_part_way_leaves_the_database_unchanged(
    newport_store: Any, key: PseudonymKey, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import diogel.hub_partners as hub

    before = (
        _count(newport_store, "SELECT COUNT(*) FROM load_files"),
        _count(newport_store, "SELECT COUNT(*) FROM incidents"),
    )
    real = hub.store_partner_file
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    second = tmp_path / "asb-second.csv"
    second.write_text(ASB_EXAMPLE.read_text(encoding="utf-8").replace("ASB/24/", "ASB/25/"))
    monkeypatch.setattr(hub, "store_partner_file", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        load_partner_files(newport_store, [ASB_EXAMPLE, second], "asb", key=key, today=TODAY)
    assert calls["n"] == 2  # the first file was written inside the transaction
    after = (
        _count(newport_store, "SELECT COUNT(*) FROM load_files"),
        _count(newport_store, "SELECT COUNT(*) FROM incidents"),
    )
    assert after == before
    assert _count(newport_store, "SELECT COUNT(*) FROM partner_events") == 0


def test_a_file_with_the_wrong_columns_writes_nothing(
    newport_store: Any, key: PseudonymKey
) -> None:
    with pytest.raises(InputError, match="column 'Incident Date' is not in 'fire-example"):
        load_partner_files(newport_store, [ASB_EXAMPLE, FIRE_EXAMPLE], "asb", key=key, today=TODAY)
    assert _count(newport_store, "SELECT COUNT(*) FROM partner_events") == 0


def test_identifiers_without_a_key_are_refused(
    newport_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DIOGEL_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("DIOGEL_PSEUDONYM_KEY_FILE", raising=False)
    with pytest.raises(ConfigError, match="no pseudonym key"):
        load_partner_files(newport_store, [FIRE_EXAMPLE], "fire", today=TODAY)


def test_an_xlsx_file_loads_like_its_csv(
    newport_store: Any, key: PseudonymKey, tmp_path: Path
) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    with FIRE_EXAMPLE.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            sheet.append(row)
    book.save(tmp_path / "fire.xlsx")
    report = load_partner_files(
        newport_store, [tmp_path / "fire.xlsx"], "fire", key=key, today=TODAY
    )
    (f,) = report.files
    assert (f.rows_in, f.accepted, f.rejected) == (50, 46, 4)
    reasons = newport_store.rejects(str(f.file_id))
    assert reasons["line"].tolist() == [9, 20, 31, 43]  # spreadsheet rows, as in the CSV
