"""The rules of access that a scoped store applies: levels, grants, what one person may
see of one dataset, and the SQL pieces and checks its reads are built from."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from diogel.errors import InputError
from diogel.storage import sql
from diogel.storage.base import AreaFilter, Store

#: Levels of access, least first.
LEVELS: Final = ("aggregate", "pseudonymised", "record")
#: Columns that say which dataset a row is from, who owns it and whether it is synthetic
#: test data: facts about the dataset, not about anyone in it, so always visible.
_META: Final = frozenset({"dataset", "source", "agency", "synthetic"})
#: Free text that could identify someone: never given at the pseudonymised level.
FREE_TEXT: Final = frozenset({"location", "place", "context"})
#: Record identifiers: re-keyed per agreement at the pseudonymised level.
KEYS: Final = frozenset({"crime_id", "record_key", "person_key"})
#: Counts are never grouped by what identifies a record or a line of a file: that would
#: list records, with identifiers that the pseudonymised level re-keys given as stored.
_NEVER_GROUPED: Final = KEYS | frozenset({"line", "file_id"})
#: Exact places and times (and free text) make groups of one: counts by them are given
#: only to someone who may read those records whole, at record level.
_EXACT: Final = FREE_TEXT | frozenset({"x", "y", "occurred_at", "reported_at"})


@dataclass(frozen=True)
class Principal:
    """A signed-in person, by user name; ``via`` names who reads on their behalf when that
    is someone else (``cli:LOGIN`` for a command run with ``--as``), and is audited."""

    username: str
    via: str | None = None


@dataclass(frozen=True)
class Grant:
    """One reason a person may see a dataset: open data, ownership, or an agreement.

    ``fields`` and ``areas`` (council codes) are None when not limited.
    """

    source: str
    level: str
    fields: frozenset[str] | None = None
    areas: frozenset[str] | None = None

    def covers(self, columns: Sequence[str]) -> bool:
        wanted = set(columns) - _META
        if self.level == "pseudonymised" and wanted & FREE_TEXT:
            return False
        return self.fields is None or wanted <= self.fields


@dataclass(frozen=True)
class Access:
    """What one person may see of one dataset at one moment."""

    dataset: str
    sensitivity: str
    min_count: int
    grants: tuple[Grant, ...]

    @property
    def is_open(self) -> bool:
        return self.sensitivity == "open"

    def for_records(self, columns: Sequence[str]) -> tuple[Grant, ...]:
        """Grants that give rows with all of ``columns``."""
        return tuple(g for g in self.grants if g.level != "aggregate" and g.covers(columns))

    def for_counts(self, by: Sequence[str]) -> tuple[Grant, ...]:
        """Grants that give counts grouped by ``by``: by an exact place or time (groups of
        one record), only the grants that give those very records at record level."""
        if set(by) & _EXACT:
            return tuple(g for g in self.for_records(by) if g.level == "record")
        return tuple(g for g in self.grants if g.covers(by))

    def as_dict(self) -> dict[str, Any]:
        """A plain description for pages and ``--json``."""
        return {
            "dataset": self.dataset,
            "sensitivity": self.sensitivity,
            "min_count": self.min_count,
            "grants": [
                {"source": g.source, "level": g.level,
                 "fields": None if g.fields is None else sorted(g.fields),
                 "areas": None if g.areas is None else sorted(g.areas)}
                for g in self.grants
            ],
        }  # fmt: skip


#: (store, username, dataset, moment) -> Access
Policy = Callable[[Store, str, str, dt.datetime], Access]
#: (counts with ``by`` columns, ``count`` and, for partner events, ``key_sum``, by, k) ->
#: counts as they may be shown (perturbed, small ones hidden as NA; no ``key_sum``)
Suppressor = Callable[[pd.DataFrame, Sequence[str], int], pd.DataFrame]


def _areas(grants: Sequence[Grant]) -> frozenset[str] | None:
    if any(g.areas is None for g in grants):
        return None
    return frozenset().union(*(g.areas or frozenset() for g in grants))


def _whole(grants: Sequence[Grant]) -> bool:
    """Whole rows of every area: record level with no limit of fields or areas."""
    return any(g.level == "record" and g.fields is None and g.areas is None for g in grants)


def _level(grants: Sequence[Grant]) -> str:
    return min((g.level for g in grants), key=LEVELS.index)


def _names(values: Sequence[str], allowed: frozenset[str], what: str) -> list[str]:
    if isinstance(values, str):
        values = [values]
    bad = [v for v in values if v not in allowed]
    if bad or not values:
        raise InputError(
            f"cannot use {what} {bad or 'none'}", hint=f"choose from {', '.join(sorted(allowed))}"
        )
    return list(values)


_EVENT_AREA: Final = "council_code IN ({m}) OR (council_code IS NULL AND area_code IN ({m}))"


def _event_filters(area_codes: Sequence[str] | None) -> tuple[list[str], list[object]]:
    if area_codes is None:
        return [], []
    codes = [area_codes] if isinstance(area_codes, str) else list(area_codes)
    _plain(codes, "area code")
    if not codes:
        return ["1 = 0"], []
    marks = ", ".join("?" for _ in codes)
    return [
        f"(council_code IN ({marks}) OR lsoa_code IN ({marks}) "
        f"OR (council_code IS NULL AND area_code IN ({marks})))"
    ], [*codes, *codes, *codes]


def _value_filters(
    *, themes: Sequence[str] | None, agency: Sequence[str] | None
) -> tuple[list[str], list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    for column, values in (("theme", themes), ("agency", agency)):
        if values is None:
            continue
        chosen = [values] if isinstance(values, str) else list(values)
        _plain(chosen, column)
        clauses.append(f"{column} IN ({', '.join('?' for _ in chosen)})" if chosen else "1 = 0")
        params += chosen
    return clauses, params


def _plain(values: Sequence[object] | object, what: str) -> None:
    """Names and codes are short text without control characters (a NUL byte, for one,
    cannot even reach PostgreSQL)."""
    items = [values] if isinstance(values, str) or not isinstance(values, Sequence) else values
    for value in items:
        if not isinstance(value, str) or len(value) > 200 or any(ord(c) < 32 for c in value):
            raise InputError(f"{what} {value!r} is not valid", hint=f"give a {what} as plain text")


def _area_clause(area: AreaFilter) -> tuple[str, list[object]]:
    _plain([area.kind, area.code], "area")
    if area.kind == "all":
        return "1 = 1", []
    if area.kind == "box" and area.bbox is not None and len(area.bbox) == 4:
        xmin, ymin, xmax, ymax = (float(v) for v in area.bbox)
        return "x BETWEEN ? AND ? AND y BETWEEN ? AND ?", [xmin, xmax, ymin, ymax]
    if area.kind in sql.AREA_COLUMN:
        return f"{sql.AREA_COLUMN[area.kind]} = ?", [area.code]
    raise InputError(
        f"areas of kind '{area.kind}' cannot be used here",
        hint="name a council, a police force, an LSOA or an area of a loaded layer",
    )


def _area_text(area: AreaFilter) -> str:
    return f"{area.kind}:{area.code}"


def _rekey(salt: str, value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return value
    return hashlib.sha256(f"{salt}\x00{value}".encode()).hexdigest()[:32]


def _concat(frames: list[pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(frames, ignore_index=True)
