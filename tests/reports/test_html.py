"""The HTML report: one self-contained, accessible file in the document's language."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from diogel.assess.model import Assessment, Section
from diogel.reports.html import MAX_ROWS, render_html
from tests.reports.sample import TOTAL_CRIMES

VOID = {"meta", "link", "br", "img", "input", "hr", "source", "col", "area", "wbr", "use", "path"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    content: list[Node | str] = field(default_factory=list)

    @property
    def children(self) -> list[Node]:
        return [c for c in self.content if isinstance(c, Node)]

    def elements(self) -> list[Node]:
        out = [self]
        for child in self.children:
            out.extend(child.elements())
        return out

    def find_all(self, tag: str) -> list[Node]:
        return [n for n in self.elements() if n.tag == tag]

    def all_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.all_text() for c in self.content)


class _Tree(HTMLParser):
    """A minimal DOM from the standard library's HTML parser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.content.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.content.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node = self.current
        while node.tag != tag and node.parent is not None:
            node = node.parent
        if node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.content.append(data)


def parse(document: str) -> Node:
    tree = _Tree()
    tree.feed(document)
    return tree.root


@pytest.fixture(scope="module")
def english_html(english: Assessment) -> str:
    return render_html(english)


@pytest.fixture(scope="module")
def welsh_html(welsh: Assessment) -> str:
    return render_html(welsh)


def test_language_title_and_no_external_references(english_html: str, welsh_html: str) -> None:
    for document, lang in ((english_html, "en"), (welsh_html, "cy")):
        root = parse(document)
        (html,) = root.find_all("html")
        assert html.attrs["lang"] == lang
        assert root.find_all("title")[0].all_text().strip()
        for node in root.elements():
            for name, value in node.attrs.items():
                assert not re.search(r"(https?:)?//", value), (node.tag, name, value)
                if name in ("href", "src", "xlink:href"):
                    assert value.startswith("#"), (node.tag, name, value)
        assert not root.find_all("script") and not root.find_all("link")
        assert "@import" not in document and "url(http" not in document


def test_every_figure_has_a_caption_and_its_data_table_right_after(
    english_html: str, welsh_html: str
) -> None:
    for document, label in ((english_html, "Data for this"), (welsh_html, "Data'r")):
        root = parse(document)
        figures = root.find_all("figure")
        assert len(figures) == 9
        for figure in figures:
            assert figure.children[0].tag == "figcaption"
            siblings = figure.parent.children  # type: ignore[union-attr]
            following = siblings[siblings.index(figure) + 1]
            assert following.tag == "details", following.tag
            summary = following.find_all("summary")[0].all_text()
            assert summary.startswith(label)
            (table,) = following.find_all("table")
            assert table.find_all("caption")[0].all_text().strip()
            assert all(th.attrs.get("scope") in ("col", "row") for th in table.find_all("th"))


def test_every_image_has_a_text_alternative(english: Assessment, english_html: str) -> None:
    root = parse(english_html)
    ids = {n.attrs["id"] for n in root.elements() if "id" in n.attrs}
    assert not root.find_all("img")
    svgs = root.find_all("svg")
    assert len(svgs) == 9
    alts = {f.alt for s in _sections(english.sections) for f in s.figures}
    for svg in svgs:
        assert svg.attrs["role"] == "img"
        title, desc = svg.find_all("title")[0], svg.find_all("desc")[0]
        assert title.attrs["id"] in ids and svg.attrs["aria-labelledby"] == title.attrs["id"]
        assert desc.attrs["id"] in ids and svg.attrs["aria-describedby"] == desc.attrs["id"]
        assert desc.all_text() in alts


def _sections(sections: list[Section]) -> list[Section]:
    out = []
    for s in sections:
        out.append(s)
        out.extend(_sections(s.subsections))
    return out


def test_ids_are_unique_and_every_link_has_a_target(english_html: str) -> None:
    root = parse(english_html)
    ids = [n.attrs["id"] for n in root.elements() if "id" in n.attrs]
    assert len(ids) == len(set(ids))
    for a in root.find_all("a"):
        assert a.attrs["href"][1:] in ids


def test_headings_go_down_one_level_at_a_time(english_html: str) -> None:
    levels = [int(tag[1]) for tag in re.findall(r"<(h[1-6])[ >]", english_html)]
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


def test_sections_are_numbered_and_listed_in_the_contents(
    english: Assessment, english_html: str
) -> None:
    root = parse(english_html)
    toc = root.find_all("nav")[0].all_text()
    assert "Contents" in toc and "Summary" in toc
    for number, section in enumerate(english.sections, 1):
        assert f"{number} {section.title}" in " ".join(toc.split())
    assert "3.1 Where violence happens" in " ".join(toc.split())
    headings = [" ".join(h.all_text().split()) for h in root.find_all("h2")]
    assert "5 Priority matrix" in headings


def test_summary_statements_come_first_as_a_list(english: Assessment, english_html: str) -> None:
    root = parse(english_html)
    main = root.find_all("main")[0]
    first = next(c for c in main.children if c.tag == "section")
    assert first.attrs["id"] == "summary"
    items = [" ".join(li.all_text().split()) for li in first.find_all("li")]
    assert items == [s.text for s in english.summary]
    assert f"{TOTAL_CRIMES:,}" in items[0]


def test_summary_written_as_a_section_is_shown_once(english: Assessment) -> None:
    summary = Section(
        "summary", "Summary", ["What the board needs to know."], statements=list(english.summary)
    )
    a = Assessment(**{**english.__dict__, "sections": [summary, *english.sections]})
    document = render_html(a)
    assert document.count(english.summary[-1].text) == 1
    assert 'id="summary"' not in document


def test_numbers_in_tables_are_formatted_and_aligned(english_html: str) -> None:
    assert '<td class="num">20,961</td>' in english_html
    assert "July 2021" in english_html  # months of the line chart's data, written out


def test_long_tables_are_cut_with_a_note(english: Assessment) -> None:
    html = render_html(english)
    rows = re.findall(r"<tr>", html)
    assert rows
    long = render_html(Assessment(**{**english.__dict__, "sections": [_long_section(english)]}))
    assert f"Showing the first {MAX_ROWS} of 100 rows" in long


def _long_section(a: Assessment) -> Section:
    import pandas as pd

    from diogel.assess.model import Table

    frame = pd.DataFrame({"Item": [f"Row {i}" for i in range(100)], "Count": range(100)})
    return Section("long", "Long", tables=[Table("long", "Long table", frame)])


def test_print_stylesheet_is_inline(english_html: str) -> None:
    assert "@media print" in english_html
    assert "@page" not in english_html  # the paged stylesheet is only for the PDF


def test_lines_in_the_other_language_are_marked(english: Assessment, welsh: Assessment) -> None:
    # attribution lines known to the catalogues (here, two of the reports' own words)
    lines = ["Sources and licences", "Ffynonellau a thrwyddedau"]
    document = render_html(Assessment(**{**english.__dict__, "attribution": lines}))
    assert '<li lang="cy">Ffynonellau a thrwyddedau</li>' in document
    assert "<li>Sources and licences</li>" in document
    document = render_html(Assessment(**{**welsh.__dict__, "attribution": lines}))
    assert '<li lang="en">Sources and licences</li>' in document
