"""Read and place groups of police.uk files on helper threads while earlier ones are stored.

Parsing, checking and placing run almost entirely in Arrow and NumPy kernels that release
Python's interpreter lock, so threads use every core without the start-up, the copies of
the geography and the pickling that worker processes would cost; the thread that stores
the rows spends its time inside the database, which releases the lock too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from types import TracebackType

import numpy as np
import pyarrow as pa

from diogel.geography import Geography
from diogel.ingest.locate import Locator
from diogel.ingest.police_uk import OUTCOMES, STOP_SEARCH, STREET, ParsedFile, read_police_uk
from diogel.ingest.sources import SourceFile, sha256_of

#: Bytes of CSV prepared together (and placed in one pass per kind of file).
GROUP_BYTES = 8 << 20
#: Bytes of CSV prepared ahead while earlier files are stored: enough for the helper
#: threads to keep working while a whole batch is written (see ``hub.BATCH_ROWS``).
AHEAD_BYTES = 128 << 20
#: Helper threads preparing files: one per core.
THREADS = os.cpu_count() or 1


@dataclass
class Prepared:
    """One file read, checked and placed, ready to store."""

    parsed: ParsedFile
    sha256: str


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


class Preparer:
    """Prepares groups of files on helper threads, handing them back in order.

    Use as a context manager: leaving it stops the threads (after the group each is
    working on), also when the load fails.

    Parameters
    ----------
    geography : Geography, optional
        Boundaries for placing rows; the bundled Welsh geography by default.
    threads : int, optional
        Helper threads; one per core by default.
    """

    def __init__(self, geography: Geography | None = None, threads: int | None = None) -> None:
        self.locator = Locator(geography)
        self.threads = threads or THREADS
        self._pool = ThreadPoolExecutor(max_workers=self.threads)
        # The geography's lookups take a moment to build: build them while the first
        # files are parsed rather than after.
        self._warm = self._pool.submit(lambda: self.locator.geography)

    def __enter__(self) -> Preparer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def prepared(self, work: Sequence[list[SourceFile]]) -> Iterator[Prepared]:
        """Prepare the groups, up to ``AHEAD_BYTES`` ahead, yielding their files in order."""
        ahead = max(2 * self.threads, AHEAD_BYTES // GROUP_BYTES)
        pending: list[Future[list[Prepared]]] = []
        for group in work:
            pending.append(self._pool.submit(self.prepare_group, group))
            if len(pending) > ahead:
                yield from pending.pop(0).result()
        for future in pending:
            yield from future.result()
        self._warm.result()

    def prepare_group(self, sources: Sequence[SourceFile]) -> list[Prepared]:
        """Read every file of a group, then place all their rows in one pass per kind."""
        files = []
        for source in sources:
            data = source.read_bytes()
            parsed = read_police_uk(data, source.name, source.basename)
            parsed.nbytes = len(data)
            files.append(Prepared(parsed, sha256_of(data)))
        for kind in (STREET, STOP_SEARCH, OUTCOMES):
            chosen = [p.parsed for p in files if p.parsed.kind == kind]
            if not chosen or kind == OUTCOMES:
                continue
            placed = pa.concat_tables([p.rows for p in chosen])
            if kind == STREET:
                placed = self.locator.locate(placed)
                source = pa.DictionaryArray.from_arrays(
                    pa.array(np.zeros(placed.num_rows, dtype=np.int32)),
                    pa.array(["police-uk-street"], pa.string()),
                )
                placed = placed.append_column("source", source)
            else:
                placed = self.locator.locate(placed, with_lsoa=False)
                placed = placed.drop_columns(["lsoa_method"])
            offset = 0
            for p in chosen:
                n = p.rows.num_rows
                p.rows = placed.slice(offset, n)
                offset += n
        return files
