"""The embedded store: one DuckDB file, one process."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from diogel.errors import InputError, NotFoundError, StoreError
from diogel.storage import sql
from diogel.storage.base import TABLE_OF_DATASET, AreaFilter, FileLoad
from diogel.storage.migrations import MIGRATIONS

_INCIDENT_COLUMNS = (
    "month", "category", "crime_id", "force", "location", "lon", "lat", "x", "y",
    "has_location", "lsoa_code", "lsoa_code_published", "lsoa_method", "council_code",
    "outcome", "outcome_month", "context", "reported_by", "source", "file_id", "line",
)  # fmt: skip


#: Columns incidents may be counted by.
_GROUPABLE = frozenset(
    {"month", "category", "lsoa_code", "council_code", "force", "location", "outcome"}
)


class DuckDBStore:
    """A Diogel store in a DuckDB file (or in memory with ``":memory:"``).

    Parameters
    ----------
    path : str or Path
        The database file; created with the current schema if it does not exist.
    read_only : bool
        Open without the right to write (several readers may share a file).

    Examples
    --------
    >>> store = DuckDBStore(":memory:")
    >>> store.schema_version() == len(MIGRATIONS)
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

    # -- lifecycle -----------------------------------------------------------------

    def close(self) -> None:
        self.con.close()

    def migrate(self) -> list[int]:
        """Apply the migrations not yet recorded; return the versions applied."""
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)"
        )
        done = {r[0] for r in self.con.execute("SELECT version FROM schema_migrations").fetchall()}
        applied = []
        for m in MIGRATIONS:
            if m.version in done:
                continue
            with self.transaction():
                for statement in m.statements:
                    self.con.execute(statement)
                self.con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    [m.version, m.name, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
                )
            applied.append(m.version)
        return applied

    def schema_version(self) -> int:
        row = self.con.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction; nested calls join the outer one."""
        if self._in_transaction:
            yield
            return
        self.con.execute("BEGIN TRANSACTION")
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")
        finally:
            self._in_transaction = False

    # -- generic access for the storage modules of other parts (portable SQL only) ----

    def execute(self, statement: str, params: Sequence[object] = ()) -> None:
        """Run one portable SQL statement with ``?`` parameters."""
        self.con.execute(statement, list(params))

    def query(self, statement: str, params: Sequence[object] = ()) -> pd.DataFrame:
        """Run a portable SQL query with ``?`` parameters; the rows as a frame."""
        return self.con.execute(statement, list(params)).df()

    def query_rows(self, statement: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run a portable SQL query; the rows as tuples."""
        return list(self.con.execute(statement, list(params)).fetchall())

    def insert_frame(self, table: str, frame: pd.DataFrame) -> int:
        """Append a frame's rows to a table (columns by name); returns rows written."""
        if frame.empty:
            return 0
        incoming = frame  # noqa: F841 - read by DuckDB by name
        cols = ", ".join(frame.columns)
        self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM incoming")
        return len(frame)

    def next_id(self, sequence: str) -> int:
        """The next value of a sequence created by a migration."""
        row = self.con.execute(f"SELECT nextval('{sequence}')").fetchone()
        assert row is not None
        return int(row[0])

    # -- loading ---------------------------------------------------------------------

    def current_checksums(self) -> dict[tuple[str, str], int]:
        rows = self.con.execute(sql.CURRENT_CHECKSUMS).fetchall()
        return {(str(d), str(s)): int(i) for d, s, i in rows}

    def record_file(
        self,
        *,
        dataset: str,
        kind: str,
        name: str,
        sha256: str,
        rows_in: int,
        accepted: int,
        rejected: int,
        loaded_at: dt.datetime,
        force: str | None = None,
        month_from: dt.date | None = None,
        month_to: dt.date | None = None,
    ) -> int:
        row = self.con.execute("SELECT nextval('load_file_seq')").fetchone()
        assert row is not None
        file_id = int(row[0])
        self.con.execute(
            "INSERT INTO load_files (file_id, dataset, kind, name, sha256, force, month_from, "
            "month_to, rows_in, accepted, rejected, loaded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [file_id, dataset, kind, name, sha256, force, month_from, month_to, rows_in,
             accepted, rejected, loaded_at],
        )  # fmt: skip
        return file_id

    def load_files(self, loads: Sequence[FileLoad], loaded_at: dt.datetime) -> list[int]:
        """Store files, each replacing the force-months it covers; return their file ids.

        The caller makes sure no two loads in one call cover the same force-month.
        """
        ids: list[int] = []
        parts: dict[str, list[pa.Table]] = defaultdict(list)
        with self.transaction():
            for load in loads:
                file_id = self._record_load(load, loaded_at)
                ids.append(file_id)
                table = TABLE_OF_DATASET[load.dataset]
                self._take_snapshots(load, table, file_id)
                ids_column = pa.array(np.full(load.rows.num_rows, file_id, dtype=np.int64))
                parts[table].append(load.rows.append_column("file_id", ids_column))
                self.insert_rejects(file_id, load.rejects)
            for table, tables in parts.items():
                incoming = pa.concat_tables(tables)  # noqa: F841 - read by DuckDB by name
                cols = ", ".join(tables[0].column_names)
                self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM incoming")
            street = [i for i, load in zip(ids, loads, strict=True) if load.kind == "street"]
            if street and self._has_outcome_events():
                self.con.execute(sql.REAPPLY_OUTCOMES_FOR_FILES, [min(street), max(street)])
        return ids

    def _record_load(self, load: FileLoad, loaded_at: dt.datetime) -> int:
        months = sorted(dt.date.fromisoformat(m + "-01") for _, m in load.force_months)
        return self.record_file(
            dataset=load.dataset, kind=load.kind, name=load.name, sha256=load.sha256,
            rows_in=load.rows_in, accepted=load.rows.num_rows, rejected=len(load.rejects),
            loaded_at=loaded_at, force=load.force,
            month_from=months[0] if months else None,
            month_to=months[-1] if months else None,
        )  # fmt: skip

    def _take_snapshots(self, load: FileLoad, table: str, file_id: int) -> None:
        for force, month in load.force_months:
            first = dt.date.fromisoformat(month + "-01")
            held = self.con.execute(
                "SELECT file_id FROM snapshots WHERE dataset = ? AND force = ? AND month = ?",
                [load.dataset, force, first],
            ).fetchone()
            if held is None:
                self.con.execute(
                    "INSERT INTO snapshots VALUES (?, ?, ?, ?)",
                    [load.dataset, force, first, file_id],
                )
                continue
            self.con.execute(f"DELETE FROM {table} WHERE force = ? AND month = ?", [force, first])
            self.con.execute(
                "UPDATE snapshots SET file_id = ? WHERE dataset = ? AND force = ? AND month = ?",
                [file_id, load.dataset, force, first],
            )

    def _has_outcome_events(self) -> bool:
        return self.con.execute("SELECT 1 FROM outcome_events LIMIT 1").fetchone() is not None

    def insert_rejects(self, file_id: int, rejects: pd.DataFrame) -> None:
        """Store rejected rows (columns line, reason, raw) against their file."""
        if len(rejects):
            incoming_rejects = rejects.assign(file_id=file_id)  # noqa: F841
            self.con.execute(
                "INSERT INTO rejects (file_id, line, reason, raw) "
                "SELECT file_id, line, reason, raw FROM incoming_rejects"
            )

    def apply_outcome_events(self, file_id: int) -> int:
        row = self.con.execute(sql.APPLY_OUTCOMES, [file_id]).fetchone()
        return int(row[0]) if row else 0

    # -- reading ---------------------------------------------------------------------

    def files(self, *, include_replaced: bool = False) -> pd.DataFrame:
        frame = self.con.execute(sql.FILES).df()
        if not include_replaced:
            frame = frame[frame["current"]]
        return frame.reset_index(drop=True)

    def rejects(self, selector: str) -> pd.DataFrame:
        """Rejected rows of a file (by id or name) or of a whole dataset."""
        files = self.con.execute(sql.FILES).df()
        if selector.isdigit():
            chosen = files[files["file_id"] == int(selector)]
        elif selector in set(files["dataset"]):
            chosen = files[(files["dataset"] == selector) & files["current"]]
        else:
            chosen = files[(files["name"] == selector) | files["name"].str.endswith(selector)]
            chosen = chosen[chosen["file_id"] == chosen["file_id"].max()] if len(chosen) else chosen
        if chosen.empty:
            raise NotFoundError(
                f"no loaded dataset or file called '{selector}'",
                hint="run 'diogel datasets' to see the dataset names and file ids",
            )
        ids = [int(i) for i in chosen["file_id"]]
        marks = ", ".join("?" for _ in ids)
        return self.con.execute(
            "SELECT f.name AS file, r.line, r.reason, r.raw FROM rejects r "
            f"JOIN load_files f ON f.file_id = r.file_id WHERE r.file_id IN ({marks}) "
            "ORDER BY r.file_id, r.line",
            ids,
        ).df()

    def _area_clause(self, area: AreaFilter) -> tuple[str, list[object]]:
        if area.kind == "all":
            return "1 = 1", []
        if area.kind == "box" and area.bbox is not None:
            xmin, ymin, xmax, ymax = area.bbox
            return "x BETWEEN ? AND ? AND y BETWEEN ? AND ?", [xmin, xmax, ymin, ymax]
        try:
            return f"{sql.AREA_COLUMN[area.kind]} = ?", [area.code]
        except KeyError:
            raise InputError(
                f"areas of kind '{area.kind}' cannot be used here",
                hint="name a council, a police force, an LSOA or an area of a loaded layer",
            ) from None

    def count_incidents(
        self, area: AreaFilter, start: dt.date, end: dt.date, *, source: str = "police-uk-street"
    ) -> pd.DataFrame:
        clause, params = self._area_clause(area)
        return self.con.execute(
            "SELECT month, category, COUNT(*) AS count FROM incidents "
            f"WHERE source = ? AND {clause} AND month BETWEEN ? AND ? "
            "GROUP BY month, category ORDER BY month, category",
            [source, *params, start, end],
        ).df()

    def count_by(
        self,
        area: AreaFilter,
        start: dt.date,
        end: dt.date,
        by: Sequence[str],
        *,
        source: str = "police-uk-street",
    ) -> pd.DataFrame:
        """Counts grouped by some incident columns (e.g. ``lsoa_code``): ``by...``, ``count``."""
        bad = [c for c in by if c not in _GROUPABLE]
        if bad or not by:
            raise InputError(
                f"cannot count incidents by {bad or 'nothing'}",
                hint=f"choose from {', '.join(sorted(_GROUPABLE))}",
            )
        clause, params = self._area_clause(area)
        cols = ", ".join(by)
        return self.con.execute(
            f"SELECT {cols}, COUNT(*) AS count FROM incidents "
            f"WHERE source = ? AND {clause} AND month BETWEEN ? AND ? "
            f"GROUP BY {cols} ORDER BY {cols}",
            [source, *params, start, end],
        ).df()

    def incidents(
        self,
        area: AreaFilter,
        start: dt.date,
        end: dt.date,
        *,
        columns: Sequence[str] = ("month", "category", "x", "y", "lsoa_code", "location"),
        source: str = "police-uk-street",
    ) -> pd.DataFrame:
        unknown = set(columns) - set(_INCIDENT_COLUMNS)
        if unknown:
            raise InputError(
                f"unknown incident columns {sorted(unknown)}",
                hint=f"choose from {', '.join(_INCIDENT_COLUMNS)}",
            )
        clause, params = self._area_clause(area)
        return self.con.execute(
            f"SELECT {', '.join(columns)} FROM incidents "
            f"WHERE source = ? AND {clause} AND month BETWEEN ? AND ? "
            "ORDER BY month, file_id, line",
            [source, *params, start, end],
        ).df()

    def months_loaded(self, force: str | None = None) -> list[dt.date]:
        if force is None:
            rows = self.con.execute(
                "SELECT DISTINCT month FROM snapshots WHERE dataset = 'police-uk-street' "
                "ORDER BY month"
            ).fetchall()
        else:
            rows = self.con.execute(
                "SELECT DISTINCT month FROM snapshots WHERE dataset = 'police-uk-street' "
                "AND force = ? ORDER BY month",
                [force],
            ).fetchall()
        return [r[0] for r in rows]

    # -- boundaries ------------------------------------------------------------------

    def replace_boundaries(self, layer: str, frame: pd.DataFrame, file_id: int) -> None:
        with self.transaction():
            self.con.execute("DELETE FROM boundaries WHERE layer = ?", [layer])
            incoming = frame.assign(layer=layer, file_id=file_id)  # noqa: F841
            self.con.execute(
                "INSERT INTO boundaries (layer, code, name, name_cy, geometry_wkb, file_id) "
                "SELECT layer, code, name, name_cy, geometry_wkb, file_id FROM incoming"
            )

    def boundary_layers(self) -> pd.DataFrame:
        return self.con.execute(
            "SELECT layer, COUNT(*) AS areas FROM boundaries GROUP BY layer ORDER BY layer"
        ).df()

    def boundaries(self, layer: str) -> pd.DataFrame:
        return self.con.execute(
            "SELECT code, name, name_cy, geometry_wkb FROM boundaries WHERE layer = ? "
            "ORDER BY code",
            [layer],
        ).df()
