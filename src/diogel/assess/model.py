"""The strategic assessment as data: sections, statements, tables and figures.

``build_assessment`` fills these; ``reports`` renders them (HTML, PDF, CSV, XLSX).
Everything a reader sees is already in the chosen language; figures carry their data
(the table shown beside each chart) and a text alternative, never rendered pixels.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Statement:
    """A generated sentence with the numbers behind it.

    ``kind`` names the rule that wrote it (e.g. ``"change"``); ``facts`` holds the
    numbers and flags (``direction``, ``pct_change``, ``significant``, ...) so a test
    can check that the sentence says what the numbers say.
    """

    kind: str
    text: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    """A table of figures: ``frame`` columns are already labelled in the document's language."""

    id: str
    title: str
    frame: pd.DataFrame
    note: str | None = None


@dataclass(frozen=True)
class Figure:
    """A chart or map to draw, with its data and a text alternative.

    ``kind`` is one of:

    - ``"line"``: ``data`` has an ``x`` column and one column per series (``spec["series"]``
      lists them, ``spec["y_label"]`` names the axis); optional ``spec["alerts"]`` lists x
      values to mark, ``spec["limits"]`` names a column holding an upper limit;
    - ``"bar"``: ``data`` has ``label`` and ``value`` columns (horizontal bars);
    - ``"seasonal"``: ``data`` has ``month`` (1-12 names) and ``value``;
    - ``"funnel"``: ``data`` has ``label``, ``population``, ``rate`` and limit columns
      named in ``spec["limits"]`` (lower/upper pairs), ``spec["overall"]`` the mean rate;
    - ``"matrix"``: ``data`` has ``label``, ``x`` and ``y`` (a priority matrix), with
      ``spec["x_label"]``, ``spec["y_label"]``;
    - ``"map"``: ``geo`` is a GeoDataFrame in EPSG:27700 with a ``value`` column (or
      ``class``), ``spec["style"]`` is ``"gistar"`` (hot/cold classes) or ``"density"``
      or ``"choropleth"``; ``boundary`` is the area outline; ``data`` is the table version.
    """

    id: str
    kind: str
    title: str
    alt: str
    data: pd.DataFrame
    spec: dict[str, Any] = field(default_factory=dict)
    geo: Any = None
    boundary: Any = None
    source: str | None = None


@dataclass(frozen=True)
class Section:
    """A numbered section of the document."""

    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)


@dataclass(frozen=True)
class Assessment:
    """A strategic assessment for one area and period, in one language."""

    lang: str
    title: str
    subtitle: str
    area_code: str
    area_name: str
    period_label: str
    comparison_label: str
    generated: dt.date
    summary: list[Statement]
    sections: list[Section]
    attribution: list[str]
    totals: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def all_tables(self) -> list[Table]:
        """Every table, figure data included, in document order (for CSV/XLSX export)."""
        out: list[Table] = []

        def walk(section: Section) -> None:
            out.extend(section.tables)
            for fig in section.figures:
                out.append(Table(f"{fig.id}-data", fig.title, fig.data))
            for sub in section.subsections:
                walk(sub)

        for section in self.sections:
            walk(section)
        return out
