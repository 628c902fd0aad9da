"""The Store protocol: everything the rest of Diogel may ask of a database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd
import pyarrow as pa

#: The table behind each dataset name.
TABLE_OF_DATASET = {
    "police-uk-street": "incidents",
    "police-uk-outcomes": "outcome_events",
    "police-uk-stop-and-search": "stop_searches",
}


@dataclass(frozen=True)
class FileLoad:
    """One file's contribution to a load: provenance, accepted rows and rejects."""

    dataset: str
    kind: str
    name: str
    sha256: str
    force_months: Sequence[tuple[str, str]]
    rows: pa.Table
    rejects: pd.DataFrame
    rows_in: int

    @property
    def force(self) -> str | None:
        forces = {f for f, _ in self.force_months}
        return forces.pop() if len(forces) == 1 else None


@dataclass(frozen=True)
class AreaFilter:
    """Which incidents belong to an area: by council, force or LSOA code, or (for areas
    from loaded boundary layers) a bounding box the caller refines by polygon."""

    kind: str  # "council" | "force" | "lsoa" | "box" | "all"
    code: str
    bbox: tuple[float, ...] | None = None


class Store(Protocol):
    """A Diogel database. DuckDB (embedded) and PostgreSQL (server) implement it."""

    url: str

    def close(self) -> None: ...

    def schema_version(self) -> int: ...

    def transaction(self) -> AbstractContextManager[None]: ...

    # Generic, portable access used by the storage modules of each part of Diogel
    # (storage/<part>.py): ``?`` parameters, SQL that DuckDB and PostgreSQL both accept.
    def execute(self, statement: str, params: Sequence[object] = ()) -> None: ...

    def query(self, statement: str, params: Sequence[object] = ()) -> pd.DataFrame: ...

    def query_rows(
        self, statement: str, params: Sequence[object] = ()
    ) -> list[tuple[Any, ...]]: ...

    def insert_frame(self, table: str, frame: pd.DataFrame) -> int: ...

    def next_id(self, sequence: str) -> int: ...

    def current_checksums(self) -> dict[tuple[str, str], int]:
        """Files whose data is still stored: (dataset, SHA-256) -> file id."""
        ...

    def load_files(self, loads: Sequence[FileLoad], loaded_at: dt.datetime) -> list[int]:
        """Store files, each replacing the force-months it covers; return their ids."""
        ...

    def insert_rejects(self, file_id: int, rejects: pd.DataFrame) -> None: ...

    def apply_outcome_events(self, file_ids: Sequence[int]) -> int:
        """Set the last outcome of street crimes from the outcome events of some files (one
        pass for a whole load); return the rows changed."""
        ...

    def files(self, *, include_replaced: bool = False) -> pd.DataFrame: ...

    def rejects(self, selector: str, *, open_only: bool = False) -> pd.DataFrame: ...

    def count_incidents(
        self,
        area: AreaFilter,
        start: dt.date,
        end: dt.date,
        *,
        source: str = "police-uk-street",
    ) -> pd.DataFrame:
        """Counts by month and category: columns month (date), category, count."""
        ...

    def count_by(
        self,
        area: AreaFilter,
        start: dt.date,
        end: dt.date,
        by: Sequence[str],
        *,
        source: str = "police-uk-street",
    ) -> pd.DataFrame: ...

    def incidents(
        self,
        area: AreaFilter,
        start: dt.date,
        end: dt.date,
        *,
        columns: Sequence[str] = ("month", "category", "x", "y", "lsoa_code", "location"),
        source: str = "police-uk-street",
    ) -> pd.DataFrame: ...

    def months_loaded(self, force: str | None = None) -> list[dt.date]: ...

    def replace_boundaries(self, layer: str, frame: pd.DataFrame, file_id: int) -> None: ...

    def boundary_layers(self) -> pd.DataFrame: ...

    def boundaries(self, layer: str) -> pd.DataFrame: ...

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
    ) -> int: ...


def months_between(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """First days of each month from ``start`` to ``end`` inclusive.

    Examples
    --------
    >>> [m.isoformat() for m in months_between(dt.date(2023, 11, 1), dt.date(2024, 2, 1))]
    ['2023-11-01', '2023-12-01', '2024-01-01', '2024-02-01']
    """
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        yield dt.date(y, m, 1)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
