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


@pytest.fixture
def store(tmp_path: Path) -> Iterator[object]:
    """A fresh embedded store in a temporary file."""
    from diogel.storage import open_store

    s = open_store(str(tmp_path / "test.duckdb"))
    yield s
    s.close()
