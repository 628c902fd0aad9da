"""Render a strategic assessment: HTML, PDF, and its tables as CSV or XLSX, chosen by suffix.

>>> sorted(SUFFIXES)
['.csv', '.html', '.pdf', '.xlsx']
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from diogel.assess.model import Assessment
from diogel.errors import InputError

SUFFIXES: Final = (".html", ".pdf", ".csv", ".xlsx")


def render(assessment: Assessment, path: str | Path) -> Path:
    """Write ``assessment`` to ``path`` in the format its suffix names.

    Parameters
    ----------
    assessment : Assessment
        What to render.
    path : str or Path
        A ``.html`` (one self-contained file), ``.pdf`` (A4, tagged), ``.csv`` (every
        table, stacked) or ``.xlsx`` (one sheet a table) file.

    Returns
    -------
    Path
        The file written.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            f"cannot write an assessment to '{target.name}'",
            hint=f"use a file name ending in {', '.join(SUFFIXES)}",
        )
    if suffix == ".html":
        from diogel.reports.html import render_html

        target.write_text(render_html(assessment), encoding="utf-8")
        return target
    if suffix == ".pdf":
        from diogel.reports.pdf import render_pdf

        return render_pdf(assessment, target)
    from diogel.reports.tables import export_tables

    return export_tables(assessment, target)


def render_all(assessment: Assessment, paths: list[str | Path]) -> list[Path]:
    """Write several formats at once, drawing each chart and map only once."""
    from diogel.i18n import translator
    from diogel.reports.html import draw_figures, render_html
    from diogel.reports.pdf import render_pdf

    for path in paths:
        if Path(path).suffix.lower() not in SUFFIXES:
            raise InputError(
                f"cannot write an assessment to '{Path(path).name}'",
                hint=f"use a file name ending in {', '.join(SUFFIXES)}",
            )
    t = translator(assessment.lang)
    figures: dict[str, str] | None = None
    written = []
    for path in paths:
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix in (".html", ".pdf") and figures is None:
            figures = draw_figures(assessment, t)
        if suffix == ".html":
            target.write_text(render_html(assessment, translator=t, figures=figures), "utf-8")
            written.append(target)
        elif suffix == ".pdf":
            written.append(render_pdf(assessment, target, translator=t, figures=figures))
        else:
            written.append(render(assessment, target))
    return written


__all__ = ["SUFFIXES", "render", "render_all"]
