"""Numbered schema migrations, written in SQL that both DuckDB and PostgreSQL accept.

Each migration is applied once, in order, inside a transaction, and recorded in
``schema_migrations``. Never edit a released migration: add a new one. Each part of
Diogel keeps its migrations in its own module here (``mNNN_<part>.py`` exporting
``MIGRATIONS``), with version numbers from its own block:

- 1-99: core (files, incidents, boundaries) — ``m001_core``
- 100-199: partner data — ``m100_partners``
- 200-299: governance and review tracker — ``m200_governance``
- 300-399: web accounts and sessions — ``m300_web``
- 400-499: sharing, agreements and audit — ``m400_sharing``
- 500-599: ASB case reviews; 600-699: workforce survey
"""

from __future__ import annotations

import importlib
import pkgutil

from diogel.storage.migrations.base import Migration


def _collect() -> tuple[Migration, ...]:
    found: list[Migration] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("m") and info.name[1:4].isdigit():
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.extend(module.MIGRATIONS)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):  # pragma: no cover - a programming error
        raise RuntimeError(f"duplicate migration versions: {sorted(versions)}")
    return tuple(sorted(found, key=lambda m: m.version))


MIGRATIONS: tuple[Migration, ...] = _collect()

__all__ = ["MIGRATIONS", "Migration"]
