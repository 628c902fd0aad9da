"""The data hub: read files with ``ingest``, place them, and store them with ``storage``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from diogel.geography import Geography
from diogel.ingest.csvfile import decode_check, read_header
from diogel.ingest.police_uk import (
    OUTCOMES,
    ParsedFile,
    detect_kind,
)
from diogel.ingest.prepare import Preparer, groups
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


#: Rows gathered before storing them together. DuckDB compresses and writes full row
#: groups (122,880 rows, one per writing thread) during an insert, but keeps smaller
#: remainders as small row groups that it compresses at commit and merges when the file
#: is closed: fewer, larger inserts leave fewer (at 6 million rows, 250,000-row batches
#: took 2.2 GiB to close the file, 500,000-row batches 1.6 GiB).
BATCH_ROWS = 500_000


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
    prog = progress or _Silent()
    files = discover(paths)
    for source in files:  # fail fast, before any work, on a file of the wrong kind
        first_line = source.read_head().split(b"\n", 1)[0] + b"\n"
        detect_kind(read_header(decode_check(first_line, source.name)), source.name)
    sizes = [f.size() for f in files]
    prog.start(len(files), sum(sizes))
    loaded_at = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None)
    with store.transaction(), Preparer(geography) as preparer:
        batch = _Batch(store, loaded_at)
        for item in preparer.prepared(groups(files, sizes)):
            batch.add(item.parsed, item.sha256)
            prog.file_done(item.parsed.name, item.parsed.nbytes, item.parsed.rows_in)
        batch.flush()
        # Outcome events apply after every street file of this load is in place.
        batch.report.outcomes_updated = store.apply_outcome_events(batch.outcome_files)
    order = {f.name: i for i, f in enumerate(files)}
    batch.report.files.sort(key=lambda r: order.get(r.name, 0))
    return batch.report


class _Batch:
    """Prepared files not yet stored; written together in batches of ``BATCH_ROWS``."""

    def __init__(self, store: Store, loaded_at: dt.datetime) -> None:
        self.store, self.loaded_at = store, loaded_at
        self.parsed: list[tuple[ParsedFile, str]] = []
        self.covered: set[tuple[str, str, str]] = set()
        self.rows = 0
        self.report = LoadReport()
        self.outcome_files: list[int] = []
        self.known = store.current_checksums()

    def add(self, parsed: ParsedFile, sha: str) -> None:
        existing = self.known.get((parsed.dataset, sha))
        if existing is not None:
            self.report.files.append(
                FileResult(
                    parsed.name,
                    parsed.kind,
                    parsed.rows_in,
                    0,
                    0,
                    existing if existing > 0 else None,
                    skipped="already loaded (same contents)",
                )
            )
            return
        self.known[(parsed.dataset, sha)] = -1  # the same bytes again in this load
        keys = {(parsed.dataset, f, m) for f, m in parsed.force_months}
        if keys & self.covered:  # a later file replaces an earlier one: keep them in order
            self.flush()
        self.parsed.append((parsed, sha))
        self.covered |= keys
        self.rows += parsed.accepted
        if self.rows >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.parsed:
            return
        loads = [
            FileLoad(
                dataset=p.dataset,
                kind=p.kind,
                name=p.name,
                sha256=sha,
                force_months=p.force_months,
                rows=p.rows,
                rejects=p.rejects,
                rows_in=p.rows_in,
            )
            for p, sha in self.parsed
        ]
        ids = self.store.load_files(loads, self.loaded_at)
        for (p, _), file_id in zip(self.parsed, ids, strict=True):
            self.report.files.append(
                FileResult(p.name, p.kind, p.rows_in, p.accepted, p.rejected, file_id)
            )
            if p.kind == OUTCOMES:
                self.outcome_files.append(file_id)
        self.parsed, self.covered, self.rows = [], set(), 0


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
            dataset=f"boundaries:{layer}",
            kind="boundaries",
            name=Path(path).name,
            sha256=sha256_of(Path(path).read_bytes()),
            rows_in=read.rows_in,
            accepted=len(read.areas),
            rejected=len(read.rejects),
            loaded_at=loaded_at,
        )
        store.replace_boundaries(layer, read.areas, file_id)
        store.insert_rejects(file_id, read.rejects)
    return BoundaryLoad(
        layer, len(read.areas), len(read.rejects), read.code_field, read.name_field, file_id
    )
