"""Build a strategic assessment (a data structure; ``reports`` renders it)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from diogel.assess.areas import find_area
from diogel.assess.figures import compare
from diogel.assess.gather import default_comparison, gather, monthly
from diogel.assess.hotspots import area_boundary
from diogel.assess.model import Assessment, Section, Statement
from diogel.assess.partner_section import partner_data_section
from diogel.assess.priorities import priority_section, rank_priorities
from diogel.assess.quality import attribution, methods_text, quality_section
from diogel.assess.sections import (
    area_section,
    asb_section,
    category_section,
    overall_section,
    skipped_months,
    violence_section,
)
from diogel.errors import InputError
from diogel.geography import Area, Geography
from diogel.i18n import translator
from diogel.periods import Period
from diogel.schema import ASB_CATEGORY
from diogel.storage import Store

#: Priority categories given a section of their own.
PRIORITY_SECTIONS = 4
#: The summary holds at most this many statements.
SUMMARY_MAX = 7


def period_words(period: Period, lang: str) -> str:
    """'January 2024 to June 2024' in the chosen language."""
    t = translator(lang)
    start = t.month_year(period.start.year, period.start.month)
    end = t.month_year(period.end.year, period.end.month)
    if start == end:
        return start
    return t("{start} to {end}", start=start, end=end, end_soft=t.soft(end))


def build_assessment(
    store: Store,
    area: Area | str,
    period: Period,
    *,
    comparison_period: Period | None = None,
    lang: str = "en",
    geography: Geography | None = None,
    progress: Callable[[str], None] | None = None,
    partner_data: bool = True,
) -> Assessment:
    """The strategic assessment of ``area`` for ``period``.

    Parameters
    ----------
    store : Store
        Where the police.uk data is loaded.
    area : Area or str
        A council, police force or LSOA (code or name, English or Welsh), or an area of a
        loaded boundary layer.
    period : Period
        The months assessed.
    comparison_period : Period, optional
        What changes are measured against; by default the same months a year earlier.
    lang : {"en", "cy"}
        The document's language.
    progress : callable, optional
        Called with the name of each part as it starts.
    partner_data : bool
        Include the partner-data section when partner data is loaded. Callers that act
        for a person rather than the store's operator (the web app) pass False until
        their reads go through the sharing agreements.

    Returns
    -------
    Assessment
    """
    t = translator(lang)
    geo = geography or Geography.bundled()
    found = find_area(store, geo, area) if isinstance(area, str) else area
    comparison = comparison_period or default_comparison(period)
    if comparison.end >= period.start:
        raise InputError(
            f"the comparison period {comparison.label} overlaps the period {period.label}",
            hint="compare with months before the period",
        )
    timings: dict[str, float] = {}
    tell = progress or (lambda _: None)

    @contextmanager
    def step(name: str) -> Iterator[None]:
        tell(name)
        started = time.perf_counter()
        yield
        timings[name] = time.perf_counter() - started

    with step("data"):
        data = gather(store, found, period, comparison, geo)
        if data.incidents.empty:
            raise InputError(
                f"no police.uk data for {found.name_en} in {period.label}",
                hint="load the force's street files for these months with "
                "'diogel ingest police-uk'",
            )
        skip = set(skipped_months(data))
        boundary = area_boundary(store, found, geo)
    with step("area"):
        area_part = area_section(data, geo, t)
    with step("overall"):
        overall_part, overall_statements = overall_section(data, t, skip)
    with step("priorities"):
        changes = {
            c: compare(monthly(data, [c]), period, comparison, skip)
            for c in data.incidents["category"].unique()
        }
        priorities = rank_priorities(data.incidents, changes, list(data.lsoas["code"]))
        matrix_part = priority_section(priorities, t)
    category_parts: list[Section] = []
    category_statements: list[Statement] = []
    with step("categories"):
        for i, p in enumerate(priorities[:PRIORITY_SECTIONS], start=1):
            part, statement = category_section(data, p.category, boundary, t, skip, i)
            category_parts.append(part)
            if statement is not None:
                category_statements.append(statement)
    with step("violence"):
        violence_part, violence_statement = violence_section(data, boundary, t, skip)
    with step("asb"):
        asb_part, asb_statement = asb_section(data, boundary, t, skip)
    with step("partners"):
        partner_part = partner_data_section(store, found, period, t, geo) if partner_data else None
    with step("quality"):
        quality_part = quality_section(
            store, data, t, skip, methods_text(t, comparison_period is None)
        )
    summary = _summary(
        overall_statements, category_statements, violence_statement, asb_statement, t
    )
    priorities_part = Section(
        "categories",
        t("Priority categories"),
        [t("The four categories ranked highest in the priority matrix.")],
        subsections=category_parts,
    )
    totals = {
        "incidents": len(data.incidents),
        "crimes": int((data.incidents["category"] != ASB_CATEGORY).sum()),
        "asb": int((data.incidents["category"] == ASB_CATEGORY).sum()),
    }
    return Assessment(
        lang=lang,
        title=t("Community safety strategic assessment"),
        subtitle=t("{area}, {period}", area=found.name(lang), period=period_words(period, lang)),
        area_code=found.code,
        area_name=found.name(lang),
        period_label=period_words(period, lang),
        comparison_label=period_words(comparison, lang),
        generated=dt.date.today(),
        summary=summary,
        sections=[
            area_part,
            overall_part,
            priorities_part,
            violence_part,
            asb_part,
            *([partner_part] if partner_part is not None else []),
            matrix_part,
            quality_part,
        ],
        attribution=attribution(t),
        totals=totals,
        timings=timings,
    )


def _summary(
    overall: list[Statement],
    categories: list[Statement],
    violence: Statement | None,
    asb: Statement | None,
    t: object,
) -> list[Statement]:
    """Five to seven statements: the total, alerts, the top categories, violence, ASB."""
    chosen: list[Statement] = [s for s in overall if s.kind == "total"]
    chosen += categories[:3]
    if violence is not None:
        chosen.append(violence)
    if asb is not None:
        chosen.append(asb)
    chosen += [s for s in overall if s.kind == "alert"][:1]
    chosen += categories[3:]
    seen: set[str] = set()
    unique = []
    for s in chosen:
        if s.text not in seen:
            seen.add(s.text)
            unique.append(s)
    return unique[:SUMMARY_MAX]
