"""Charts: accessible, scalable SVG in the document's language, for every chart kind."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from diogel.assess.model import Assessment, Figure
from diogel.errors import InputError
from diogel.i18n import translator
from diogel.reports.charts import CHART_KINDS, chart_svg
from diogel.reports.style import finish_svg


def _figures(a: Assessment) -> list[Figure]:
    out: list[Figure] = []

    def walk(sections: list) -> None:  # type: ignore[type-arg]
        for s in sections:
            out.extend(s.figures)
            walk(s.subsections)

    walk(a.sections)
    return out


def _parse(svg: str) -> ET.Element:
    # Inline SVG carries no namespace declaration (the HTML parser supplies it).
    return ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def _texts(svg: str) -> list[str]:
    return [m for m in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


@pytest.mark.parametrize("kind", CHART_KINDS)
def test_every_chart_kind_is_accessible_scalable_svg(english: Assessment, kind: str) -> None:
    figure = next(f for f in _figures(english) if f.kind == kind)
    svg = chart_svg(figure, translator("en"), highlight=english.area_name)
    root = _parse(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert "width" not in root.attrib and "height" not in root.attrib
    assert root.get("viewBox")
    title, desc = root.find(f"{ns}title"), root.find(f"{ns}desc")
    assert title is not None and title.text == figure.title
    assert desc is not None and desc.text == figure.alt
    labelled = root.get("aria-labelledby", "").split() + root.get("aria-describedby", "").split()
    assert labelled == [title.get("id"), desc.get("id")]
    assert "http" not in svg  # no namespace URLs, DOCTYPE or metadata links
    assert "DejaVu Sans" in svg  # real text in the house font, not glyph outlines
    # every id is prefixed with the figure's id, so many SVGs can share one page
    assert all(i.startswith("f-" + figure.id) for i in re.findall(r' id="([^"]+)"', svg))


def test_axis_numbers_and_months_are_in_the_document_language() -> None:
    data = pd.DataFrame(
        {"x": [f"2023-{m:02d}" for m in range(1, 13)], "Troseddau": range(1000, 13000, 1000)}
    )
    figure = Figure(
        "trend", "line", "Troseddau", "Siart linell", data, spec={"y_label": "Troseddau"}
    )
    texts = _texts(chart_svg(figure, translator("cy")))
    assert "Ion 2023" in texts and "Gor 2023" in texts  # Welsh short month names
    assert "10,000" in texts  # thousands separated as Welsh writes them


def test_line_chart_reads_assess_style_month_labels_and_alerts() -> None:
    t = translator("cy")
    months = [t.month_year(2023, m) for m in range(1, 13)]
    data = pd.DataFrame({"Mis": months, "Digwyddiadau": [50 + m for m in range(12)]})
    figure = Figure(
        "overall",
        "line",
        "Digwyddiadau bob mis",
        "Siart linell",
        data,
        spec={"x": "Mis", "series": ["Digwyddiadau"], "alerts": [months[5]]},
    )
    svg = chart_svg(figure, t)
    assert "Ion 2023" in _texts(svg)  # month labels parsed, ticks shortened
    assert "Rhybudd siart rheoli" in _texts(svg)  # the alert is marked and named


def test_seasonal_chart_shortens_month_names() -> None:
    t = translator("cy")
    data = pd.DataFrame({"month": [t.month_name(m) for m in range(1, 13)], "value": range(12)})
    figure = Figure("seasonal", "seasonal", "Patrwm", "Siart bar", data)
    texts = _texts(chart_svg(figure, t))
    assert [x for x in texts if x in ("Ion", "Chw", "Maw")] == ["Ion", "Chw", "Maw"]


def test_a_missing_column_names_the_figure_and_the_columns() -> None:
    figure = Figure("bars", "bar", "Bars", "Alt", pd.DataFrame({"name": ["a"], "n": [1]}))
    with pytest.raises(InputError, match=r"figure 'bars' \(bar\) has no column 'label', 'value'"):
        chart_svg(figure, translator("en"))


def test_a_map_is_not_a_chart() -> None:
    figure = Figure("m", "map", "Map", "Alt", pd.DataFrame())
    with pytest.raises(InputError, match="not a chart"):
        chart_svg(figure, translator("en"))


def test_empty_data_says_so() -> None:
    figure = Figure("b", "bar", "Bars", "Alt", pd.DataFrame({"label": [], "value": []}))
    assert "Dim data ar gyfer y cyfnod hwn" in _texts(chart_svg(figure, translator("cy")))


def test_finish_svg_keeps_only_referenced_ids_and_escapes_the_alternative() -> None:
    raw = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "x" "http://www.w3.org/x.dtd">\n'
        '<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="10pt" height="5pt" '
        'viewBox="0 0 10 5" xmlns="http://www.w3.org/2000/svg" version="1.1">\n'
        ' <defs><clipPath id="c1"><rect/></clipPath><path id="m1" d="M 0 0 \nL 1 1"/></defs>\n'
        ' <g id="figure_1"><use xlink:href="#m1"/><g clip-path="url(#c1)"/></g>\n</svg>'
    )
    svg = finish_svg(raw, uid="f-a", title="A < B", desc='"quoted" & more')
    assert svg.startswith('<svg role="img"')
    assert 'id="f-a-c1"' in svg and 'id="f-a-m1"' in svg and "figure_1" not in svg
    assert 'href="#f-a-m1"' in svg and "url(#f-a-c1)" in svg
    assert 'd="M 0 0 L 1 1"' in svg
    assert '<title id="f-a-title">A &lt; B</title>' in svg
    assert "&quot;quoted&quot; &amp; more" in svg
    assert "http" not in svg
