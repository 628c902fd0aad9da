"""DuckDB and PostgreSQL give the same answers from the same files."""

from __future__ import annotations

import contextlib
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
