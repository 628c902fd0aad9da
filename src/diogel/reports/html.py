"""An assessment as one self-contained, accessible HTML file (inline CSS and SVG, no URLs).

The same HTML, with a paged-media stylesheet added, is what ``reports.pdf`` prints.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Final

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from diogel import i18n
from diogel.assess.model import Assessment, Figure, Section
from diogel.i18n import Translator
from diogel.reports.cells import Column, figure_frame, format_frame, month_grids
from diogel.reports.charts import chart_svg
from diogel.reports.maps import map_svg

#: Rows of a table shown in the document; longer tables are cut (the exports have all).
MAX_ROWS: Final = 60
#: Heading levels: sections are <h2>, their subsections <h3>, and so on down to <h6>.
TOP_LEVEL: Final = 2


@dataclass
class TableBlock:
    """A table ready for the template."""

    anchor: str
    caption: str
    columns: list[Column]
    rows: list[list[str]]
    note: str | None = None
    cut: str | None = None


@dataclass
class FigureBlock:
    """A drawn figure, its caption and its data table."""

    anchor: str
    caption: str
    svg: Markup
    source: str | None
    is_map: bool
    data: TableBlock
    data_label: str
    #: The tables the printed annex shows (the data table, or year-by-month grids).
    annex: list[TableBlock] = field(default_factory=list)


@dataclass
class SectionBlock:
    """A numbered section with its contents drawn and formatted."""

    anchor: str
    number: str
    title: str
    level: int
    paragraphs: list[str]
    statements: list[str]
    figures: list[FigureBlock]
    tables: list[TableBlock]
    subsections: list[SectionBlock] = field(default_factory=list)


def draw_figures(assessment: Assessment, t: Translator) -> dict[str, str]:
    """Every figure of the assessment as SVG text, by figure id (drawn once, reusable)."""
    drawn: dict[str, str] = {}
    for figure in _figures(assessment.sections):
        if figure.kind == "map":
            drawn[figure.id] = map_svg(figure, t)
        else:
            drawn[figure.id] = chart_svg(figure, t, highlight=assessment.area_name)
    return drawn


def _figures(sections: list[Section]) -> Iterator[Figure]:
    for section in sections:
        yield from section.figures
        yield from _figures(section.subsections)


def render_html(
    assessment: Assessment,
    *,
    translator: Translator | None = None,
    figures: dict[str, str] | None = None,
    paged: bool = False,
) -> str:
    """The assessment as one self-contained HTML document.

    Parameters
    ----------
    assessment : Assessment
        What to render; its ``lang`` sets the document's language.
    translator : Translator, optional
        The translator for the fixed words (default: ``i18n.translator(assessment.lang)``);
        pass one to inspect its ``misses`` afterwards.
    figures : dict of str to str, optional
        SVG already drawn by ``draw_figures`` (to draw once for HTML and PDF).
    paged : bool
        Print layout: add the paged-media stylesheet (A4 pages, running header, page
        numbers), give each chart's SVG its full text alternative as ``<title>`` (what
        WeasyPrint puts in the tagged PDF), and gather the figures' data tables in an
        annex, each figure linking to its table and page, so long tables of numbers do
        not interrupt the text.

    Returns
    -------
    str
        HTML with inline CSS and SVG, ``lang`` set, and no external references.
    """
    t = translator or i18n.translator(assessment.lang)
    drawn = figures if figures is not None else draw_figures(assessment, t)
    counter = _Counter()
    sections = [
        _section(s, str(i), TOP_LEVEL, t, drawn, counter, paged)
        for i, s in enumerate(assessment.sections, 1)
    ]
    words = _words(t)
    template = _environment().get_template("report.html")
    return template.render(
        a=assessment,
        w=words,
        generated=t.date(assessment.generated),
        # ``assess`` may write the summary as a section of its own; show it once.
        summary=[]
        if any(s.id == "summary" for s in assessment.sections)
        else [s.text for s in assessment.summary],
        sections=sections,
        attribution=[
            (line, _other_language(line, assessment.lang)) for line in assessment.attribution
        ],
        css=Markup(_stylesheet("report.css")),
        page_css=Markup(_page_css(t)) if paged else None,
        document_title=f"{assessment.title}: {assessment.area_name}, {assessment.period_label}",
        paged=paged,
        annex=[f for s in sections for f in _all_figures(s)],
    )


def _all_figures(section: SectionBlock) -> Iterator[FigureBlock]:
    yield from section.figures
    for sub in section.subsections:
        yield from _all_figures(sub)


def _other_language(text: str, lang: str) -> str | None:
    """The language of ``text`` if it is known to be the other one (for ``lang=""``).

    The licence lines are given in both languages, so screen readers must be told which
    is which (WCAG 3.1.2). A line that is a Welsh translation in the catalogues is Welsh;
    a line that is one of their English messages is English.

    >>> _other_language("Contains OS data © Crown copyright and database right.", "en") is None
    True
    """
    welsh = i18n.catalogue_messages("cy")
    if lang == "en" and text in set(welsh.values()) and text not in welsh:
        return "cy"
    if lang == "cy" and text in welsh and text not in set(welsh.values()):
        return "en"
    return None


def _words(t: Translator) -> dict[str, str]:
    """The fixed words of the document frame, in the document's language."""
    return {
        "skip": t("Skip to main content"),
        "contents": t("Contents"),
        "summary": t("Summary"),
        "area": t("Area"),
        "period": t("Period"),
        "comparison": t("Comparison period"),
        "generated": t("Generated on"),
        "sources": t("Sources and licences"),
        "note": t("Note"),
        "annex": t("Annex: the data behind the charts and maps"),
        "annex_intro": t(
            "Each table gives the numbers shown in one chart or map, for readers who "
            "cannot see the figure or want the exact values."
        ),
    }


