"""Maps: legend, scale bar, north arrow, boundary and attribution, small SVG, no tiles."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from diogel.assess.model import Figure
from diogel.errors import InputError
from diogel.i18n import translator
from diogel.reports.maps import _dissolve, map_svg
from tests.reports.sample import OGL, boundary, grid, lsoas


def _map(style: str, geo: gpd.GeoDataFrame, **spec: object) -> Figure:
    return Figure(
        f"map-{style}",
        "map",
        f"Map ({style})",
        "A map of the area.",
        pd.DataFrame(),
        spec={"style": style, **spec},
        geo=geo,
        boundary=boundary(),
        source=OGL["en"],
    )


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_gistar_map_has_legend_scale_north_boundary_and_attribution() -> None:
    svg = map_svg(_map("gistar", grid(400, boundary())), translator("en"))
    texts = _texts(svg)
    assert {"Hot spot (Gi*)", "Cold spot", "Not significant", "Area boundary"} <= set(texts)
    assert "N" in texts
    assert any(x.endswith(" km") for x in texts)
    attribution = " ".join(t for t in texts if t.startswith(("Contains", "database")))
    assert "Open Government Licence v3.0" in attribution
    assert "<title" in svg and "<desc" in svg
    assert "http" not in svg and "<image" not in svg  # no tiles, nothing fetched


def test_welsh_map_words() -> None:
    svg = map_svg(_map("density", grid(400, boundary())), translator("cy"))
    texts = _texts(svg)
    assert {"Dwysedd is", "Dwysedd uwch", "G"} <= set(texts)
    assert any(x.endswith(" km") for x in texts)


def test_choropleth_classes_of_counts_are_whole_number_ranges() -> None:
    svg = map_svg(_map("choropleth", lsoas(boundary()), legend_title="Incidents"), translator("en"))
    ranges = [x for x in _texts(svg) if " to " in x]
    assert len(ranges) == 5
    assert all(re.fullmatch(r"\d+ to \d+", x) for x in ranges)
    assert "Incidents" in _texts(svg)


def test_five_thousand_cells_make_a_small_svg() -> None:
    cells = grid(200, boundary())
    assert len(cells) > 5000
    svg = map_svg(_map("gistar", cells), translator("en"))
    assert len(svg) < 100_000, len(svg)  # cells of a class dissolved into one outline


def test_dissolve_keeps_the_area_of_clipped_cells() -> None:
    cells = shapely.intersection(
        np.asarray(grid(300, boundary()).geometry), shapely.Point(331000, 188000).buffer(5000)
    )
    merged = _dissolve(cells)
    assert len(merged) < 10
    assert shapely.area(merged).sum() == pytest.approx(shapely.area(cells).sum(), rel=1e-9)


def test_map_inputs_are_checked() -> None:
    cells = grid(400, boundary())
    with pytest.raises(InputError, match="style 'heat'"):
        map_svg(_map("heat", cells), translator("en"))
    with pytest.raises(InputError, match="EPSG:27700"):
        map_svg(_map("gistar", cells.to_crs(4326)), translator("en"))
    with pytest.raises(InputError, match="nothing to draw"):
        map_svg(
            Figure("e", "map", "Map", "Alt", pd.DataFrame(), {"style": "gistar"}, cells.iloc[:0]),
            translator("en"),
        )
    with pytest.raises(InputError, match="no 'value' column"):
        map_svg(_map("density", cells.drop(columns="value")), translator("en"))


def test_a_map_without_cells_or_boundary_still_draws() -> None:
    empty = grid(400, boundary()).iloc[:0]
    svg = map_svg(_map("gistar", empty), translator("en"))
    assert "Area boundary" in _texts(svg)
    cells = grid(400, boundary())
    no_outline = Figure(
        "m",
        "map",
        "Map",
        "Alt",
        pd.DataFrame(),
        spec={"style": "gistar"},
        geo=cells,
        boundary=None,
        source=None,
    )
    svg = map_svg(no_outline, translator("en"))
    assert "Hot spot (Gi*)" in _texts(svg) and "Area boundary" not in _texts(svg)
