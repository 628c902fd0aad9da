"""What a migration is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    """One schema change: a number, a name and the statements that make it."""

    version: int
    name: str
    statements: tuple[str, ...]
    #: Indexes for the server backend only: DuckDB scans with zone maps, and keeping its
    #: ART indexes up to date would more than double the cost of a bulk load.
    server_statements: tuple[str, ...] = ()
