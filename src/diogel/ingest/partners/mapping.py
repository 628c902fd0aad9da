"""Declared mappings: how a partner's file becomes partner events (the checked model).

A mapping names the columns holding the date, time, category, place and identifiers of
each row, how categories map to canonical themes, and which columns are dropped. It is
written in TOML and read with :func:`diogel.ingest.partners.mapping_toml.load_mapping`,
which reports every problem at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

#: Built-in mappings shipped with Diogel (``mappings/<name>.toml``).
BUILT_IN = ("istv", "asb", "fire")
#: How a re-sent file replaces what is stored: by record identifier, or by whole months.
DEDUPE_MODES = ("record", "months")
#: Identifier roles: ``record`` identifies a row (used to replace re-sent rows), ``person``
#: links rows about the same person or caller. Both are pseudonymised on load.
IDENTIFIER_ROLES = ("record", "person")


def normalise_value(text: str) -> str:
    """How category and attribute values are compared: case, spaces and quotes ignored.

    Examples
    --------
    >>> normalise_value("  Noise   NUISANCE ")
    'noise nuisance'
    """
    return re.sub(r"\s+", " ", str(text).replace("\ufeff", "").strip().strip('"')).casefold()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a mapping or a sample file.

    Examples
    --------
    >>> str(Problem("error", "[date] column", "is missing", "name the date column"))
    'error: [date] column is missing (name the date column)'
    """

    severity: str  # "error" or "warning"
    where: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.severity}: {self.where} {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def as_dict(self) -> dict[str, str]:
        return {
            "severity": self.severity,
            "where": self.where,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class DateSpec:
    """A date column, the formats it is written in, and a column used when it is blank."""

    column: str
    formats: tuple[str, ...]
    fallback: str | None = None


@dataclass(frozen=True)
class TimeSpec:
    """A time-of-day column; blank times are allowed unless ``required``."""

    column: str
    formats: tuple[str, ...]
    required: bool = False


@dataclass(frozen=True)
class CategorySpec:
    """The category column and its map to themes, or one theme for every row."""

    column: str | None
    theme: str | None
    values: MappingABC[str, str] = field(default_factory=dict)
    unmapped: str = "reject"

    def theme_of(self, raw: str) -> str | None:
        """The theme of a category value; None when it is not mapped (a reject).

        Examples
        --------
        >>> spec = CategorySpec("type", None, {"noise": "anti-social-behaviour"})
        >>> spec.theme_of(" NOISE "), spec.theme_of("Litter")
        ('anti-social-behaviour', None)
        """
        if self.column is None:
            return self.theme
        found = self.values.get(normalise_value(raw))
        if found is None and self.unmapped != "reject":
            return self.unmapped
        return found


@dataclass(frozen=True)
class LocationSpec:
    """Where each row happened: coordinates, a grid reference or free text, in that order."""

    lon: str | None = None
    lat: str | None = None
    easting: str | None = None
    northing: str | None = None
    text: str | None = None
    required: bool = False
    keep_text: bool = True

    @property
    def columns(self) -> list[str]:
        return [c for c in (self.lon, self.lat, self.easting, self.northing, self.text) if c]


@dataclass(frozen=True)
class AttributeSpec:
    """A column read into one of the canonical attributes (weapon, location type...)."""

    name: str
    column: str
    values: MappingABC[str, str] | None = None
    unmapped: str = "reject"
    optional: bool = False


@dataclass(frozen=True)
class PartnerMapping:
    """A checked mapping. Build it with :func:`load_mapping` or :func:`parse_mapping`."""

    name: str
    title: str
    agency: str
    dedupe: str
    date: DateSpec
    category: CategorySpec
    location: LocationSpec
    time: TimeSpec | None = None
    reported: DateSpec | None = None
    reported_time: TimeSpec | None = None
    identifiers: MappingABC[str, str] = field(default_factory=dict)
    attributes: tuple[AttributeSpec, ...] = ()
    drop: tuple[str, ...] = ()
    synthetic: str | None = None
    sheet: str | None = None
    source: str = ""
    text: str = ""

    @property
    def dataset(self) -> str:
        """The dataset name in provenance, e.g. ``partner:istv``."""
        return f"partner:{self.name}"

    def used_columns(self) -> list[str]:
        """Every column the mapping reads (the synthetic flag and optional attributes too)."""
        cols = [self.date.column, *([self.date.fallback] if self.date.fallback else [])]
        for spec in (self.time, self.reported_time):
            if spec:
                cols.append(spec.column)
        if self.reported:
            cols.append(self.reported.column)
        if self.category.column:
            cols.append(self.category.column)
        cols += self.location.columns + list(self.identifiers.values())
        cols += [a.column for a in self.attributes]
        if self.synthetic:
            cols.append(self.synthetic)
        return list(dict.fromkeys(cols))

    def required_columns(self) -> list[str]:
        """Columns a file must have for this mapping."""
        optional = {a.column for a in self.attributes if a.optional}
        optional |= {self.synthetic} if self.synthetic else set()
        return [c for c in self.used_columns() if c not in optional]


def mapping_path(name: str) -> Path:
    """The TOML file of a built-in mapping."""
    return Path(str(resources.files("diogel.ingest.partners") / "mappings" / f"{name}.toml"))
