"""Maps of an assessment (Gi* hot spots, density, choropleth) as accessible SVG text.

Drawn with matplotlib from ``figure.geo`` (EPSG:27700) without internet tiles: the
area's outline, a legend, a scale bar in kilometres, a north arrow and the attribution
line. Grid cells of one class are dissolved into one outline before drawing, so a map
of thousands of cells is a handful of SVG paths (tens of kilobytes, not megabytes)
and shows no hairline seams between neighbouring cells.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.figure import Figure as MplFigure
from matplotlib.patches import Patch, PathPatch, Polygon, Rectangle
from matplotlib.path import Path

from diogel.assess.model import Figure
from diogel.errors import InputError
from diogel.i18n import Translator
from diogel.reports.style import INK, MUTED, OKABE_ITO, WIDTH, house_style, to_svg

STYLES: Final = ("gistar", "density", "choropleth")
#: Gi* classes in legend order, with their colours (Okabe–Ito vermillion and blue).
GISTAR_CLASSES: Final = {
    "hot": OKABE_ITO[1],
    "cold": OKABE_ITO[0],
    "not significant": "#e6e6e6",  # 3.1:1 against the hot colour, 4.2:1 against the cold
}
#: ColorBrewer OrRd and Blues, five classes: sequential and colour-blind safe.
DENSITY_COLOURS: Final = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000")
CHOROPLETH_COLOURS: Final = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
BASE: Final = "#ffffff"
#: Scale bar lengths to choose from, in kilometres.
SCALE_LENGTHS: Final = (0.5, 1, 2, 4, 5, 10, 20, 25, 50, 100)
MAP_HEIGHT_RANGE: Final = (3.2, 7.0)
LEGEND_ROW: Final = 0.22
ATTRIBUTION_CHARS: Final = 130


def map_svg(figure: Figure, t: Translator) -> str:
    """Draw a map figure as SVG text.

    Parameters
    ----------
    figure : Figure
        A ``"map"`` figure: ``geo`` a GeoDataFrame in EPSG:27700 with ``class``
        (``"hot"``, ``"cold"``, ``"not significant"``) for ``spec["style"] == "gistar"``
        or a numeric ``value`` for ``"density"`` and ``"choropleth"``; ``boundary``
        the area's outline; ``source`` the attribution line.
    t : Translator
        The document's language.

    Returns
    -------
    str
        An ``<svg>`` element with ``<title>`` and ``<desc>``, scaling to its container.
    """
    style = figure.spec.get("style", "gistar")
    if style not in STYLES:
        raise InputError(
            f"map '{figure.id}' has style '{style}'", hint=f"choose one of {', '.join(STYLES)}"
        )
    geo = figure.geo
    if geo is None or "geometry" not in getattr(geo, "columns", ()):
        raise InputError(f"map '{figure.id}' has no GeoDataFrame in figure.geo")
    crs = getattr(geo, "crs", None)
    if crs is not None and crs.to_epsg() != 27700:
        raise InputError(
            f"map '{figure.id}' is in {crs}",
            hint="give figure.geo in EPSG:27700 (British National Grid)",
        )
    column = "class" if style == "gistar" else "value"
    if column not in geo.columns:
        raise InputError(f"map '{figure.id}' ({style}) has no '{column}' column in figure.geo")
    if len(geo) == 0 and figure.boundary is None:
        raise InputError(
            f"map '{figure.id}' has nothing to draw", hint="give cells in figure.geo or a boundary"
        )
    with house_style():
        fig = _draw(figure, t, style)
        return to_svg(fig, uid="m-" + _safe(figure.id), title=figure.title, desc=figure.alt)


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)


# --------------------------------------------------------------------------------------
# Geometry to matplotlib paths
# --------------------------------------------------------------------------------------


def _polygons(geometries: Any) -> np.ndarray:
    """The polygon parts of ``geometries`` (points and lines left by clipping dropped)."""
    parts = shapely.get_parts(np.asarray(geometries, dtype=object))
    return parts[shapely.get_type_id(parts) == 3]


def _dissolve(geometries: Any) -> np.ndarray:
    """Non-overlapping cells of one class merged into as few polygons as possible."""
    polygons = _polygons(geometries)
    if len(polygons) < 2:
        return polygons
    merged = shapely.coverage_union_all(polygons)
    # Coverage union is exact only for cells that share edges exactly; check by area.
    if not np.isclose(shapely.area(merged), shapely.area(polygons).sum(), rtol=1e-9):
        merged = shapely.union_all(polygons)
    return _polygons([merged])


def _path(polygons: np.ndarray) -> Path | None:
    """One compound path (holes included) for an array of polygons."""
    if len(polygons) == 0:
        return None
    rings = shapely.get_rings(shapely.orient_polygons(polygons))
    counts = shapely.get_num_coordinates(rings)
    vertices = shapely.get_coordinates(rings)
    codes = np.full(len(vertices), Path.LINETO, dtype=Path.code_type)
    ends = np.cumsum(counts)
    codes[ends - counts] = Path.MOVETO
    codes[ends - 1] = Path.CLOSEPOLY
    return Path(vertices, codes)


@dataclass(frozen=True)
class _Shaper:
    """Polygons as drawn: cut to the area's outline and simplified to what the eye can see."""

    clip: Any
    tolerance: float

    def __call__(self, polygons: np.ndarray) -> np.ndarray:
        if len(polygons) == 0:
            return polygons
        if self.clip is not None:
            polygons = _polygons(shapely.intersection(polygons, self.clip))
        return _polygons(shapely.simplify(polygons, self.tolerance, preserve_topology=True))


