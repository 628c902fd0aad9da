"""Large loads prepare files in worker processes: same result, same errors."""

from __future__ import annotations

from pathlib import Path

import pytest

import diogel.ingest.prepare as prepare
from diogel.errors import InputError
from diogel.hub import load_police_uk
from diogel.storage import open_store
from tests.conftest import POLICE_UK

pytestmark = pytest.mark.shared_data


def test_worker_processes_load_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = sorted((POLICE_UK / "street" / "gwent").glob("2023-0[1-4]-gwent-street.csv"))
    totals = []
    for name, threshold, group in (("threads", 1 << 60, 24 << 20), ("workers", 0, 2 << 20)):
        monkeypatch.setattr(prepare, "PROCESS_THRESHOLD", threshold)
        monkeypatch.setattr(prepare, "GROUP_BYTES", group)
        store = open_store(str(tmp_path / f"{name}.duckdb"))
        report = load_police_uk(store, files)
        totals.append(
            (
                report.rows_in,
                report.accepted,
                store.query_rows(
                    "SELECT COUNT(*), COUNT(DISTINCT crime_id), ROUND(SUM(x)), COUNT(council_code) "
                    "FROM incidents"
                ),
            )
        )
        store.close()
    assert totals[0] == totals[1]


def test_a_bad_file_in_a_worker_is_reported_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prepare, "PROCESS_THRESHOLD", 0)
    monkeypatch.setattr(prepare, "GROUP_BYTES", 1)
    good = POLICE_UK / "street" / "gwent" / "2023-01-gwent-street.csv"
    data = good.read_bytes()
    bad = tmp_path / "2023-02-gwent-street.csv"
    bad.write_bytes(data[:1000] + b"\xff" + data[1000:])
    store = open_store(str(tmp_path / "t.duckdb"))
    with pytest.raises(InputError, match="is not UTF-8 text"):
        load_police_uk(store, [good, bad])
    assert store.query_rows("SELECT COUNT(*) FROM incidents")[0][0] == 0
    store.close()
