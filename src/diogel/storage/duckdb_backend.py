"""The embedded store: one DuckDB file, one process."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from diogel.errors import StoreError
from diogel.storage.sqlstore import SqlStore


class DuckDBStore(SqlStore):
    """A Diogel store in a DuckDB file (or in memory with ``":memory:"``).

    Parameters
    ----------
    path : str or Path
        The database file; created with the current schema if it does not exist.
    read_only : bool
        Open without the right to write (several readers may share a file).

    Examples
    --------
    >>> from diogel.storage.migrations import MIGRATIONS
    >>> store = DuckDBStore(":memory:")
    >>> store.schema_version() == MIGRATIONS[-1].version
    True
    >>> store.close()
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.url = str(path)
        if self.url != ":memory:":
            parent = Path(self.url).expanduser().resolve().parent
            if not parent.is_dir():
                raise StoreError(
                    f"cannot create the database '{self.url}': folder '{parent}' does not exist",
                    hint="create the folder first or choose another --db path",
                )
        try:
            self.con = duckdb.connect(self.url, read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(
                f"cannot open the database '{self.url}' ({exc})",
                hint="another Diogel process may be using it; wait for it to finish",
            ) from exc
        # Queries order their results explicitly, so bulk inserts need not keep row order;
        # this halves the cost of a large load.
        self.con.execute("SET preserve_insertion_order = false")
        self._in_transaction = False
        if not read_only:
            self.migrate()

    def close(self) -> None:
        self.con.close()

    def _run(self, statement: str, params: Sequence[object] = ()) -> int:
        result = self.con.execute(statement, list(params))
        if statement.lstrip()[:6].upper() in {"UPDATE", "DELETE", "INSERT"}:
            row = result.fetchone()
            return int(row[0]) if row else 0
        return -1

    def _rows(self, statement: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return list(self.con.execute(statement, list(params)).fetchall())

    def _frame(self, statement: str, params: Sequence[object] = ()) -> pd.DataFrame:
        return self.con.execute(statement, list(params)).df()

    def _append(self, table: str, rows: pa.Table) -> None:
        incoming = rows  # noqa: F841 - read by DuckDB by name
        cols = ", ".join(rows.column_names)
        self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM incoming")

    def _begin(self) -> None:
        self.con.execute("BEGIN TRANSACTION")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction. Two connections of this process writing the same rows at once
        (two loads of the same force-month) conflict: the first to commit wins, and the
        other keeps nothing and says so."""
        try:
            with super().transaction():
                yield
        except (duckdb.TransactionException, duckdb.ConstraintException) as exc:
            if not self._in_transaction:  # the outermost transaction: report it once
                raise StoreError(
                    "another change to the same data was saved while this one ran, so "
                    f"nothing of this one was saved ({str(exc).strip().splitlines()[0]})",
                    hint="run it again: a load replaces the force-months it covers",
                ) from exc
            raise

    def _commit(self) -> None:
        self.con.execute("COMMIT")

    def _rollback(self) -> None:
        self.con.execute("ROLLBACK")
