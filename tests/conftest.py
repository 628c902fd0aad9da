"""Shared test fixtures: the real public data beside the project, and fresh stores."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
POLICE_UK = SHARED_DATA / "police-uk"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``shared_data`` need ``../shared/data``; CI insists on it."""
    if SHARED_DATA.is_dir():
        return
    if os.environ.get("DIOGEL_REQUIRE_SHARED_DATA"):
        raise pytest.UsageError(f"{SHARED_DATA} is missing but DIOGEL_REQUIRE_SHARED_DATA is set")
    skip = pytest.mark.skip(reason=f"needs the public data in {SHARED_DATA}")
    for item in items:
        if "shared_data" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(params=["duckdb", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a DuckDB file, and a PostgreSQL schema of its own."""
    if request.param == "duckdb":
        yield str(tmp_path / "test.duckdb")
        return
    yield from _postgres_schema(request)


def _postgres_schema(request: pytest.FixtureRequest) -> Iterator[str]:
    import uuid

    base = request.getfixturevalue("postgres_url")
    psycopg = pytest.importorskip("psycopg")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in base else "?"
    try:
        yield f"{base}{joiner}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def postgres_schema_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh PostgreSQL schema of its own (for tests of the server mode only)."""
    yield from _postgres_schema(request)


@pytest.fixture
def store(store_url: str) -> Iterator[object]:
    """A fresh store on each backend (DuckDB and PostgreSQL)."""
    from diogel.storage import open_store

    s = open_store(store_url)
    yield s
    s.close()


@pytest.fixture
def postgres_url() -> str:
    """The PostgreSQL test server; CI sets DIOGEL_REQUIRE_POSTGRES so a skip is a failure."""
    url = os.environ.get("DIOGEL_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("DIOGEL_REQUIRE_POSTGRES"):
            pytest.fail("DIOGEL_TEST_POSTGRES_URL is not set but PostgreSQL tests are required")
        pytest.skip("set DIOGEL_TEST_POSTGRES_URL to run PostgreSQL tests")
    return url


def data_rows(path: Path) -> int:
    """Data rows of a published CSV (records after the header), counted with ``csv``."""
    import csv

    with path.open(encoding="utf-8-sig", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1