def _fill(ax: Axes, polygons: np.ndarray, colour: str, **kwargs: Any) -> None:
    path = _path(polygons)
    if path is not None:
        # An edge in the fill colour hides anti-aliasing seams between classes.
        ax.add_patch(PathPatch(path, facecolor=colour, edgecolor=colour, linewidth=0.3, **kwargs))


# --------------------------------------------------------------------------------------
# Layers
# --------------------------------------------------------------------------------------


def _classes(values: np.ndarray, breaks: Any, n: int) -> tuple[np.ndarray, list[float]]:
    """Class numbers 0..n-1 by ``breaks`` (upper bounds) or by quantiles; -1 for none."""
    finite = values[np.isfinite(values)]
    if breaks is None:
        if len(finite) == 0:
            return np.full(len(values), -1), []
        qs = np.unique(np.quantile(finite, np.linspace(0, 1, n + 1)[1:]))
        edges = [float(q) for q in qs]
    else:
        edges = sorted(float(b) for b in breaks)
    if len(finite) and np.all(np.mod(finite, 1) == 0):  # counts: whole-number classes
        edges = sorted({float(np.ceil(e)) for e in edges})
    index = np.searchsorted(np.asarray(edges), values, side="left")
    index = np.where(np.isfinite(values), np.minimum(index, len(edges) - 1), -1)
    return index, edges


def _gistar(ax: Axes, geo: Any, t: Translator, shape: _Shaper) -> list[Any]:
    labels = {
        "hot": t("Hot spot (Gi*)"),
        "cold": t("Cold spot"),
        "not significant": t("Not significant"),
    }
    classes = geo["class"].astype(str).str.lower().to_numpy()
    handles = []
    for name in ("not significant", "cold", "hot"):  # significant cells drawn on top
        mask = classes == name
        if mask.any():
            _fill(ax, shape(_dissolve(geo.geometry.to_numpy()[mask])), GISTAR_CLASSES[name])
    for name, colour in GISTAR_CLASSES.items():
        handles.append(Patch(facecolor=colour, edgecolor="none", label=labels[name]))
    return handles


def _graded(
    ax: Axes, geo: Any, t: Translator, figure: Figure, style: str, shape: _Shaper
) -> list[Any]:
    values = np.asarray(pd.to_numeric(geo["value"], errors="coerce"), dtype=float)
    colours = DENSITY_COLOURS if style == "density" else CHOROPLETH_COLOURS
    geometries = geo.geometry.to_numpy()
    if style == "density":
        keep = np.isfinite(values) & (values > 0)  # empty cells stay the base colour
        values = np.where(keep, values, np.nan)
    index, edges = _classes(values, figure.spec.get("breaks"), len(colours))
    palette = colours[len(colours) - len(edges) :] if edges else colours
    outlines = []
    for k, colour in enumerate(palette):
        chosen = geometries[index == k]
        if style == "density":
            _fill(ax, shape(_dissolve(chosen)), colour)
        else:
            polygons = shape(_polygons(chosen))
            outlines.append(polygons)
            _fill(ax, polygons, colour)
    if outlines:
        path = _path(np.concatenate(outlines))
        if path is not None:
            ax.add_patch(PathPatch(path, facecolor="none", edgecolor="white", linewidth=0.4))
    fmt = _range_formatter(t, edges)
    if style == "density":  # labelled by each class's upper bound, shown under the ramp
        return [
            Patch(facecolor=c, edgecolor="none", label=_rounded(e, t))
            for c, e in zip(palette, edges, strict=True)
        ]
    step = 1.0 if all(float(e).is_integer() for e in edges) else 0.0
    lows = [float(np.nanmin(values))] + [e + step for e in edges[:-1]] if edges else []
    return [
        Patch(facecolor=c, edgecolor="none", label=t("{low} to {high}", low=fmt(lo), high=fmt(hi)))
        for c, lo, hi in zip(palette, lows, edges, strict=True)
    ]


