"""The server store: PostgreSQL, for a multi-agency deployment with several web workers.

The same SQL as the embedded store (``sqlstore``); bulk loads stream Arrow tables into
``COPY ... FROM STDIN`` as CSV, and the indexes a server needs are created by the
migrations' server statements.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from diogel.errors import ConfigError, StoreError
from diogel.storage.sqlstore import SqlStore

_PLACEHOLDER = re.compile(r"\?")


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

    def _run(self, statement: str, params: Sequence[object] = ()) -> int:
        with self.conn.cursor() as cur:
            cur.execute(_dialect(statement), list(params) or None)
            return int(cur.rowcount)

    def _rows(self, statement: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self.conn.cursor() as cur:
            cur.execute(_dialect(statement), list(params) or None)
            return list(cur.fetchall())

    def _frame(self, statement: str, params: Sequence[object] = ()) -> pd.DataFrame:
        with self.conn.cursor() as cur:
            cur.execute(_dialect(statement), list(params) or None)
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
        rows = _plain_strings(rows)
        names = rows.column_names
        binary = [n for n in names if pa.types.is_binary(rows.schema.field(n).type)]
        if binary:  # COPY's CSV has no bytes type: hex-escape them as bytea text
            rows = _hex_bytes(rows, binary)
        buffer = io.BytesIO()
        pacsv.write_csv(rows, buffer, pacsv.WriteOptions(include_header=False))
        statement = f"COPY {table} ({', '.join(names)}) FROM STDIN WITH (FORMAT csv, NULL '')"
        with self.conn.cursor() as cur, cur.copy(statement) as copy:
            copy.write(buffer.getvalue())

    def _begin(self) -> None:
        self._run("BEGIN")

    def _commit(self) -> None:
        self._run("COMMIT")

    def _rollback(self) -> None:
        self._run("ROLLBACK")


def _plain_strings(rows: pa.Table) -> pa.Table:
    """One contiguous chunk with ordinary string columns, before writing CSV for COPY.

    Frames from pandas may hold large or view strings in several sliced chunks; writing
    those straight to CSV has produced corrupt bytes, so they are normalised first.
    """
    rows = rows.combine_chunks()
    for i, field in enumerate(rows.schema):
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
