"""DuckDB and PostgreSQL give the same answers from the same files."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path

import pytest

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


def test_same_files_give_identical_summaries(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from tests.conftest import _postgres_schema

    schema = _postgres_schema(request)
    pg_url = next(schema)
    try:
        files = [str(p) for p in sorted((POLICE_UK / "street" / "gwent").glob("2023-*.csv"))]
        files += [str(p) for p in sorted((POLICE_UK / "outcomes" / "gwent").glob("2023-*.csv"))]
        outputs = []
        for url in (str(tmp_path / "a.duckdb"), pg_url):
            _run(["--db", url, "--quiet", "ingest", "police-uk", *files])
            for area in ("Newport", "Torfaen", "gwent"):
                outputs.append(
                    _run(
                        [
                            "--db",
                            url,
                            "summary",
                            "--area",
                            area,
                            "--from",
                            "2023-01",
                            "--to",
                            "2023-12",
                            "--json",
                        ]
                    )
                )
            datasets = json.loads(_run(["--db", url, "datasets", "--json"]))
            outputs.append(
                json.dumps(
                    [
                        {k: d[k] for k in ("name", "rows_in", "accepted", "rejected")}
                        for d in datasets
                    ]
                )
            )
        half = len(outputs) // 2
        assert outputs[:half] == outputs[half:]
        assert json.loads(outputs[0])["total"] == 20961
    finally:
        schema.close()


def test_crimes_without_a_location_are_stored_with_null_coordinates(store: object) -> None:
    """Rows published without coordinates have NULL longitude, latitude, x and y in
    both stores (not NaN, which SQL would count as a value)."""
    from diogel.hub import load_police_uk

    path = POLICE_UK / "street" / "gwent" / "2023-05-gwent-street.csv"
    with path.open(newline="", encoding="utf-8-sig") as handle:
        published = list(csv.DictReader(handle))
    without = sum(1 for r in published if not r["Longitude"].strip())
    assert without > 0
    load_police_uk(store, [path])  # type: ignore[arg-type]
    counts = store.query_rows(  # type: ignore[attr-defined]
        "SELECT COUNT(*), COUNT(lon), COUNT(lat), COUNT(x), COUNT(y), "
        "SUM(CASE WHEN has_location THEN 0 ELSE 1 END) FROM incidents"
    )[0]
    n = len(published)
    assert tuple(int(v) for v in counts) == (n, n - without, n - without, n - without,
                                             n - without, without)  # fmt: skip


def test_coordinates_stored_as_nan_by_earlier_versions_become_null(store: object) -> None:
    """Databases written before migration 5 held NaN for a missing longitude and
    latitude; the migration turns them into NULL and leaves located crimes alone."""
    from diogel.hub import load_police_uk

    path = POLICE_UK / "street" / "gwent" / "2023-05-gwent-street.csv"
    load_police_uk(store, [path])  # type: ignore[arg-type]
    before = store.query_rows("SELECT SUM(lon), SUM(lat) FROM incidents")[0]  # type: ignore[attr-defined]
    store.execute(  # type: ignore[attr-defined]
        "UPDATE incidents SET lon = CAST('NaN' AS DOUBLE PRECISION), "
        "lat = CAST('NaN' AS DOUBLE PRECISION) WHERE NOT has_location"
    )
    store.execute("DELETE FROM schema_migrations WHERE version = 5")  # type: ignore[attr-defined]
    assert store.migrate() == [5]  # type: ignore[attr-defined]
    rows = store.query_rows(  # type: ignore[attr-defined]
        "SELECT COUNT(lon), COUNT(lat), SUM(lon), SUM(lat), "
        "SUM(CASE WHEN has_location THEN 1 ELSE 0 END) FROM incidents"
    )[0]
    assert rows[0] == rows[1] == rows[4]
    assert rows[2:4] == pytest.approx(before)
