"""Read and place groups of police.uk files, in worker processes when the load is large.

Reading (CSV parsing, checks) and placing (coordinates, LSOA, council) are CPU work
that holds Python's interpreter lock; doing it in other processes lets a large load
use every core while the main process writes to the database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import pyarrow as pa

from diogel.geography import Geography
from diogel.ingest.locate import locate
from diogel.ingest.police_uk import OUTCOMES, STOP_SEARCH, STREET, ParsedFile, read_police_uk
from diogel.ingest.sources import SourceFile, sha256_of

#: Bytes of CSV handed to a worker at a time.
GROUP_BYTES = 24 << 20
#: Below this many bytes in a load, starting worker processes costs more than it saves.
PROCESS_THRESHOLD = 256 << 20


@dataclass
class Prepared:
    """One file read, checked and placed, ready to store."""

    parsed: ParsedFile
    sha256: str


@dataclass
class PreparedGroup:
    """A group of prepared files whose rows travel as one table per kind of file.

    Sending one table per kind (rather than a slice per file, each of which would carry
    the whole shared buffer when pickled) keeps the trip between processes cheap.
    """

    files: list[Prepared]
    tables: dict[str, pa.Table]

    def unpack(self) -> list[Prepared]:
        """The files, each given its own rows back."""
        offsets = dict.fromkeys(self.tables, 0)
        for item in self.files:
            kind = item.parsed.kind
            n = item.parsed.accepted_rows
            item.parsed.rows = self.tables[kind].slice(offsets[kind], n)
            offsets[kind] += n
        return self.files


def prepare_group(
    sources: Sequence[SourceFile], geography: Geography | None, compact: bool = False
) -> PreparedGroup:
    """Read every file of a group, then place all their rows in one pass per kind.

    ``compact`` copies each kind's rows into one contiguous buffer, which makes the trip
    to another process cheap (and is wasted work within one process).
    """
    geo = geography or Geography.bundled()
    files = []
    for source in sources:
        data = source.read_bytes()
        parsed = read_police_uk(data, source.name, source.basename)
        parsed.nbytes = len(data)
        files.append(Prepared(parsed, sha256_of(data)))
    tables: dict[str, pa.Table] = {}
    for kind in (STREET, STOP_SEARCH, OUTCOMES):
        chosen = [p.parsed for p in files if p.parsed.kind == kind]
        if not chosen:
            continue
        placed = pa.concat_tables([p.rows for p in chosen])
        if kind == STREET:
            placed = locate(placed, geo).append_column(
                "source", pa.array(["police-uk-street"] * placed.num_rows, pa.string())
            )
        elif kind == STOP_SEARCH:
            placed = locate(placed, geo, with_lsoa=False).drop_columns(["lsoa_method"])
        tables[kind] = placed.combine_chunks() if compact else placed
        for p in chosen:
            p.accepted_rows = p.rows.num_rows
            p.rows = p.rows.schema.empty_table()
    return PreparedGroup(files, tables)


def groups(sources: Sequence[SourceFile], sizes: Sequence[int]) -> list[list[SourceFile]]:
    """Consecutive files in groups of about ``GROUP_BYTES``."""
    out: list[list[SourceFile]] = []
    current: list[SourceFile] = []
    total = 0
    for source, size in zip(sources, sizes, strict=True):
        current.append(source)
        total += size
        if total >= GROUP_BYTES:
            out.append(current)
            current, total = [], 0
    if current:
        out.append(current)
    return out


@contextmanager
def preparer(total_bytes: int, geography: Geography | None) -> Iterator[Executor]:
    """Worker processes for a large load, a single helper thread for a small one.

    The workers are plain ``python -m diogel.ingest.worker`` processes rather than a
    ``multiprocessing`` pool, which would re-import the caller's script in each worker.
    """
    cores = os.cpu_count() or 1
    if total_bytes >= PROCESS_THRESHOLD and cores > 1 and geography is None:
        from diogel.ingest.worker import WorkerPool

        with WorkerPool(min(cores, 4)) as pool:
            yield pool
    else:
        with ThreadPoolExecutor(max_workers=1) as pool:
            yield pool


def prepared_in_order(
    executor: Executor, work: Sequence[list[SourceFile]], geography: Geography | None, ahead: int
) -> Iterator[Prepared]:
    """Prepare groups on the executor, ``ahead`` at a time, yielding files in order."""
    pending: list[Future[PreparedGroup]] = []
    for group in work:
        compact = not isinstance(executor, ThreadPoolExecutor)
        pending.append(executor.submit(prepare_group, group, geography, compact))
        if len(pending) > ahead:
            yield from pending.pop(0).result().unpack()
    for future in pending:
        yield from future.result().unpack()
