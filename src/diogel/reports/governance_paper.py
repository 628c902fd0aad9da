"""The board update paper for a review, as one self-contained HTML file or an A4 PDF, in English or Welsh.

The paper follows the shape of a Welsh partnership board report: a header (meeting,
report, date, purpose), numbered sections (purpose, summary, progress since the last
meeting, the action tracker, risk of drift, the governance map, recommendations to
the board, next steps) and two appendices (the duty coverage matrix on a landscape
page, and the network of bodies and people).

Examples
--------
>>> import datetime as dt
>>> from diogel.governance import example_register
>>> from diogel.governance.paper import build_paper
>>> from diogel.i18n import translator
>>> paper = build_paper(example_register("gwent"), dt.date(2023, 3, 16))
>>> t = translator("cy")
>>> page = paper_html(paper, translator=t)
>>> '<html lang="cy">' in page and "Adolygiad Diogelwch Cymunedol Gwent" in page
True
>>> t.misses
set()
"""

from __future__ import annotations

import logging
from pathlib import Path

from markupsafe import Markup

from diogel import i18n
from diogel.errors import InputError
from diogel.governance.network import network_svg
from diogel.governance.paper import UpdatePaper
from diogel.governance.paper_frame import appendix_matrix, appendix_network, paper_frame
from diogel.governance.paper_text import (
    Block,
    Section,
    section_decisions,
    section_drift,
    section_map,
    section_next,
    section_progress,
    section_purpose,
    section_summary,
    section_tracker,
)
from diogel.i18n import Translator
from diogel.reports.html import _environment, _stylesheet, css_content
from diogel.reports.pdf import PDF_VARIANT, _weasyprint

#: Formats the paper can be written in.
PAPER_SUFFIXES = (".html", ".pdf")


def paper_html(
    paper: UpdatePaper, *, translator: Translator | None = None, paged: bool = False
) -> str:
    """The update paper as one HTML document with inline CSS and SVG.

    Parameters
    ----------
    paper : UpdatePaper
        From :func:`diogel.governance.paper.build_paper`.
    translator : Translator, optional
        The language of the paper (default English); pass one to inspect ``misses``.
    paged : bool
        Add the A4 print layout (running header, page numbers, landscape appendix).
    """
    t = translator or i18n.translator("en")
    frame = paper_frame(paper, t)
    sections: list[Section] = [
        section_purpose(paper, t),
        section_summary(paper, t),
        section_progress(paper, t),
        section_tracker(paper, t),
        section_drift(paper, t),
        section_map(paper, t),
        section_decisions(paper, t),
        section_next(paper, t),
    ]
    for number, section in enumerate(sections, 1):
        section.number = str(number)
    appendices = [
        appendix_matrix(paper, t),
        appendix_network(paper, t, network_svg(paper.register, t)),
    ]
    counters = {"page": "counter(page)", "pages": "counter(pages)"}
    template = _environment().get_template("governance_paper.html")
    return template.render(
        lang=t.lang,
        title=frame.title,
        running=Markup(css_content(frame.running, {})),
        header=frame.header,
        sections=sections,
        appendices=appendices,
        illustrative=frame.illustrative,
        footer=frame.footer,
        base_css=Markup(_stylesheet("report.css")),
        paged=paged,
        page_number=Markup(css_content(frame.page_number, counters)) if paged else None,
        skip=frame.skip,
    )


def render_paper(
    paper: UpdatePaper,
    path: str | Path,
    *,
    lang: str = "en",
    translator: Translator | None = None,
) -> Path:
    """Write the update paper to ``path``: ``.html`` (one file) or ``.pdf`` (A4, tagged).

    Raises
    ------
    InputError
        If the file name does not end in .html or .pdf.
    PdfUnavailable
        If a PDF is asked for and WeasyPrint or Pango is missing.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in PAPER_SUFFIXES:
        raise InputError(
            f"cannot write the update paper to '{target.name}'",
            hint="use a file name ending in .html or .pdf",
        )
    t = translator or i18n.translator(lang)
    if suffix == ".html":
        target.write_text(paper_html(paper, translator=t), encoding="utf-8")
        return target
    weasyprint = _weasyprint()
    document = paper_html(paper, translator=t, paged=True)
    logger = logging.getLogger("weasyprint")
    previous = logger.level
    logger.setLevel(max(previous, logging.ERROR))
    try:
        weasyprint.HTML(string=document, base_url=None).write_pdf(
            target, pdf_variant=PDF_VARIANT, custom_metadata=False
        )
    finally:
        logger.setLevel(previous)
    return target


__all__ = ["PAPER_SUFFIXES", "Block", "paper_html", "render_paper"]
