"""The PDF: A4, contents with true page numbers, running header and footer, tagged, metadata."""

from __future__ import annotations

import builtins
import logging
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from diogel.assess.model import Assessment
from diogel.errors import DiogelError
from diogel.reports import render
from diogel.reports.pdf import PdfUnavailable, render_pdf
from tests.reports.sample import TOTAL_CRIMES, VIOLENCE

A4 = (595.28, 841.89)
_TOC_LINE = re.compile(r"^(?:(\d+(?:\.\d+)*)\s+)?(.+?)\s*\.{3,}\s*(\d+)$")


@cache
def _pages(path: Path) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]


def _toc(path: Path) -> list[tuple[str, int]]:
    """(heading, page) pairs from the contents page."""
    text = PdfReader(path).pages[1].extract_text()
    entries = []
    for line in text.splitlines():
        match = _TOC_LINE.match(line.strip())
        if match:
            number, title, page = match.groups()
            entries.append((f"{number} {title}" if number else title, int(page)))
    return entries


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_contents_page_numbers_point_at_the_headings(
    lang: str, english_pdf: Path, welsh_pdf: Path, english: Assessment, welsh: Assessment
) -> None:
    path, assessment = (english_pdf, english) if lang == "en" else (welsh_pdf, welsh)
    pages = _pages(path)
    entries = _toc(path)
    # summary, six sections, one subsection, the annex and the sources
    assert len(entries) == 1 + len(assessment.sections) + 1 + 2
    for heading, page in entries:
        assert heading in pages[page - 1], (heading, page)
    assert entries[-1][1] == len(pages)  # the sources and licences close the document
    # each top-level section starts a page: its heading comes first after the header
    for number, section in enumerate(assessment.sections, 1):
        page = dict(entries)[f"{number} {section.title}"]
        assert pages[page - 1].startswith(f"{number} {section.title}")


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_every_page_after_the_cover_has_the_running_header_and_page_of_pages(
    lang: str, english_pdf: Path, welsh_pdf: Path, english: Assessment, welsh: Assessment
) -> None:
    path, assessment = (english_pdf, english) if lang == "en" else (welsh_pdf, welsh)
    reader = PdfReader(path)
    pages = _pages(path)
    n = len(pages)
    word = "Page" if lang == "en" else "Tudalen"
    of = "of" if lang == "en" else "o"
    assert f"{word} 1 {of}" not in pages[0]  # the cover has no header or footer
    for i, text in enumerate(pages[1:], 2):
        assert f"{word} {i} {of} {n}" in text
        assert assessment.title in text and assessment.area_name in text
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            A4, abs=0.1
        )
    assert 14 <= n <= 22  # cover, contents, summary, six sections, the annex


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_text_has_the_totals_titles_and_licence(
    lang: str, english_pdf: Path, welsh_pdf: Path, english: Assessment, welsh: Assessment
) -> None:
    path, assessment = (english_pdf, english) if lang == "en" else (welsh_pdf, welsh)
    text = " ".join(_pages(path))
    assert f"{TOTAL_CRIMES:,}" in text
    assert f"{VIOLENCE[0]:,}" in text and f"{VIOLENCE[1]:,}" in text
    for section in assessment.sections:
        assert section.title in text
    licence = "Open Government Licence v3.0" if lang == "en" else "Drwydded Llywodraeth Agored"
    assert licence in text
    assert ("Data for this chart, page" if lang == "en" else "Data'r siart hwn, tudalen") in text
    # the annex gives monthly series as years by months
    assert ("Year Jan Feb Mar" if lang == "en" else "Blwyddyn Ion Chw Maw") in text


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_pdf_is_tagged_with_title_language_and_figure_alternatives(
    lang: str, english_pdf: Path, welsh_pdf: Path, english: Assessment, welsh: Assessment
) -> None:
    path, assessment = (english_pdf, english) if lang == "en" else (welsh_pdf, welsh)
    reader = PdfReader(path)
    root: Any = reader.trailer["/Root"]
    assert root["/Lang"] == lang
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata is not None
    assert reader.metadata.title == (
        f"{assessment.title}: {assessment.area_name}, {assessment.period_label}"
    )
    figures = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                figures.append(str(node.get("/Alt", "")))
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    walk(kid)

    walk(root["/StructTreeRoot"])
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[0] == assessment.title  # bookmarks: the title, then every heading
    assert [o for o in reader.outline if isinstance(o, list)]
    alts = [f.alt for s in assessment.sections for f in _figures(s)]
    assert len(figures) == len(alts)
    for alt in alts:  # each figure's alternative is its title and its alt text
        assert any(a.endswith(alt) for a in figures), alt


def _figures(section: Any) -> list[Any]:
    out = list(section.figures)
    for sub in section.subsections:
        out.extend(_figures(sub))
    return out


def test_weasyprint_logs_no_errors(
    english: Assessment, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_pdf(english, tmp_path / "a.pdf")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_missing_weasyprint_is_a_clear_error_and_html_still_works(
    english: Assessment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_weasyprint(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise ImportError("No module named 'weasyprint'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    with pytest.raises(PdfUnavailable, match="pip install weasyprint") as info:
        render(english, tmp_path / "a.pdf")
    assert isinstance(info.value, DiogelError)
    assert render(english, tmp_path / "a.html").read_text(encoding="utf-8").startswith("<!DOCTYPE")


def test_missing_pango_names_the_system_package(monkeypatch: pytest.MonkeyPatch) -> None:
    from diogel.reports import pdf

    real_import = builtins.__import__

    def no_pango(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(PdfUnavailable, match=r"libpango-1\.0-0"):
        pdf._weasyprint()
