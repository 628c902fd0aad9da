"""Storage: the only place SQL lives. ``open_store`` picks the backend from the URL."""

from __future__ import annotations

from diogel.storage.base import AreaFilter, FileLoad, Store


def open_store(url: str, *, read_only: bool = False) -> Store:
    """Open (and migrate) the store a URL names.

    Parameters
    ----------
    url : str
        A DuckDB file path (``diogel.duckdb``, ``duckdb:///path``), ``:memory:``, or a
        ``postgresql://`` URL.
    read_only : bool
        Open without the right to write.

    Examples
    --------
    >>> store = open_store(":memory:")
    >>> store.schema_version() >= 1
    True
    >>> store.close()
    """
    if url.startswith(("postgresql://", "postgres://")):
        from diogel.storage.postgres_backend import PostgresStore

        return PostgresStore(url)
    from diogel.storage.duckdb_backend import DuckDBStore

    path = url.removeprefix("duckdb://")
    return DuckDBStore(path, read_only=read_only)


__all__ = ["AreaFilter", "FileLoad", "Store", "open_store"]
