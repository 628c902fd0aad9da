"""The server store: PostgreSQL, for a multi-agency deployment with several web workers.

The same SQL as the embedded store (``sqlstore``); bulk loads stream Arrow tables into
``COPY ... FROM STDIN`` as CSV, and the indexes a server needs are created by the
migrations' server statements.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from diogel.errors import ConfigError, StoreError
from diogel.storage.sqlstore import SqlStore

_PLACEHOLDER = re.compile(r"\?")
#: The advisory lock loads hold until they commit ("Diogel" as a number).
LOAD_LOCK = 0x44696F67656C
#: Rows written to COPY at a time (about 9 MB of police.uk CSV).
COPY_PART_ROWS = 30_000
# psycopg logs a lost connection as it cleans up; Diogel reports it once, as a StoreError.
logging.getLogger("psycopg").addHandler(logging.NullHandler())


def _dialect(statement: str) -> str:
    """``?`` parameters become psycopg's ``%s`` (the SQL holds no literal ``%`` or ``?``)."""
    return _PLACEHOLDER.sub("%s", statement.replace("%", "%%"))


class PostgresStore(SqlStore):
    """A Diogel store in a PostgreSQL database.

    Parameters
    ----------
    url : str
        A ``postgresql://`` connection URL (libpq options such as
        ``?options=-csearch_path%3Dmyschema`` are honoured).
    """

    server = True

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as exc:
            raise ConfigError(
                "the PostgreSQL server mode needs the psycopg package",
                hint="install Diogel with the postgres extra: pip install 'diogel[postgres]'",
            ) from exc
        self.url = url
        self._psycopg = psycopg
        try:
            self.conn = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot connect to PostgreSQL ({str(exc).strip().splitlines()[0]})",
                hint="check the URL, that the server is running and that the database exists",
            ) from exc
        self._in_transaction = False
        self.migrate()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction; when the server goes away part-way (a restart, a dropped
        network), nothing of it is kept and the error says to run the work again."""
        try:
            with super().transaction():
                yield
        except self._psycopg.OperationalError as exc:
            raise _lost(exc, "nothing of this work was saved") from exc

    def _fresh(self) -> None:
        """Outside a transaction, a connection the server dropped (a restart) is made
        again, so a long-running web worker carries on once the server is back."""
        if (self.conn.closed or self.conn.broken) and not self._in_transaction:
            try:
                self.conn = self._psycopg.connect(self.url, autocommit=True)
            except self._psycopg.OperationalError as exc:
                raise _lost(exc, "the server does not answer") from exc

    def _cursor(self, statement: str, params: Sequence[object]) -> Any:
        self._fresh()
        cur = self.conn.cursor()
        try:
            cur.execute(_dialect(statement), list(params) or None)
        except self._psycopg.OperationalError as exc:
            cur.close()
            if self._in_transaction:
                raise
            raise _lost(exc, "the statement did not run") from exc
        return cur

    def _run(self, statement: str, params: Sequence[object] = ()) -> int:
        with self._cursor(statement, params) as cur:
            return int(cur.rowcount)

    def _rows(self, statement: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self._cursor(statement, params) as cur:
            return list(cur.fetchall())

    def _frame(self, statement: str, params: Sequence[object] = ()) -> pd.DataFrame:
        with self._cursor(statement, params) as cur:
            names = [d.name for d in cur.description or []]
            frame = pd.DataFrame(cur.fetchall(), columns=names)
        # Match the embedded store: dates and times come back as datetime64 columns.
        for name in names:
            column = frame[name]
            if len(column) and column.map(_is_date).all():
                frame[name] = pd.to_datetime(column)
            elif column.dtype == object and len(column) and column.map(_is_decimal).all():
                frame[name] = column.astype(float)
        return frame

    def _append(self, table: str, rows: pa.Table) -> None:
        if rows.num_rows == 0:
            return
        names = rows.column_names
        binary = [n for n in names if pa.types.is_binary(rows.schema.field(n).type)]
        statement = f"COPY {table} ({', '.join(names)}) FROM STDIN WITH (FORMAT csv, NULL '')"
        options = pacsv.WriteOptions(include_header=False)
        # The server parses and stores one part while the next is written as CSV here,
        # and a writer thread sends them: the two cores work at once, and the CSV of a
        # large load is never held whole in memory.
        with self.conn.cursor() as cur:
            writer = self._psycopg.copy.QueuedLibpqWriter(cur)
            try:
                with cur.copy(statement, writer=writer) as copy:
                    for start in range(0, rows.num_rows, COPY_PART_ROWS):
                        part = _plain_strings(rows.slice(start, COPY_PART_ROWS))
                        if binary:  # COPY's CSV has no bytes type: hex-escape as bytea text
                            part = _hex_bytes(part, binary)
                        buffer = io.BytesIO()
                        pacsv.write_csv(part, buffer, options)
                        copy.write(buffer.getbuffer())
            except BaseException:
                self._close_if_still_copying()
                raise

    def _close_if_still_copying(self) -> None:
        """psycopg ends a COPY that fails in the loop above, but not one whose writer
        thread failed or whose ending was interrupted: the connection is then left inside
        the COPY, refusing the rollback and waiting for ever on the next statement. Closing
        it makes the server discard the transaction; the next statement connects again."""
        active = self._psycopg.pq.TransactionStatus.ACTIVE
        if not self.conn.closed and self.conn.info.transaction_status == active:
            self.conn.close()

    def _serialise_loads(self) -> None:
        # Two loads at once (two workers, two people) take turns: the second waits for
        # the first to commit, then replaces the force-months it covers in its turn.
        self._run("SELECT pg_advisory_xact_lock(?)", [LOAD_LOCK])

    def _begin(self) -> None:
        self._run("BEGIN")

    def _commit(self) -> None:
        self._run("COMMIT")

    def _rollback(self) -> None:
        if self.conn.closed or self.conn.broken:
            return  # the server ended the transaction with the connection
        self._run("ROLLBACK")


def _lost(exc: Exception, what: str) -> StoreError:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StoreError(
        f"lost the connection to PostgreSQL ({first}); {what}",
        hint="check that the server is running, then run the command again",
    )


def _plain_strings(rows: pa.Table) -> pa.Table:
    """One contiguous chunk with ordinary string columns, before writing CSV for COPY.

    Frames from pandas may hold large or view strings in several sliced chunks; writing
    those straight to CSV has produced corrupt bytes, so they are normalised first.
    """
    rows = rows.combine_chunks()
    for i, field in enumerate(rows.schema):
        if pa.types.is_dictionary(field.type):  # police.uk rows hold repeated text encoded
            rows = rows.set_column(i, field.name, rows.column(i).cast(field.type.value_type))
            field = rows.schema.field(i)
        if pa.types.is_large_string(field.type) or pa.types.is_string_view(field.type):
            rows = rows.set_column(i, field.name, rows.column(i).cast(pa.string()))
    return rows


def _is_date(value: object) -> bool:
    import datetime as dt

    return value is None or isinstance(value, dt.date)


def _is_decimal(value: object) -> bool:
    from decimal import Decimal

    return isinstance(value, Decimal)


def _hex_bytes(rows: pa.Table, columns: list[str]) -> pa.Table:
    for name in columns:
        values = rows.column(name).to_pylist()
        text = pa.array([None if v is None else "\\x" + bytes(v).hex() for v in values])
        rows = rows.set_column(rows.schema.get_field_index(name), name, text)
    return rows
