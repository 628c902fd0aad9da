"""A load killed with SIGKILL part-way through leaves the database as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from diogel.errors import InputError
from diogel.hub import load_police_uk
from diogel.storage import open_store
from tests.conftest import POLICE_UK

pytestmark = pytest.mark.shared_data

CHILD = textwrap.dedent(
    """
    import sys
    from diogel.hub import load_police_uk
    from diogel.storage import open_store

    class Tell:
        def start(self, total_files, total_bytes):
            pass
        def file_done(self, name, nbytes, rows):
            print("done", name, flush=True)

    store = open_store(sys.argv[1])
    load_police_uk(store, sys.argv[2:], progress=Tell())
    print("committed", flush=True)
    """
)


def _snapshot(db: str) -> tuple[int, int, int]:
    store = open_store(db)
    try:
        return tuple(  # type: ignore[return-value]
            store.query_rows(f"SELECT COUNT(*) FROM {table}")[0][0]
            for table in ("incidents", "load_files", "snapshots")
        )
    finally:
        store.close()


def test_sigkill_mid_load_leaves_store_unchanged(store_url: str) -> None:
    db = store_url
    first = sorted((POLICE_UK / "street" / "gwent").glob("2018-*.csv"))
    store = open_store(db)
    load_police_uk(store, first)
    store.close()
    before = _snapshot(db)
    assert before[0] > 0

    rest = sorted((POLICE_UK / "street").rglob("*.csv"))
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, db, *map(str, rest)],
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        seen = 0
        for line in proc.stdout:
            seen += line.startswith("done")
            if seen == 30:  # batches written inside the open transaction
                os.kill(proc.pid, signal.SIGKILL)
                break
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert _snapshot(db) == before


def test_a_bad_file_in_a_folder_writes_nothing(tmp_path: Path, store) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    for p in sorted((POLICE_UK / "street" / "gwent").glob("2024-0[1-3]*.csv")):
        (folder / p.name).write_bytes(p.read_bytes())
    good = (POLICE_UK / "street" / "gwent" / "2024-04-gwent-street.csv").read_bytes()
    (folder / "2024-04-gwent-street.csv").write_bytes(good[: len(good) // 2])  # cut off
    with pytest.raises(InputError, match="looks cut off"):
        load_police_uk(store, [folder])
    assert store.query_rows("SELECT COUNT(*) FROM incidents")[0][0] == 0
    assert store.files().empty
