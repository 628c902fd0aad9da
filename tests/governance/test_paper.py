"""The board update paper: what it says, in English and Welsh, as HTML and as an A4 PDF."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from diogel.errors import InputError
from diogel.governance.model import Register
from diogel.governance.paper import build_paper
from diogel.i18n import translator
from diogel.reports.governance_paper import paper_html, render_paper

MARCH = dt.date(2023, 3, 16)


def test_what_moved_since_the_last_meeting(gwent: Register) -> None:
    paper = build_paper(gwent, MARCH)
    assert (paper.previous, paper.next_meeting) == (dt.date(2022, 12, 15), dt.date(2023, 6, 15))
    assert [m.action.id for m in paper.moved] == [
        "6.1-a",
        "6.1-b",
        "6.2-a",
        "6.3-a",
        "6.3-c",
        "6.4-a",
    ]
    assert sum(len(m.changes) for m in paper.moved) == 12
    assert [a.id for a in paper.completed] == ["6.1-a", "6.4-a"]
    assert [a.id for a in paper.new_actions] == ["6.4-b"]
    assert [a.id for a in paper.due_before_next] == ["6.1-b", "6.2-a", "6.3-a", "6.3-b", "6.3-c"]
    assert [r.id for r in paper.decisions_recommendations] == ["6.4"]
    assert [a.id for a in paper.decisions_actions] == ["6.1-b", "6.3-d", "6.4-b"]
    assert paper.overlaps[0].body_a == "gwent-apb"


def test_the_first_meeting_reports_since_the_review_was_agreed(gwent: Register) -> None:
    paper = build_paper(gwent, dt.date(2022, 12, 15))
    assert paper.previous is None and paper.since == dt.date(2021, 12, 1)
    assert "since it was agreed on 1 December 2021" in _text(paper_html(paper))


def test_a_meeting_before_the_review_began_is_refused(gwent: Register) -> None:
    with pytest.raises(InputError, match="before the review was agreed"):
        build_paper(gwent, dt.date(2021, 6, 1))


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_english_html_reads_like_a_board_paper(gwent: Register) -> None:
    page = paper_html(build_paper(gwent, MARCH))
    text = _text(page)
    for words in (
        "Meeting Gwent Public Services Board",
        "Gwent Community Safety Review: progress update",
        "1. Purpose", "2. Summary", "3. Progress since the last meeting", "4. Action tracker",
        "5. Risk of drift", "6. The governance map", "7. Recommendations", "8. Next steps",
        "Appendix A: duty coverage by council area",
        "Appendix B: the network of boards and people",
        "The Board is asked to make the decisions set out in section 7.",
        "Action 6.2-b is overdue: it was due on 28 February 2023 and is 16 days late.",
        "Council areas without a Community Safety Partnership: Monmouthshire, Newport.",
        "Recommendation 6.4, deferred on 15 December 2022: The formation of Community Safety",
        "Entries marked * are illustrative",
    ):  # fmt: skip
        assert words in text, words
    assert "<svg" in page and 'role="img"' in page
    assert not re.search(r"""(src|href)=["']https?:""", page)  # self-contained


def test_welsh_paper_has_no_untranslated_words(gwent: Register) -> None:
    t = translator("cy")
    page = paper_html(build_paper(gwent, MARCH), translator=t)
    assert not t.misses, sorted(t.misses)
    text = _text(page)
    assert '<html lang="cy">' in page
    for words in (
        "Bwrdd Gwasanaethau Cyhoeddus Gwent",
        "Adolygiad Diogelwch Cymunedol Gwent: diweddariad ar y cynnydd",
        "Rhoi'r wybodaeth ddiweddaraf i Fwrdd Gwasanaethau Cyhoeddus Gwent",
        "Mae cam gweithredu 6.2-b yn hwyr: roedd i fod erbyn 28 Chwefror 2023",
        "Ardaloedd cyngor heb Bartneriaeth Diogelwch Cymunedol: Sir Fynwy, Casnewydd.",
        "Deddf Trosedd ac Anhrefn 1998",
        "Gofynnir i'r Bwrdd:",
    ):  # fmt: skip
        assert words in text, words
    for english in (
        "Purpose",
        "Action tracker",
        "Recommendation 6.4",
        "Community Safety Partnership:",
    ):
        assert english not in text, english


@pytest.mark.parametrize(("lang", "page_word", "heading"), [("en", "Page", "Purpose"),
                                                             ("cy", "Tudalen", "Diben")])  # fmt: skip
def test_pdf_is_an_a4_paper_with_a_landscape_appendix(
    tmp_path: Path, gwent: Register, lang: str, page_word: str, heading: str
) -> None:
    t = translator(lang)
    path = render_paper(build_paper(gwent, MARCH), tmp_path / f"paper-{lang}.pdf", translator=t)
    assert not t.misses
    reader = PdfReader(path)
    pages = len(reader.pages)
    assert 6 <= pages <= 14
    first = reader.pages[0].extract_text()
    assert heading in first and f"{page_word} 1 " in first
    sizes = [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    ]
    assert sizes[0] == (595, 842)  # A4 portrait, in points
    assert (842, 595) in sizes  # the coverage matrix on a landscape page
    assert reader.metadata is not None and "Gwent" in (reader.metadata.title or "")


def test_paper_formats(tmp_path: Path, gwent: Register) -> None:
    paper = build_paper(gwent, MARCH)
    written = render_paper(paper, tmp_path / "paper.html")
    assert written.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(InputError, match=r"ending in \.html or \.pdf"):
        render_paper(paper, tmp_path / "paper.docx")
