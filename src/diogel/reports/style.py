"""The house style of Diogel's charts and maps: palette, fonts, figure sizes and SVG output."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from matplotlib import rc_context
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import FuncFormatter

from diogel.i18n import Translator

#: Okabe & Ito (2008), distinguishable with every common colour-vision deficiency, in the
#: order lines use them: the first five have at least 3:1 contrast with white (WCAG 1.4.11).
OKABE_ITO: Final = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#000000",  # black
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow (fills only: too light for lines on white)
)
#: Text, axes and reference lines: dark greys that pass WCAG contrast on white.
INK: Final = "#1a1a1a"
MUTED: Final = "#595959"
GRID: Final = "#d9d9d9"
#: Width of a chart in inches: the text width of an A4 page with 18 mm margins.
WIDTH: Final = 6.7
FONT_FAMILY: Final = "DejaVu Sans"
#: What browsers without DejaVu Sans use instead (Verdana shares its metrics closely).
FONT_STACK: Final = "'DejaVu Sans', Verdana, Arial, sans-serif"

_RC: Final[dict[str, Any]] = {
    "font.family": FONT_FAMILY,
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 9.0,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "svg.fonttype": "none",  # real text: selectable, searchable, small
    "svg.hashsalt": "diogel",  # the same figure gives the same SVG
    "path.simplify": True,
}
_NO_METADATA: Final = {"Creator": None, "Date": None, "Format": None, "Type": None}


@contextmanager
def house_style() -> Iterator[None]:
    """Matplotlib settings for Diogel figures, without touching global state."""
    with rc_context(_RC):  # type: ignore[arg-type]
        yield


def new_figure(height: float, width: float = WIDTH) -> MplFigure:
    """A blank figure (no pyplot, so no global figure registry) with constrained layout."""
    return MplFigure(figsize=(width, height), layout="constrained", facecolor="white")


def number_formatter(t: Translator, digits: int = 0) -> FuncFormatter:
    """An axis formatter writing numbers in the document's language."""

    def fmt(value: float, _pos: int | None = None) -> str:
        if digits == 0 or float(value).is_integer():
            return t.format_int(value)
        return t.format_number(value, digits)

    return FuncFormatter(fmt)


def axis_digits(values: list[float]) -> int:
    """Decimal places needed to label an axis spanning ``values`` (0 for counts)."""
    span = max(values) - min(values) if values else 0.0
    if span >= 10 or all(float(v).is_integer() for v in values):
        return 0
    return 1 if span >= 1 else 2


def to_svg(fig: MplFigure, *, uid: str, title: str, desc: str) -> str:
    """The figure as SVG text ready to inline in HTML.

    The XML prologue and fixed size are dropped (the SVG scales to its container), ids
    are prefixed with ``uid`` so several SVGs can share one page, unused ids are
    removed, and ``<title>``/``<desc>`` carry the text alternative.
    """
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata=_NO_METADATA)
    return finish_svg(buffer.getvalue(), uid=uid, title=title, desc=desc)


_ID = re.compile(r'\s(?:id|gid)="([^"]*)"')
_URL = re.compile(r"url\(#([^)]+)\)")
_HREF = re.compile(r'(?:xlink:)?href="#([^"]+)"')
_PATH_DATA = re.compile(r'\sd="([^"]*)"')
_ROOT_SIZE = re.compile(r'\s(?:width|height|xmlns(?::xlink)?|version)="[^"]*"')


_DECIMAL = re.compile(r"-?\d+\.\d+")


def _short_path(data: str) -> str:
    """Path data on one line with coordinates to 0.01 pt (matplotlib writes 0.000001 pt)."""
    rounded = _DECIMAL.sub(lambda m: f"{float(m[0]):.2f}".rstrip("0").rstrip("."), data)
    return " ".join(rounded.split())


def finish_svg(svg: str, *, uid: str, title: str, desc: str) -> str:
    """Make matplotlib's SVG output safe to inline (see ``to_svg``)."""
    svg = svg[svg.index("<svg") :]
    referenced = set(_URL.findall(svg)) | set(_HREF.findall(svg))
    svg = _ID.sub(lambda m: f' id="{uid}-{m[1]}"' if m[1] in referenced else "", svg)
    svg = _URL.sub(lambda m: f"url(#{uid}-{m[1]})", svg)
    svg = _HREF.sub(lambda m: f'href="#{uid}-{m[1]}"', svg)
    svg = _PATH_DATA.sub(lambda m: ' d="' + _short_path(m[1]) + '"', svg)
    svg = svg.replace(f"font-family: '{FONT_FAMILY}'", f"font-family: {FONT_STACK}")
    end = svg.index(">") + 1
    root = _ROOT_SIZE.sub("", svg[:end]).replace(
        "<svg",
        f'<svg role="img" aria-labelledby="{uid}-title" aria-describedby="{uid}-desc"'
        ' preserveAspectRatio="xMidYMid meet"',
        1,
    )
    alternative = (
        f'<title id="{uid}-title">{html.escape(title)}</title>'
        f'<desc id="{uid}-desc">{html.escape(desc)}</desc>'
    )
    body = re.sub(r">\s+<", "><", svg[end:])
    return root + alternative + body
