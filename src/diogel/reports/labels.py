"""Labels for the points of a scatter chart, placed so that they overlap nothing.

A greedy search in the spirit of ``adjustText``, without the dependency: each label
tries places around its point, nearest first, and takes the first that overlaps no
placed label and no other point; labels placed farther out get a thin leader line.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from diogel.reports.style import INK, MUTED

#: Directions to try for a point's label, nearest first; farther labels get a leader line.
_DIRECTIONS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1))
_RADII = (7.0, 16.0, 26.0, 38.0, 52.0)


def _label_at(ax: Axes, label: str, xy: np.ndarray, radius: float, dx: int, dy: int) -> Any:
    scale = radius if dx == 0 or dy == 0 else radius * 0.75
    leader = {"arrowstyle": "-", "color": MUTED, "linewidth": 0.5, "shrinkA": 0, "shrinkB": 3}
    return ax.annotate(
        label,
        (float(xy[0]), float(xy[1])),
        xytext=(dx * scale, dy * scale),
        textcoords="offset points",
        ha="left" if dx > 0 else "right" if dx < 0 else "center",
        va="bottom" if dy > 0 else "top" if dy < 0 else "center",
        fontsize=8,
        color=INK,
        arrowprops=leader if radius > _RADII[0] else None,
    )


def _text_box(annotation: Any, renderer: Any) -> Bbox:
    """The box of an annotation's text alone (without its leader line)."""
    annotation.update_positions(renderer)
    return Text.get_window_extent(annotation, renderer)


def place_labels(fig: MplFigure, ax: Axes, points: np.ndarray, labels: list[str]) -> None:
    """Label each point where its label overlaps no other label or point.

    Places nearest the point are tried first, then farther ones with a leader line; a
    label with nowhere free goes to the right of its point.
    """
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw_without_rendering()  # settle the layout, then keep it, so boxes stay true
    fig.set_layout_engine("none")
    frame = ax.get_window_extent(renderer)
    centres = ax.transData.transform(points)
    markers = [Bbox.from_bounds(cx - 4, cy - 4, 8, 8) for cx, cy in centres]
    placed: list[Bbox] = []
    order = np.argsort(-np.nan_to_num(points[:, 0] + points[:, 1], nan=-np.inf))
    for k in order:  # the most prominent points choose first
        if not np.all(np.isfinite(points[k])):
            continue
        chosen = None
        for radius in _RADII:
            for dx, dy in _DIRECTIONS:
                text = _label_at(ax, labels[k], points[k], radius, dx, dy)
                box = _text_box(text, renderer)
                inside = (
                    frame.x0 <= box.x0
                    and box.x1 <= frame.x1
                    and frame.y0 <= box.y0 <= box.y1 <= frame.y1
                )
                clash = any(box.overlaps(b) for b in placed) or any(
                    box.overlaps(b) for i, b in enumerate(markers) if i != k
                )
                if inside and not clash:
                    chosen = box
                    break
                text.remove()
            if chosen is not None:
                break
        if chosen is None:
            chosen = _text_box(_label_at(ax, labels[k], points[k], _RADII[0], 1, 0), renderer)
        placed.append(chosen)
