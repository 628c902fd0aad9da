"""Files are prepared on helper threads, in groups: same result, same errors, any grouping."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

import diogel.ingest.prepare as prepare
from diogel.errors import InputError
from diogel.geography import Geography
from diogel.hub import load_police_uk
from diogel.ingest.locate import Locator
from diogel.ingest.police_uk import read_police_uk
from diogel.storage import open_store
from tests.conftest import POLICE_UK

pytestmark = pytest.mark.shared_data


def _summary(store: object) -> list[tuple[object, ...]]:
    return store.query_rows(  # type: ignore[attr-defined, no-any-return]
        "SELECT force, month, COUNT(*), COUNT(DISTINCT crime_id), ROUND(SUM(x)), "
        "COUNT(council_code), STRING_AGG(DISTINCT lsoa_method, ',' ORDER BY lsoa_method) "
        "FROM incidents GROUP BY force, month ORDER BY force, month"
    )


def test_threads_and_groupings_load_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = sorted((POLICE_UK / "street").rglob("2023-0[1-3]-*-street.csv"))
    results = []
    for name, threads, group in (("one", 1, 1 << 40), ("many", 2, 1), ("some", 3, 2 << 20)):
        monkeypatch.setattr(prepare, "THREADS", threads)
        monkeypatch.setattr(prepare, "GROUP_BYTES", group)
        store = open_store(str(tmp_path / f"{name}.duckdb"))
        report = load_police_uk(store, files)
        results.append((report.as_dict()["files"], _summary(store)))
        store.close()
    assert results[0] == results[1] == results[2]


def test_a_bad_file_on_a_helper_thread_is_reported_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
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


def test_placing_by_distinct_values_matches_the_geography_row_by_row() -> None:
    """The locator's shortcuts (distinct codes, points and councils, remembered between
    groups) give what the geography gives for every row on its own."""
    geo = Geography.bundled()
    locator = Locator(geo)
    for path in sorted((POLICE_UK / "street" / "dyfed-powys").glob("2019-0[1-3]-*.csv")):
        rows = read_police_uk(path.read_bytes(), path.name, path.name).rows
        placed = locator.locate(rows)
        x = placed.column("x").to_numpy(zero_copy_only=False)
        y = placed.column("y").to_numpy(zero_copy_only=False)
        published = np.asarray(
            rows.column("lsoa_code_published").cast(pa.string()).to_pylist(), dtype=object
        )
        codes, methods = geo.harmonise_lsoa(published, x, y)
        assert placed.column("lsoa_code").to_pylist() == codes.tolist()
        assert placed.column("lsoa_method").to_pylist() == methods.tolist()
        councils = np.array(geo.council_of_lsoa(codes), dtype=object)
        missing = np.array([c is None for c in councils]) & ~np.isnan(x)
        councils[missing] = geo.council_at(x[missing], y[missing])
        assert placed.column("council_code").to_pylist() == councils.tolist()
