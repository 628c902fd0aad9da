"""PostgreSQL faults: a load whose server goes away fails cleanly and can be run again with
nothing lost or doubled; two loads of the same force-month at once leave one copy.

The connection is cut from the server side (``pg_terminate_backend``, what a restart
does to every client). With ``DIOGEL_TEST_POSTGRES_RESTART`` set to a command that
restarts the server (``.ci/run`` sets it), the server itself is also restarted mid-load.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from diogel.hub import load_police_uk
from diogel.storage import open_store
from tests.conftest import POLICE_UK, data_rows

pytestmark = [pytest.mark.shared_data]

FILES = sorted((POLICE_UK / "street" / "gwent").glob("202[23]-*.csv"))


def _tagged(url: str, name: str) -> str:
    return f"{url}&application_name={name}"


def _counts(url: str) -> tuple[int, int, int]:
    store = open_store(url)
    try:
        return tuple(  # type: ignore[return-value]
            store.query_rows(f"SELECT COUNT(*) FROM {table}")[0][0]
            for table in ("incidents", "load_files", "snapshots")
        )
    finally:
        store.close()


def _cut(base: str, name: str) -> int:
    """End the server processes serving connections named ``name``; how many."""
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            [name],
        ).fetchall()
    return len(rows)


def _wait_for_server(base: str, seconds: float = 60) -> None:
    import psycopg

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(base, connect_timeout=2):
                return
        except psycopg.OperationalError:
            time.sleep(0.5)
    raise AssertionError("the PostgreSQL server did not come back")


def _restart_command() -> list[str] | None:
    command = os.environ.get("DIOGEL_TEST_POSTGRES_RESTART")
    return shlex.split(command) if command else None


@pytest.mark.parametrize("fault", ["connection cut", "server restart"])
def test_a_load_cut_off_by_the_server_fails_cleanly_and_runs_again(
    postgres_schema_url: str, postgres_url: str, fault: str, tmp_path: Path
) -> None:
    pg_url = postgres_schema_url
    restart = _restart_command()
    if fault == "server restart" and restart is None:
        if os.environ.get("DIOGEL_REQUIRE_POSTGRES"):
            pytest.fail("set DIOGEL_TEST_POSTGRES_RESTART to the command that restarts the server")
        pytest.skip("set DIOGEL_TEST_POSTGRES_RESTART to restart the server in a test")
    # A first load that stays: the fault must not touch it.
    store = open_store(pg_url)
    load_police_uk(store, FILES[:2])
    store.close()
    before = _counts(pg_url)

    name = f"diogel_fault_{uuid.uuid4().hex[:8]}"
    command = [sys.executable, "-c", "from diogel.cli import main; main()",
               "--db", _tagged(pg_url, name), "ingest", "police-uk", *map(str, FILES)]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as proc:  # fmt: skip
        # wait until the load is writing (its transaction holds rows), then cut it off
        deadline = time.monotonic() + 120
        writing = False
        import psycopg

        while time.monotonic() < deadline and proc.poll() is None:
            with psycopg.connect(postgres_url, autocommit=True) as conn:
                busy = conn.execute(
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = %s "
                    "AND xact_start IS NOT NULL AND query ILIKE 'COPY%%'",
                    [name],
                ).fetchone()
            if busy and busy[0]:
                writing = True
                break
            time.sleep(0.05)
        assert writing, "the load never started writing"
        if fault == "server restart":
            assert restart is not None
            subprocess.run(restart, check=True, capture_output=True, timeout=120)
            _wait_for_server(postgres_url)
        else:
            assert _cut(postgres_url, name) >= 1
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert "Traceback" not in err and lines[0].startswith("Error: "), err
    assert "PostgreSQL" in err and "run" in err.lower(), err  # says what happened and what to do

    assert _counts(pg_url) == before  # nothing of the cut-off load was kept

    # Run again: everything, once.
    store = open_store(pg_url)
    try:
        load_police_uk(store, FILES)
        files = store.files()
        rows = {Path(str(n)).name: int(r) for n, r in zip(files["name"], files["rows_in"],
                                                           strict=True)}  # fmt: skip
        assert rows == {p.name: data_rows(p) for p in FILES}
        stored = store.query_rows("SELECT COUNT(*) FROM incidents")[0][0]
        assert stored == int(files["accepted"].sum())
        doubled = store.query_rows(
            "SELECT COUNT(*) FROM (SELECT file_id, line FROM incidents "
            "GROUP BY file_id, line HAVING COUNT(*) > 1) AS d"
        )[0][0]
        assert doubled == 0
    finally:
        store.close()


def test_two_loads_of_the_same_force_month_at_once_leave_one_copy(store_url: str) -> None:
    """Two people load the same months at the same moment (two connections): both
    finish or one is refused with a clear error, and the months are stored once."""
    from diogel.errors import DiogelError

    files = FILES[:3]
    open_store(store_url).close()  # the schema, made once
    outcomes: list[object] = []

    def load() -> None:
        try:
            own = open_store(store_url)
        except DiogelError as exc:  # DuckDB: one process holds the file; same process shares
            outcomes.append(exc)
            return
        try:
            outcomes.append(load_police_uk(own, files))
        except DiogelError as exc:
            outcomes.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=load) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert len(outcomes) == 2
    assert any(not isinstance(o, Exception) for o in outcomes), outcomes
    for outcome in outcomes:
        if isinstance(outcome, Exception):
            assert str(outcome) and "Traceback" not in str(outcome)

    store = open_store(store_url)
    try:
        expected = sum(data_rows(p) for p in files)
        current = store.files()
        assert int(current["rows_in"].sum()) == expected  # each file current once
        stored = store.query_rows("SELECT COUNT(*) FROM incidents")[0][0]
        assert stored == int(current["accepted"].sum())
        months = store.query_rows(
            "SELECT COUNT(*) FROM snapshots GROUP BY force, month HAVING COUNT(*) > 1"
        )
        assert months == []
    finally:
        store.close()