def _rounded(value: float, t: Translator) -> str:
    """A class boundary to two significant figures, in the document's language.

    >>> from diogel.i18n import translator
    >>> _rounded(1010049.3, translator("en")), _rounded(3.456, translator("en"))
    ('1,000,000', '3.5')
    """
    if value == 0 or not np.isfinite(value):
        return t.format_int(0)
    digits = 1 - int(np.floor(np.log10(abs(value))))
    rounded = round(value, digits)
    return t.format_int(rounded) if digits <= 0 else t.format_number(rounded, digits)


def _range_formatter(t: Translator, edges: list[float]) -> Any:
    whole = all(float(e).is_integer() for e in edges) or (edges and min(edges) >= 100)
    return t.format_int if whole else (lambda v: t.format_number(v, 1))


def _scale_bar(fig: MplFigure, t: Translator, limits: tuple[float, ...], top: float) -> None:
    """A scale bar in kilometres under the map, on the right (``top`` in figure fraction).

    The map axes span the figure's full width, so a length on the ground is the same
    fraction of the figure's width as of the map's.
    """
    x0, _, x1, _ = limits
    width_km = (x1 - x0) / 1000
    length = max((s for s in SCALE_LENGTHS if s <= width_km / 5), default=SCALE_LENGTHS[0])
    fraction = length * 1000 / (x1 - x0)
    w_in, h_in = fig.get_size_inches()
    bar = 0.07 / h_in
    right = 1 - 0.45 / w_in  # room for the north arrow
    left = right - fraction
    y = top - bar - 0.04 / h_in
    for i in range(2):
        fig.patches.append(
            Rectangle(
                (left + i * fraction / 2, y),
                fraction / 2,
                bar,
                transform=fig.transFigure,
                facecolor=INK if i == 0 else "white",
                edgecolor=INK,
                linewidth=0.6,
            )
        )

    def number(value: float) -> str:
        return t.format_int(value) if float(value).is_integer() else t.format_number(value, 1)

    for value, x in ((0.0, left), (length / 2, left + fraction / 2), (length, right)):
        text = t("{n} km", n=number(value)) if value == length else number(value)
        fig.text(x, y - 0.04 / h_in, text, ha="center", va="top", fontsize=7, color=INK)


def _north_arrow(fig: MplFigure, t: Translator, top: float) -> None:
    """A north arrow (grid north: British National Grid is within a degree of true north)."""
    w_in, h_in = fig.get_size_inches()
    x, half, tall = 1 - 0.15 / w_in, 0.06 / w_in, 0.24 / h_in
    base = top - tall
    fig.patches.append(
        Polygon(
            [(x - half, base), (x, top), (x + half, base), (x, base + tall * 0.3)],
            closed=True,
            transform=fig.transFigure,
            facecolor=INK,
            edgecolor="none",
        )
    )
    fig.text(
        x,
        base - 0.03 / h_in,
        t("N"),
        ha="center",
        va="top",
        fontsize=9,
        fontweight="bold",
        color=INK,
    )


# --------------------------------------------------------------------------------------
# The whole map
# --------------------------------------------------------------------------------------


def _extent(figure: Figure, aspect: float) -> tuple[float, float, float, float]:
    """Map limits around the boundary (or the cells) with the axes' aspect ratio."""
    shape = figure.boundary if figure.boundary is not None else None
    if shape is not None and not shapely.is_empty(shape):
        x0, y0, x1, y1 = shapely.bounds(shape)
    else:
        x0, y0, x1, y1 = figure.geo.total_bounds
    pad = max(x1 - x0, y1 - y0) * 0.03 + 1.0
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    if (y1 - y0) / (x1 - x0) > aspect:  # too tall: widen
        extra = ((y1 - y0) / aspect - (x1 - x0)) / 2
        return x0 - extra, y0, x1 + extra, y1
    extra = ((x1 - x0) * aspect - (y1 - y0)) / 2
    return x0, y0 - extra, x1, y1 + extra


def _legend_rows(style: str, titled: bool) -> int:
    """Rows the legend takes: Gi* classes fit one row, graded classes three a row."""
    rows = 2 if style == "choropleth" else 1
    return rows + int(titled)


