"""The data hub: read files with ``ingest``, place them, and store them with ``storage``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyarrow as pa

from diogel.geography import Geography
from diogel.ingest.csvfile import decode_check, read_header
from diogel.ingest.locate import locate
from diogel.ingest.police_uk import (
    OUTCOMES,
    STOP_SEARCH,
    STREET,
    ParsedFile,
    detect_kind,
    read_police_uk,
)
from diogel.ingest.sources import discover, sha256_of
from diogel.storage import FileLoad, Store


class Progress(Protocol):
    """What a long load reports as it goes (the CLI draws a progress bar from it)."""

    def start(self, total_files: int, total_bytes: int) -> None: ...

    def file_done(self, name: str, nbytes: int, rows: int) -> None: ...


class _Silent:
    def start(self, total_files: int, total_bytes: int) -> None:
        pass

    def file_done(self, name: str, nbytes: int, rows: int) -> None:
        pass


@dataclass
class FileResult:
    """What happened to one file."""

    name: str
    kind: str
    rows_in: int
    accepted: int
    rejected: int
    file_id: int | None
    skipped: str | None = None  # why nothing was written, e.g. already loaded

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.name,
            "kind": self.kind,
            "rows_in": self.rows_in,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "file_id": self.file_id,
            "skipped": self.skipped,
        }


@dataclass
class LoadReport:
    """The outcome of one ``load_police_uk`` call."""

    files: list[FileResult] = field(default_factory=list)
    outcomes_updated: int = 0

    @property
    def rows_in(self) -> int:
        return sum(f.rows_in for f in self.files)

    @property
    def accepted(self) -> int:
        return sum(f.accepted for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    def as_dict(self) -> dict[str, object]:
        return {
            "files": [f.as_dict() for f in self.files],
            "rows_in": self.rows_in,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "outcomes_updated": self.outcomes_updated,
        }


def load_police_uk(
    store: Store,
    paths: Sequence[str | Path],
    *,
    geography: Geography | None = None,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> LoadReport:
    """Load data.police.uk files into the store, all in one transaction.

    Each file is a snapshot of a force and month: loading it again replaces that
    force-month, and a file with exactly the same bytes as one already loaded is skipped.
    Outcomes files set the last outcome of matching street crimes (the latest month wins).
    If any file cannot be read, nothing is written.

    Parameters
    ----------
    store : Store
        Where to load.
    paths : sequence of path
        CSV files, folders (recursive) and data.police.uk zip archives.
    geography : Geography, optional
        Boundaries for LSOA harmonisation; the bundled Welsh geography by default.
    progress : Progress, optional
        Told about each file as it is done.

    Returns
    -------
    LoadReport
        Per-file rows in, accepted and rejected.
    """
    geo = geography or Geography.bundled()
    prog = progress or _Silent()
    files = discover(paths)
    sizes = [f.size() for f in files]
    prog.start(len(files), sum(sizes))
    loaded_at = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None)
    report = LoadReport()
    outcome_files: list[int] = []
    for source in files:  # fail fast, before any work, on a file of the wrong kind
        first_line = source.read_head().split(b"\n", 1)[0] + b"\n"
        detect_kind(read_header(decode_check(first_line, source.name)), source.name)
    with store.transaction():
        for source, size in zip(files, sizes, strict=True):
            data = source.read_bytes()
            parsed = read_police_uk(data, source.name, source.basename)
            result = _store_one(store, parsed, sha256_of(data), geo, loaded_at)
            report.files.append(result)
            if parsed.kind == OUTCOMES and result.file_id is not None and not result.skipped:
                outcome_files.append(result.file_id)
            prog.file_done(source.name, size, parsed.rows_in)
        # Outcome events apply after every street file of this load is in place.
        for file_id in outcome_files:
            report.outcomes_updated += store.apply_outcome_events(file_id)
    return report


def _store_one(
    store: Store, parsed: ParsedFile, sha: str, geo: Geography, loaded_at: dt.datetime
) -> FileResult:
    existing = store.find_loaded(parsed.dataset, sha)
    if existing is not None:
        return FileResult(
            parsed.name, parsed.kind, parsed.rows_in, 0, 0, existing,
            skipped=f"already loaded (file {existing}, same contents)",
        )  # fmt: skip
    rows = parsed.rows
    if parsed.kind == STREET:
        rows = locate(rows, geo).append_column(
            "source", pa.array(["police-uk-street"] * rows.num_rows, pa.string())
        )
    elif parsed.kind == STOP_SEARCH:
        rows = locate(rows, geo, with_lsoa=False).drop_columns(["lsoa_method"])
    load = FileLoad(
        dataset=parsed.dataset,
        kind=parsed.kind,
        name=parsed.name,
        sha256=sha,
        force_months=parsed.force_months,
        rows=rows,
        rejects=parsed.rejects,
        rows_in=parsed.rows_in,
    )
    file_id = store.load_snapshot(load, loaded_at)
    return FileResult(
        parsed.name, parsed.kind, parsed.rows_in, parsed.accepted, parsed.rejected, file_id
    )


@dataclass(frozen=True)
class BoundaryLoad:
    """What ``load_boundaries`` stored."""

    layer: str
    areas: int
    rejected: int
    code_field: str
    name_field: str
    file_id: int


def load_boundaries(
    store: Store,
    path: str | Path,
    *,
    layer: str,
    code_field: str | None = None,
    name_field: str | None = None,
    name_cy_field: str | None = None,
    now: dt.datetime | None = None,
) -> BoundaryLoad:
    """Load a boundary file as a named layer of areas, replacing any layer of that name."""
    from diogel.errors import InputError
    from diogel.ingest.boundaries import read_boundaries

    if not layer.strip() or layer in {"council", "lsoa", "force"}:
        raise InputError(
            f"'{layer}' cannot be used as a layer name",
            hint="choose a name such as 'wards'; council, lsoa and force are built in",
        )
    read = read_boundaries(
        path, code_field=code_field, name_field=name_field, name_cy_field=name_cy_field
    )
    loaded_at = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None)
    with store.transaction():
        file_id = store.record_file(
            dataset=f"boundaries:{layer}", kind="boundaries", name=Path(path).name,
            sha256=sha256_of(Path(path).read_bytes()), rows_in=read.rows_in,
            accepted=len(read.areas), rejected=len(read.rejects), loaded_at=loaded_at,
        )  # fmt: skip
        store.replace_boundaries(layer, read.areas, file_id)
        store.insert_rejects(file_id, read.rejects)
    return BoundaryLoad(
        layer, len(read.areas), len(read.rejects), read.code_field, read.name_field, file_id
    )
