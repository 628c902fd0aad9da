"""The SQL every Diogel store runs, written once for DuckDB and PostgreSQL alike.

Backends (``duckdb_backend``, ``postgres_backend``) supply a handful of primitives:
running a statement, fetching rows or a frame, appending an Arrow table in bulk, and
transaction control. Everything else, including the load logic, lives here.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from diogel.errors import AccessDenied, InputError, NotFoundError
from diogel.storage import sql
from diogel.storage.base import TABLE_OF_DATASET, AreaFilter, FileLoad
from diogel.storage.migrations import MIGRATIONS

_INCIDENT_COLUMNS = (
    "month", "category", "crime_id", "force", "location", "lon", "lat", "x", "y",
    "has_location", "lsoa_code", "lsoa_code_published", "lsoa_method", "council_code",
    "outcome", "outcome_month", "context", "reported_by", "source", "file_id", "line",
)  # fmt: skip

#: Datasets published openly (police.uk, boundary files): their rejects may be shown to
#: anyone signed in.
OPEN_DATASETS = ("police-uk-", "boundaries:")

#: Columns incidents may be counted by.
_GROUPABLE = frozenset(
    {"month", "category", "lsoa_code", "council_code", "force", "location", "outcome"}
)


class SqlStore(ABC):
    """The store's behaviour over a backend's primitives (see the subclasses)."""

    url: str
    #: True for the server backend: it also creates the indexes a server needs.
    server: bool = False
    _in_transaction: bool = False

    # -- primitives each backend provides -------------------------------------------

    @abstractmethod
    def _run(self, statement: str, params: Sequence[object] = ()) -> int:
        """Run a statement; the number of rows it changed (or -1)."""

    @abstractmethod
    def _rows(self, statement: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def _frame(self, statement: str, params: Sequence[object] = ()) -> pd.DataFrame: ...

    @abstractmethod
    def _append(self, table: str, rows: pa.Table) -> None:
        """Append an Arrow table's rows to a table, columns matched by name."""

    @abstractmethod
    def _begin(self) -> None: ...

    @abstractmethod
    def _commit(self) -> None: ...

    @abstractmethod
    def _rollback(self) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    # -- lifecycle -----------------------------------------------------------------

    def migrate(self) -> list[int]:
        """Apply the migrations not yet recorded; return the versions applied."""
        self._run(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)"
        )
        done = {r[0] for r in self._rows("SELECT version FROM schema_migrations")}
        applied = []
        for m in MIGRATIONS:
            if m.version in done:
                continue
            with self.transaction():
                statements = m.statements + (m.server_statements if self.server else ())
                for statement in statements:
                    self._run(statement)
                self._run(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    [m.version, m.name, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
                )
            applied.append(m.version)
        return applied

    def schema_version(self) -> int:
        rows = self._rows("SELECT MAX(version) FROM schema_migrations")
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction; nested calls join the outer one."""
        if self._in_transaction:
            yield
            return
        self._begin()
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self._rollback()
            raise
        else:
            self._commit()
        finally:
            self._in_transaction = False

    # -- generic access for the storage modules of other parts (portable SQL only) ----

    def execute(self, statement: str, params: Sequence[object] = ()) -> None:
        """Run one portable SQL statement with ``?`` parameters."""
        self._run(statement, params)

    def query(self, statement: str, params: Sequence[object] = ()) -> pd.DataFrame:
        """Run a portable SQL query with ``?`` parameters; the rows as a frame."""
        return self._frame(statement, params)

    def query_rows(self, statement: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run a portable SQL query; the rows as tuples."""
        return self._rows(statement, params)

    def insert_frame(self, table: str, frame: pd.DataFrame) -> int:
        """Append a frame's rows to a table (columns by name); returns rows written."""
        if frame.empty:
            return 0
        self._append(table, pa.Table.from_pandas(frame, preserve_index=False))
        return len(frame)

    def next_id(self, sequence: str) -> int:
        """The next value of a sequence created by a migration."""
        return int(self._rows(f"SELECT nextval('{sequence}')")[0][0])

    # -- loading ---------------------------------------------------------------------

    def current_checksums(self) -> dict[tuple[str, str], int]:
        rows = self._rows(sql.CURRENT_CHECKSUMS)
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
        file_id = self.next_id("load_file_seq")
        self._run(
            "INSERT INTO load_files (file_id, dataset, kind, name, sha256, force, month_from, "
            "month_to, rows_in, accepted, rejected, loaded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [file_id, dataset, kind, name, sha256, force, month_from, month_to, rows_in,
             accepted, rejected, loaded_at],
        )  # fmt: skip
        return file_id

    def _serialise_loads(self) -> None:
        """Make loads of a shared database wait for each other (a server store takes a
        lock held to the end of the transaction); the embedded store has one writer
        process, and refuses the later of two loads that overlap at commit."""
        return None

    def load_files(self, loads: Sequence[FileLoad], loaded_at: dt.datetime) -> list[int]:
        """Store files, each replacing the force-months it covers; return their file ids.

        The caller makes sure no two loads in one call cover the same force-month. The
        provenance of all the files is written in a handful of statements, not a few per
        file: a large load is thousands of files, and each statement has a fixed cost.
        """
        if not loads:
            return []
        parts: dict[str, list[pa.Table]] = defaultdict(list)
        with self.transaction():
            self._serialise_loads()
            ids = self._next_ids("load_file_seq", len(loads))
            self._record_loads(loads, ids, loaded_at)
            self._take_snapshots(loads, ids)
            for load, file_id in zip(loads, ids, strict=True):
                ids_column = pa.array(np.full(load.rows.num_rows, file_id, dtype=np.int64))
                parts[TABLE_OF_DATASET[load.dataset]].append(
                    load.rows.append_column("file_id", ids_column)
                )
            rejects = [
                load.rejects.assign(file_id=file_id)
                for load, file_id in zip(loads, ids, strict=True)
                if len(load.rejects)
            ]
            if rejects:
                frame = pd.concat(rejects, ignore_index=True)
                self.insert_frame("rejects", frame[["file_id", "line", "reason", "raw"]])
            for table, tables in parts.items():
                self._append(table, pa.concat_tables(tables))
            street = [i for i, load in zip(ids, loads, strict=True) if load.kind == "street"]
            if street and self._has_outcome_events():
                self._run(sql.REAPPLY_OUTCOMES_FOR_FILES, [min(street), max(street)])
        return ids

    def _next_ids(self, sequence: str, n: int) -> list[int]:
        """``n`` values of a sequence, in increasing order."""
        rows = self._rows(f"SELECT nextval('{sequence}') FROM generate_series(1, ?)", [n])
        return sorted(int(r[0]) for r in rows)

    def _record_loads(
        self, loads: Sequence[FileLoad], ids: Sequence[int], loaded_at: dt.datetime
    ) -> None:
        values = []
        for load, file_id in zip(loads, ids, strict=True):
            months = sorted(dt.date.fromisoformat(m + "-01") for _, m in load.force_months)
            values.append(
                [file_id, load.dataset, load.kind, load.name, load.sha256, load.force,
                 months[0] if months else None, months[-1] if months else None, load.rows_in,
                 load.rows.num_rows, len(load.rejects), loaded_at]
            )  # fmt: skip
        self._insert_values(
            "load_files (file_id, dataset, kind, name, sha256, force, month_from, month_to, "
            "rows_in, accepted, rejected, loaded_at)",
            values,
        )

    def _take_snapshots(self, loads: Sequence[FileLoad], ids: Sequence[int]) -> None:
        """Each load becomes the snapshot of its force-months, replacing earlier data."""
        wanted = [
            (load.dataset, force, dt.date.fromisoformat(month + "-01"), file_id)
            for load, file_id in zip(loads, ids, strict=True)
            for force, month in load.force_months
        ]
        if not wanted:
            return
        datasets = sorted({w[0] for w in wanted})
        forces = sorted({w[1] for w in wanted})
        held = {
            (str(d), str(f), m)
            for d, f, m in self._rows(
                "SELECT dataset, force, month FROM snapshots "
                f"WHERE dataset IN ({', '.join('?' for _ in datasets)}) "
                f"AND force IN ({', '.join('?' for _ in forces)})",
                [*datasets, *forces],
            )
        }
        new = []
        for dataset, force, first, file_id in wanted:
            if (dataset, force, first) not in held:
                new.append([dataset, force, first, file_id])
                continue
            table = TABLE_OF_DATASET[dataset]
            self._run(f"DELETE FROM {table} WHERE force = ? AND month = ?", [force, first])
            self._run(
                "UPDATE snapshots SET file_id = ? WHERE dataset = ? AND force = ? AND month = ?",
                [file_id, dataset, force, first],
            )
        self._insert_values("snapshots (dataset, force, month, file_id)", new)

    def _insert_values(self, target: str, rows: Sequence[Sequence[object]]) -> None:
        """Insert rows given as Python values, many to a statement."""
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            marks = ", ".join("(" + ", ".join("?" for _ in chunk[0]) + ")" for _ in chunk)
            self._run(f"INSERT INTO {target} VALUES {marks}", [v for row in chunk for v in row])

    def _has_outcome_events(self) -> bool:
        return bool(self._rows("SELECT 1 FROM outcome_events LIMIT 1"))

    def insert_rejects(self, file_id: int, rejects: pd.DataFrame) -> None:
        """Store rejected rows (columns line, reason, raw) against their file."""
        if len(rejects):
            frame = rejects.assign(file_id=file_id)[["file_id", "line", "reason", "raw"]]
            self.insert_frame("rejects", frame)

    def apply_outcome_events(self, file_ids: Sequence[int]) -> int:
        if not file_ids:
            return 0
        marks = ", ".join("?" for _ in file_ids)
        return self._run(sql.APPLY_OUTCOMES.format(file_ids=marks), list(file_ids))

    # -- reading ---------------------------------------------------------------------

    def files(self, *, include_replaced: bool = False) -> pd.DataFrame:
        frame = self._frame(sql.FILES)
        if not include_replaced:
            frame = frame[frame["current"]]
        return frame.reset_index(drop=True)

    def rejects(self, selector: str, *, open_only: bool = False) -> pd.DataFrame:
        """Rejected rows of a file (by id or name) or of a whole dataset.

        With ``open_only`` (how the web app asks), rows of restricted datasets are refused:
        a rejected partner row holds that partner's data, which only the operator of the
        store, or an agreement, may see.
        """
        chosen = select_files(self._frame(sql.FILES), selector)
        if chosen.empty:
            raise NotFoundError(
                f"no loaded dataset or file called '{selector}'",
                hint="run 'diogel datasets' to see the dataset names and file ids",
            )
        if open_only:
            closed = [str(d) for d in chosen["dataset"] if not str(d).startswith(OPEN_DATASETS)]
            if closed:
                raise AccessDenied(
                    f"the rejected rows of '{closed[0]}' are restricted data",
                    hint="ask the data's owner, or an administrator of the store",
                )
        ids = [int(i) for i in chosen["file_id"]]
        marks = ", ".join("?" for _ in ids)
        return self._frame(
            "SELECT f.name AS file, r.line, r.reason, r.raw FROM rejects r "
            f"JOIN load_files f ON f.file_id = r.file_id WHERE r.file_id IN ({marks}) "
            "ORDER BY r.file_id, r.line",
            ids,
        )

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
        return self._frame(
            "SELECT month, category, COUNT(*) AS count FROM incidents "
            f"WHERE source = ? AND {clause} AND month BETWEEN ? AND ? "
            "GROUP BY month, category ORDER BY month, category",
            [source, *params, start, end],
        )

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
        return self._frame(
            f"SELECT {cols}, COUNT(*) AS count FROM incidents "
            f"WHERE source = ? AND {clause} AND month BETWEEN ? AND ? "
            f"GROUP BY {cols} ORDER BY {cols}",
            [source, *params, start, end],
        )

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
        return self._frame(
            f"SELECT {', '.join(columns)} FROM incidents "
            f"WHERE source = ? AND {clause} AND month BETWEEN ? AND ? "
            "ORDER BY month, file_id, line",
            [source, *params, start, end],
        )

    def months_loaded(self, force: str | None = None) -> list[dt.date]:
        if force is None:
            rows = self._rows(
                "SELECT DISTINCT month FROM snapshots WHERE dataset = 'police-uk-street' "
                "ORDER BY month"
            )
        else:
            rows = self._rows(
                "SELECT DISTINCT month FROM snapshots WHERE dataset = 'police-uk-street' "
                "AND force = ? ORDER BY month",
                [force],
            )
        return [r[0] for r in rows]

    # -- boundaries ------------------------------------------------------------------

    def replace_boundaries(self, layer: str, frame: pd.DataFrame, file_id: int) -> None:
        with self.transaction():
            self._run("DELETE FROM boundaries WHERE layer = ?", [layer])
            rows = frame.assign(layer=layer, file_id=file_id)
            self.insert_frame(
                "boundaries", rows[["layer", "code", "name", "name_cy", "geometry_wkb", "file_id"]]
            )

    def boundary_layers(self) -> pd.DataFrame:
        return self._frame(
            "SELECT layer, COUNT(*) AS areas FROM boundaries GROUP BY layer ORDER BY layer"
        )

    def boundaries(self, layer: str) -> pd.DataFrame:
        return self._frame(
            "SELECT code, name, name_cy, geometry_wkb FROM boundaries WHERE layer = ? "
            "ORDER BY code",
            [layer],
        )


def select_files(files: pd.DataFrame, selector: str) -> pd.DataFrame:
    """The loaded files a selector names (rows of ``sql.FILES``): a file id; a dataset
    (its current files); or a file name or the end of one (the newest such file)."""
    if selector.isdigit():
        return files[files["file_id"] == int(selector)]
    if selector in set(files["dataset"]):
        return files[(files["dataset"] == selector) & files["current"].astype(bool)]
    chosen = files[(files["name"] == selector) | files["name"].str.endswith(selector)]
    return chosen[chosen["file_id"] == chosen["file_id"].max()] if len(chosen) else chosen