class _Counter:
    """Figure and table numbers, in document order."""

    def __init__(self) -> None:
        self.figures = 0
        self.tables = 0

    def figure(self) -> int:
        self.figures += 1
        return self.figures

    def table(self) -> int:
        self.tables += 1
        return self.tables


def _anchor(prefix: str, text: str) -> str:
    return prefix + "-" + re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")


def _section(
    section: Section,
    number: str,
    level: int,
    t: Translator,
    drawn: dict[str, str],
    counter: _Counter,
    paged: bool,
) -> SectionBlock:
    figures = [_figure(f, t, drawn, counter, paged) for f in section.figures]
    tables = []
    for table in section.tables:
        n = counter.table()
        caption = t("Table {n}: {title}", n=n, title=table.title)
        tables.append(_table(table.frame, t, _anchor("table", table.id), caption, table.note))
    return SectionBlock(
        anchor=_anchor("section", section.id),
        number=number,
        title=section.title,
        level=min(level, 6),
        paragraphs=list(section.paragraphs),
        statements=[s.text for s in section.statements],
        figures=figures,
        tables=tables,
        subsections=[
            _section(sub, f"{number}.{i}", level + 1, t, drawn, counter, paged)
            for i, sub in enumerate(section.subsections, 1)
        ],
    )


def _figure(
    figure: Figure, t: Translator, drawn: dict[str, str], counter: _Counter, paged: bool
) -> FigureBlock:
    n = counter.figure()
    svg = drawn[figure.id]
    if paged:  # WeasyPrint tags the SVG with its <title> only: give it the whole alt text
        svg = svg.replace(
            f">{html.escape(figure.title)}</title>",
            f">{html.escape(figure.title)}. {html.escape(figure.alt)}</title>",
            1,
        )
    is_map = figure.kind == "map"
    data = _table(
        figure_frame(figure, t),
        t,
        _anchor("figure-data", figure.id),
        t("Data for figure {n}: {title}", n=n, title=figure.title),
        None,
    )
    annex = [data]
    grids = month_grids(figure, t) if paged else None
    if grids:
        annex = [
            _table(
                grid,
                t,
                f"{data.anchor}-{i}",
                t("Data for figure {n}: {title} ({series})", n=n, title=figure.title, series=name),
                None,
            )
            for i, (name, grid) in enumerate(grids, 1)
        ]
    return FigureBlock(
        anchor=_anchor("figure", figure.id),
        caption=t("Figure {n}: {title}", n=n, title=figure.title),
        svg=Markup(svg),
        source=None if is_map or not figure.source else t("Source: {source}", source=figure.source),
        is_map=is_map,
        data=data,
        data_label=t("Data for this map") if is_map else t("Data for this chart"),
        annex=annex,
    )


def _table(frame: Any, t: Translator, anchor: str, caption: str, note: str | None) -> TableBlock:
    columns = format_frame(frame, t)
    total = len(frame)
    shown = min(total, MAX_ROWS)
    rows = [[c.cells[i] for c in columns] for i in range(shown)]
    cut = None
    if shown < total:
        cut = t(
            "Showing the first {shown} of {total} rows; the CSV and Excel files have them all.",
            shown=t.format_int(shown),
            total=t.format_int(total),
        )
    return TableBlock(anchor, caption, columns, rows, note, cut)


# --------------------------------------------------------------------------------------
# Templates and stylesheets
# --------------------------------------------------------------------------------------


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("diogel.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _stylesheet(name: str) -> str:
    return (resources.files("diogel.reports") / "static" / name).read_text(encoding="utf-8")


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def css_content(template: str, counters: dict[str, str]) -> str:
    """A CSS ``content`` value from a translated message with counter placeholders.

    >>> css_content("Page {page} of {pages}", {"page": "counter(page)", "pages": "counter(pages)"})
    '"Page " counter(page) " of " counter(pages)'
    """
    parts = re.split(r"\{(\w+)\}", template)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(counters[part])
        elif part:
            out.append(_css_string(part))
    return " ".join(out)


def _page_css(t: Translator) -> str:
    page = css_content(
        t("Page {page} of {pages}"), {"page": "counter(page)", "pages": "counter(pages)"}
    )
    on_page = css_content(t(", page {page}"), {"page": "target-counter(attr(href), page)"})
    return _stylesheet("pdf.css").replace("/*PAGE-NUMBER*/", page).replace("/*ON-PAGE*/", on_page)
