"""Fixtures for partner data: keys, example files, stores with police.uk data loaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from diogel.ingest.partners.pseudonym import PseudonymKey
from tests.conftest import POLICE_UK, ROOT

EXAMPLES = ROOT / "examples" / "partners"
ISTV_EXAMPLE = EXAMPLES / "istv-synthetic-cardiff-2018-10-to-2019-02.csv"
ASB_EXAMPLE = EXAMPLES / "asb-example-newport-2024-q1.csv"
FIRE_EXAMPLE = EXAMPLES / "fire-example-newport-2024-q1.csv"
VENUES = EXAMPLES / "venues-cardiff.csv"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def key() -> PseudonymKey:
    return PseudonymKey(b"a key used only by the partner data tests")


@pytest.fixture
def other_key() -> PseudonymKey:
    return PseudonymKey(b"a different key, as another partnership would have")


@pytest.fixture(scope="module")
def newport_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file with the bundled Gwent sample (Newport's streets) loaded."""
    from diogel.demo import sample_path
    from diogel.hub import load_police_uk
    from diogel.storage import open_store

    path = tmp_path_factory.mktemp("newport") / "newport.duckdb"
    store = open_store(str(path))
    load_police_uk(store, [sample_path()])
    store.close()
    return path


@pytest.fixture(scope="module")
def cardiff_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file with South Wales Police street crime, October 2018 to February 2019."""
    from diogel.hub import load_police_uk
    from diogel.storage import open_store

    files = sorted(
        p for p in (POLICE_UK / "street" / "south-wales").glob("*.csv") if p.name[:7] >= "2018-10"
    )
    path = tmp_path_factory.mktemp("cardiff") / "cardiff.duckdb"
    store = open_store(str(path))
    load_police_uk(store, files)
    store.close()
    return path


def copy_db(source: Path, tmp_path: Path) -> Path:
    """A private copy of a prepared database, so a test can write to it."""
    import shutil

    target = tmp_path / source.name
    shutil.copyfile(source, target)
    return target


@pytest.fixture
def newport_store(newport_db: Path, tmp_path: Path) -> Iterator[object]:
    from diogel.storage import open_store

    store = open_store(str(copy_db(newport_db, tmp_path)))
    yield store
    store.close()
