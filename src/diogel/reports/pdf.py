"""An assessment as an A4, tagged (PDF/UA-1) PDF, printed by WeasyPrint from the report's HTML."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from diogel import i18n
from diogel.assess.model import Assessment
from diogel.errors import DiogelError
from diogel.i18n import Translator
from diogel.reports.html import render_html

#: The PDF variant: PDF/UA-1 (tagged, with title and language), supported by WeasyPrint 57+.
PDF_VARIANT = "pdf/ua-1"


class PdfUnavailable(DiogelError):
    """WeasyPrint, or the Pango library it draws text with, is not installed."""

    code = "pdf_unavailable"


def _weasyprint() -> Any:
    """Import WeasyPrint only when a PDF is asked for, with an error that says what to install."""
    try:
        import weasyprint
    except ImportError as exc:
        raise PdfUnavailable(
            "PDF output needs WeasyPrint, which is not installed",
            hint="pip install weasyprint (HTML output works without it)",
        ) from exc
    except OSError as exc:  # WeasyPrint is installed but cannot load Pango
        raise PdfUnavailable(
            f"PDF output needs the Pango text library, which could not be loaded ({exc})",
            hint="install it with your system's packages, e.g. apt install libpango-1.0-0 "
            "libpangoft2-1.0-0 on Debian or Ubuntu (HTML output works without it)",
        ) from exc
    return weasyprint


def render_pdf(
    assessment: Assessment,
    path: str | Path,
    *,
    translator: Translator | None = None,
    figures: dict[str, str] | None = None,
) -> Path:
    """Write the assessment as an A4 PDF.

    The PDF has a cover, a contents page with page numbers, the title and area as a
    running header, "Page n of N" in the footer, each top-level section starting a page,
    no figure split across pages, and PDF/UA-1 tagging with the document's title and
    language in its metadata.

    Parameters
    ----------
    assessment : Assessment
        What to render.
    path : str or Path
        Where to write the PDF.
    translator : Translator, optional
        As for ``render_html``.
    figures : dict of str to str, optional
        SVG already drawn by ``reports.html.draw_figures``.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    PdfUnavailable
        If WeasyPrint or Pango is missing.
    """
    weasyprint = _weasyprint()
    t = translator or i18n.translator(assessment.lang)
    document = render_html(assessment, translator=t, figures=figures, paged=True)
    target = Path(path)
    # WeasyPrint reports CSS it ignores through logging; keep its chatter out of the CLI.
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
