"""Fixtures for the geography tests: the bundled geography and the shared public data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from diogel.geography import Geography

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
LIBRARIES_HACKED = SHARED_DATA / "librarieshacked-geography-db"


@pytest.fixture(scope="session")
def geo() -> Geography:
    return Geography.bundled()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared public data not found at {SHARED_DATA}")
    return SHARED_DATA


def read_ons_csv(path: Path, **kwargs: object) -> pd.DataFrame:
    """Read an ONS CSV export (they start with a byte-order mark)."""
    return pd.read_csv(path, encoding="utf-8-sig", **kwargs)  # type: ignore[call-overload]