def _draw(figure: Figure, t: Translator, style: str) -> MplFigure:
    geo = figure.geo
    source = figure.source or ""
    lines = textwrap.wrap(source, ATTRIBUTION_CHARS) if source else []
    bounds = shapely.bounds(figure.boundary) if figure.boundary is not None else geo.total_bounds
    natural = (bounds[3] - bounds[1]) / max(bounds[2] - bounds[0], 1.0) * WIDTH
    map_height = float(np.clip(natural, *MAP_HEIGHT_RANGE))
    title = figure.spec.get("legend_title")
    legend = LEGEND_ROW * _legend_rows(style, bool(title)) + 0.2
    foot = 0.12 * len(lines) + 0.06
    height = map_height + legend + foot
    fig = MplFigure(figsize=(WIDTH, height), facecolor="white")
    ax = fig.add_axes((0, (legend + foot) / height, 1, map_height / height))
    limits = _extent(figure, map_height / WIDTH)
    ax.set_xlim(limits[0], limits[2])
    ax.set_ylim(limits[1], limits[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    # A quarter of a point on the page: finer detail cannot be seen, only stored.
    tolerance = (limits[2] - limits[0]) / (WIDTH * 72) / 4
    boundary = np.array([])
    if figure.boundary is not None:
        boundary = _polygons([shapely.simplify(figure.boundary, tolerance, preserve_topology=True)])
    clip = shapely.union_all(boundary) if len(boundary) else None
    path = _path(boundary)
    if path is not None:
        ax.add_patch(PathPatch(path, facecolor=BASE, edgecolor="none", zorder=0))
    shape = _Shaper(clip, tolerance)
    if style == "gistar":
        handles = _gistar(ax, geo, t, shape)
    else:
        handles = _graded(ax, geo, t, figure, style, shape)
    if path is not None:
        ax.add_patch(PathPatch(path, facecolor="none", edgecolor=INK, linewidth=1.1, zorder=4))
    legend_y = (legend + foot - 0.08) / height
    _scale_bar(fig, t, limits, legend_y)
    _north_arrow(fig, t, legend_y + 0.02 / height)
    if style == "density":
        _ramp(fig, handles, t, legend_y, height, title)
    else:
        if path is not None:
            handles.append(
                Patch(facecolor="none", edgecolor=INK, linewidth=1.1, label=t("Area boundary"))
            )
        fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0.0, legend_y),
            ncol=len(handles) if style == "gistar" else 3,
            title=title,
            alignment="left",
            handlelength=1.4,
            columnspacing=1.6,
            fontsize=8,
            title_fontsize=8,
            borderaxespad=0.0,
            borderpad=0.0,
        )
    for i, line in enumerate(reversed(lines)):
        fig.text(0.0, (0.03 + 0.12 * i) / height, line, fontsize=6.5, color=MUTED, va="bottom")
    return fig


def _ramp(
    fig: MplFigure, handles: list[Any], t: Translator, top: float, height: float, title: Any
) -> None:
    """A colour ramp legend: lower density on the left, higher on the right.

    With a legend title (the unit, e.g. incidents per km²) the class boundaries are
    written under the ramp; without one, density is relative and only the ends are named.
    """
    box_h = 0.16 / height
    y = top - box_h - (0.04 / height)
    if title:
        fig.text(0.0, top, str(title), fontsize=8, color=INK, va="top")
        y -= 0.16 / height
    lower = t("Lower density")
    fig.text(0.0, y + box_h / 2, lower, fontsize=8, color=INK, va="center")
    start = 0.02 + 0.0115 * len(lower)  # DejaVu Sans at 8 pt: about 0.077 in a character
    longest = max((len(p.get_label()) for p in handles), default=0) if title else 0
    # Room for the numbers (about 0.05 in a character at 6.5 pt), at most half an inch.
    width = min(max(0.3, 0.05 * longest + 0.04), 0.5) / fig.get_size_inches()[0]
    for i, patch in enumerate(handles):
        fig.patches.append(
            Rectangle(
                (start + i * width, y),
                width,
                box_h,
                transform=fig.transFigure,
                facecolor=patch.get_facecolor(),
                edgecolor="none",
            )
        )
        if title and i < len(handles) - 1:
            fig.text(
                start + (i + 1) * width,
                y - 0.03 / height,
                patch.get_label(),
                fontsize=6.5,
                color=INK,
                ha="center",
                va="top",
            )
    fig.text(
        start + len(handles) * width + 0.01,
        y + box_h / 2,
        t("Higher density"),
        fontsize=8,
        color=INK,
        va="center",
    )
