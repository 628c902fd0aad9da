"""A PostgreSQL load that fails part-way through its streamed COPY keeps nothing and leaves
the store usable: whether the CSV writing fails here or psycopg's writer thread does."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from diogel.hub import load_police_uk
from tests.conftest import POLICE_UK, data_rows

pytestmark = pytest.mark.shared_data

PATH = POLICE_UK / "street" / "gwent" / "2023-05-gwent-street.csv"


@pytest.fixture
def pg(postgres_schema_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A PostgreSQL store whose COPY is sent in parts of 500 rows (several per file)."""
    from diogel.storage import open_store, postgres_backend

    monkeypatch.setattr(postgres_backend, "COPY_PART_ROWS", 500)
    assert data_rows(PATH) > 5 * 500
    store = open_store(postgres_schema_url)
    yield store
    store.close()


def _counts(store: Any) -> tuple[int, int]:
    return tuple(  # type: ignore[return-value]
        int(store.query_rows(f"SELECT COUNT(*) FROM {table}")[0][0])
        for table in ("incidents", "load_files")
    )


def _answers_within(store: Any, seconds: float = 20) -> tuple[int, int] | None:
    """The store's counts, or None when it does not answer in time (a stuck connection)."""
    out: list[tuple[int, int]] = []
    worker = threading.Thread(target=lambda: out.append(_counts(store)), daemon=True)
    worker.start()
    worker.join(seconds)
    return out[0] if out else None


def _fail_on_call(number: int, original: Any, error: BaseException) -> Any:
    calls = 0

    def failing(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == number:
            raise error
        return original(*args)

    return failing


def test_an_error_writing_a_later_part_keeps_nothing(
    pg: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from diogel.storage import postgres_backend

    original = postgres_backend._plain_strings
    monkeypatch.setattr(
        postgres_backend, "_plain_strings", _fail_on_call(3, original, RuntimeError("disk full"))
    )
    with pytest.raises(RuntimeError, match="disk full"):
        load_police_uk(pg, [PATH])
    monkeypatch.setattr(postgres_backend, "_plain_strings", original)
    assert _answers_within(pg) == (0, 0)
    load_police_uk(pg, [PATH])  # the same store loads the file whole afterwards
    assert _counts(pg)[1] == 1
    assert _counts(pg)[0] == int(pg.files()["accepted"].sum())


def test_a_failed_writer_thread_keeps_nothing_and_leaves_the_store_usable(
    pg: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """psycopg's queued writer does not end the COPY when its own thread fails: without
    care the connection stays inside the COPY, the rollback is refused (and reported as a
    lost connection) and the next statement waits for ever."""
    from psycopg import copy as pgcopy

    original = pgcopy.QueuedLibpqWriter._put
    monkeypatch.setattr(
        pgcopy.QueuedLibpqWriter, "_put", _fail_on_call(3, original, ValueError("send failed"))
    )
    with pytest.raises(ValueError, match="send failed"):
        load_police_uk(pg, [PATH])
    monkeypatch.setattr(pgcopy.QueuedLibpqWriter, "_put", original)
    assert _answers_within(pg) == (0, 0), "the store no longer answers after a failed COPY"
    load_police_uk(pg, [PATH])
    assert _counts(pg)[1] == 1
