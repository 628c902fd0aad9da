"""Charts of an assessment (line, bar, seasonal, funnel, matrix) as accessible SVG text.

Each chart is drawn with matplotlib in the house style (``reports.style``): Okabe–Ito
colours, DejaVu Sans, no chart junk, numbers and months in the document's language.
The figure's title is not drawn inside the chart: the document shows it as the
caption, and the SVG carries it as ``<title>`` with the alt text as ``<desc>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import pandas as pd
from babel.dates import format_date
from matplotlib.axes import Axes
from matplotlib.figure import Figure as MplFigure

from diogel.assess.model import Figure
from diogel.errors import InputError
from diogel.i18n import Translator
from diogel.reports.cells import limits_label, month_numbers, parse_months
from diogel.reports.labels import place_labels
from diogel.reports.style import (
    GRID,
    INK,
    MUTED,
    OKABE_ITO,
    axis_digits,
    house_style,
    new_figure,
    number_formatter,
    to_svg,
)

CHART_KINDS = ("line", "bar", "seasonal", "funnel", "matrix", "heatmap")
#: At most this many labelled ticks on a time axis.
MAX_TIME_TICKS = 8
HIGHLIGHT = OKABE_ITO[1]
MAIN = OKABE_ITO[0]


def chart_svg(figure: Figure, t: Translator, *, highlight: str | None = None) -> str:
    """Draw a chart figure as SVG text.

    Parameters
    ----------
    figure : Figure
        A figure of kind ``"line"``, ``"bar"``, ``"seasonal"``, ``"funnel"`` or
        ``"matrix"`` (see ``diogel.assess.model.Figure`` for the data each needs).
    t : Translator
        The document's language, for numbers, months and the few fixed words.
    highlight : str, optional
        A label to pick out in bar, funnel and matrix charts (the report's own area);
        ``spec["highlight"]`` takes precedence.

    Returns
    -------
    str
        An ``<svg>`` element with ``<title>`` and ``<desc>``, scaling to its container.
    """
    if figure.kind not in CHART_KINDS:
        raise InputError(
            f"figure '{figure.id}' has kind '{figure.kind}', which is not a chart",
            hint=f"charts are {', '.join(CHART_KINDS)}; maps are drawn by reports.maps",
        )
    draw = _DRAWERS[figure.kind]
    highlight = figure.spec.get("highlight", highlight)
    with house_style():
        fig = draw(figure, t, highlight)
        return to_svg(fig, uid=_uid(figure.id), title=figure.title, desc=figure.alt)


def _uid(figure_id: str) -> str:
    return "f-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in figure_id)


def _require(figure: Figure, *columns: str) -> None:
    missing = [c for c in columns if c not in figure.data.columns]
    if missing:
        raise InputError(
            f"figure '{figure.id}' ({figure.kind}) has no column {', '.join(map(repr, missing))}",
            hint=f"its data has {', '.join(map(str, figure.data.columns))}",
        )


def _numbers(values: Any) -> np.ndarray:
    return np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)


def _value_axis(
    ax: Axes, t: Translator, values: np.ndarray, *, axis: Literal["x", "y"] = "y"
) -> None:
    """Label a value axis in the document's language; counts start at zero."""
    finite = [float(v) for v in values[np.isfinite(values)]]
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(number_formatter(t, axis_digits(finite)))
    if finite and min(finite) >= 0:
        if axis == "y":
            ax.set_ylim(bottom=0)
        else:
            ax.set_xlim(left=0)
    ax.grid(axis=axis, color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)


def _no_data(fig: MplFigure, ax: Axes, t: Translator) -> MplFigure:
    ax.set_axis_off()
    ax.text(0.5, 0.5, t("No data for this period"), ha="center", va="center", color=MUTED)
    return fig


# --------------------------------------------------------------------------------------
# Time axes
# --------------------------------------------------------------------------------------


def _time_axis(ax: Axes, t: Translator, x: pd.Series) -> np.ndarray:
    """Positions for ``x`` and tick labels: months in the language, else the labels."""
    months = parse_months(x, t)
    if months is not None:
        positions = (months.year * 12 + months.month).to_numpy(dtype=float)
        first = positions.min()
        positions = positions - first
        n = int(positions.max()) + 1
        step = next((s for s in (1, 2, 3, 6, 12, 24) if n / s <= MAX_TIME_TICKS), 36)
        start = months[int(np.argmin(positions))]
        ticks = [p for p in range(0, n) if (start.month - 1 + p) % step == 0] or [0]
        ax.set_xticks(ticks)
        ax.set_xticklabels(
            [
                format_date(
                    dt.date(
                        start.year + (start.month - 1 + p) // 12, (start.month - 1 + p) % 12 + 1, 1
                    ),
                    "LLL yyyy",
                    locale=t.lang,
                )
                for p in ticks
            ]
        )
        return positions
    numeric = pd.to_numeric(x, errors="coerce")
    if numeric.notna().all() and len(x):
        ax.xaxis.set_major_formatter(number_formatter(t, axis_digits(list(numeric))))
        return numeric.to_numpy(dtype=float)
    positions = np.arange(len(x), dtype=float)
    step = max(1, int(np.ceil(len(x) / MAX_TIME_TICKS)))
    ax.set_xticks(positions[::step])
    ax.set_xticklabels([str(v) for v in x.iloc[::step]])
    return positions


# --------------------------------------------------------------------------------------
# The chart kinds
# --------------------------------------------------------------------------------------


def _line(figure: Figure, t: Translator, _highlight: str | None) -> MplFigure:
    spec = figure.spec
    x_name = spec.get("x", "x")
    _require(figure, x_name)
    data = figure.data.reset_index(drop=True)
    limits = spec.get("limits") or []
    limits = [limits] if isinstance(limits, str) else list(limits)
    series = list(
        spec.get("series") or [c for c in data.columns if c != x_name and c not in limits]
    )
    _require(figure, *series, *limits)
    fig = new_figure(3.0)
    ax = fig.add_subplot()
    if data.empty:
        return _no_data(fig, ax, t)
    x = _time_axis(ax, t, data[x_name])
    everything = []
    for i, name in enumerate(series):
        y = _numbers(data[name])
        everything.append(y)
        ax.plot(x, y, color=OKABE_ITO[i % 7], linewidth=2.0 if i == 0 else 1.5, label=str(name))
    for name in limits:
        y = _numbers(data[name])
        everything.append(y)
        ax.plot(x, y, color=MUTED, linewidth=1.0, linestyle=(0, (4, 3)), label=str(name))
    alerts = list(spec.get("alerts") or [])
    if alerts and series:
        hit = data[x_name].astype(str).isin([str(a) for a in alerts]).to_numpy()
        ax.plot(
            x[hit],
            _numbers(data[series[0]])[hit],
            linestyle="none",
            marker="o",
            markersize=7,
            markerfacecolor="white",
            markeredgecolor=HIGHLIGHT,
            markeredgewidth=2.0,
            label=spec.get("alert_label") or t("Control-chart alert"),
        )
    _value_axis(ax, t, np.concatenate(everything) if everything else np.array([]))
    ax.set_ylabel(str(spec.get("y_label", "")))
    ax.set_xlabel(str(spec.get("x_label", "")))
    ax.margins(x=0.01)
    if len(series) + len(limits) + bool(alerts) > 1:
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=4, borderaxespad=0.2)
    return fig


def _bar(figure: Figure, t: Translator, highlight: str | None) -> MplFigure:
    _require(figure, "label", "value")
    data = figure.data.reset_index(drop=True)
    fig = new_figure(0.6 + 0.28 * max(len(data), 2))
    ax = fig.add_subplot()
    if data.empty:
        return _no_data(fig, ax, t)
    values = _numbers(data["value"])
    labels = [str(v) for v in data["label"]]
    colours = [HIGHLIGHT if label == highlight else MAIN for label in labels]
    positions = np.arange(len(data))[::-1]
    ax.barh(positions, np.nan_to_num(values), color=colours, height=0.68)
    ax.set_yticks(positions, labels)
    ax.tick_params(axis="y", length=0)
    digits = axis_digits([float(v) for v in values[np.isfinite(values)]])
    fmt = number_formatter(t, digits)
    top = np.nanmax(values) if np.isfinite(values).any() else 1.0
    for pos, value in zip(positions, values, strict=True):
        if np.isfinite(value):
            ax.text(value + top * 0.01, pos, fmt(value), va="center", fontsize=8, color=INK)
    _value_axis(ax, t, values, axis="x")
    ax.set_xlim(right=top * 1.12 if top > 0 else 1)
    ax.spines["left"].set_visible(False)
    ax.set_xlabel(str(figure.spec.get("x_label", figure.spec.get("value_label", ""))))
    return fig


def _month_labels(values: pd.Series, t: Translator) -> list[str]:
    """Short month names (Ion, Chw, ...) for months given as numbers or full names."""
    numbers = month_numbers(values, t)
    if numbers is None:
        return [str(v) for v in values]
    return [format_date(dt.date(2000, m, 1), "LLL", locale=t.lang) for m in numbers]


def _seasonal(figure: Figure, t: Translator, _highlight: str | None) -> MplFigure:
    _require(figure, "month", "value")
    data = figure.data.reset_index(drop=True)
    fig = new_figure(2.8)
    ax = fig.add_subplot()
    if data.empty:
        return _no_data(fig, ax, t)
    values = _numbers(data["value"])
    positions = np.arange(len(data))
    ax.bar(positions, np.nan_to_num(values), color=MAIN, width=0.7)
    ax.set_xticks(positions, _month_labels(data["month"], t))
    ax.tick_params(axis="x", length=0)
    finite = values[np.isfinite(values)]
    if len(finite):
        mean = float(finite.mean())
        ax.axhline(mean, color=INK, linewidth=1.0, linestyle=(0, (4, 3)))
        ax.annotate(
            t("Average {value}", value=number_formatter(t, axis_digits(list(finite)))(mean)),
            xy=(1.0, mean),
            xycoords=("axes fraction", "data"),
            xytext=(0, 3),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=8,
            color=INK,
        )
    _value_axis(ax, t, values)
    ax.set_ylabel(str(figure.spec.get("y_label", "")))
    ax.set_xlabel(str(figure.spec.get("x_label", "")))
    return fig


def _limit_pairs(limits: Any) -> list[tuple[str, str]]:
    """``spec["limits"]`` as (lower, upper) column pairs, given pairs or a flat list."""
    items = list(limits or [])
    if items and all(isinstance(i, str) for i in items):
        return [(items[i], items[i + 1]) for i in range(0, len(items) - 1, 2)]
    return [(str(lo), str(hi)) for lo, hi in items]


def _funnel(figure: Figure, t: Translator, highlight: str | None) -> MplFigure:
    _require(figure, "label", "population", "rate")
    pairs = _limit_pairs(figure.spec.get("limits"))
    _require(figure, *[c for pair in pairs for c in pair])
    data = figure.data.sort_values("population").reset_index(drop=True)
    fig = new_figure(3.6)
    ax = fig.add_subplot()
    if data.empty:
        return _no_data(fig, ax, t)
    population = _numbers(data["population"])
    rate = _numbers(data["rate"])
    styles: list[Any] = [(0, (4, 3)), (0, (1, 2)), "-."]
    for i, (lower, upper) in enumerate(pairs):
        style = styles[i % len(styles)]
        ax.plot(population, _numbers(data[lower]), color=MUTED, linestyle=style, linewidth=1.0)
        ax.plot(
            population,
            _numbers(data[upper]),
            color=MUTED,
            linestyle=style,
            linewidth=1.0,
            label=limits_label(lower, upper, t),
        )
    overall = figure.spec.get("overall")
    if overall is not None:
        ax.axhline(float(overall), color=INK, linewidth=1.0, label=t("Overall rate"))
    mine = (
        (data["label"].astype(str) == highlight).to_numpy()
        if highlight
        else np.zeros(len(data), bool)
    )
    ax.scatter(population[~mine], rate[~mine], s=22, color=MAIN, zorder=3, label=t("Other areas"))
    if mine.any():
        ax.scatter(
            population[mine],
            rate[mine],
            s=48,
            color=HIGHLIGHT,
            marker="D",
            zorder=4,
            label=str(highlight),
        )
        for x, y in zip(population[mine], rate[mine], strict=True):
            ax.annotate(
                str(highlight),
                (x, y),
                xytext=(6, 4),
                textcoords="offset points",
                fontsize=8.5,
                color=INK,
                fontweight="bold",
            )
    if pairs:  # name the areas outside the widest limits
        lower, upper = pairs[-1]
        outside = (rate < _numbers(data[lower])) | (rate > _numbers(data[upper]))
        for x, y, label in zip(
            population[outside & ~mine],
            rate[outside & ~mine],
            data["label"][outside & ~mine],
            strict=True,
        ):
            ax.annotate(
                str(label),
                (x, y),
                xytext=(5, 3),
                textcoords="offset points",
                fontsize=7.5,
                color=MUTED,
            )
    ax.xaxis.set_major_formatter(number_formatter(t, 0))
    ax.yaxis.set_major_formatter(number_formatter(t, axis_digits(list(rate[np.isfinite(rate)]))))
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel(str(figure.spec.get("x_label", t("Population"))))
    ax.set_ylabel(str(figure.spec.get("y_label", t("Rate"))))
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3, borderaxespad=0.2)
    return fig


def _matrix(figure: Figure, t: Translator, highlight: str | None) -> MplFigure:
    _require(figure, "label", "x", "y")
    data = figure.data.reset_index(drop=True)
    fig = new_figure(4.2)
    ax = fig.add_subplot()
    if data.empty:
        return _no_data(fig, ax, t)
    x, y = _numbers(data["x"]), _numbers(data["y"])
    labels = [str(v) for v in data["label"]]
    sizes = _numbers(data["size"]) if "size" in data else None
    if sizes is not None and np.nanmax(sizes) > 0:
        area = 30 + 270 * np.nan_to_num(sizes) / np.nanmax(sizes)
    else:
        area = np.full(len(data), 60.0)
    colours = [HIGHLIGHT if label == highlight else MAIN for label in labels]
    ax.scatter(x, y, s=area, color=colours, alpha=0.85, edgecolor="white", linewidth=0.8, zorder=3)
    for xm, ym in ((np.nanmedian(x), None), (None, np.nanmedian(y))):
        if xm is not None:
            ax.axvline(xm, color=GRID, linewidth=1.0, zorder=1)
        if ym is not None:
            ax.axhline(ym, color=GRID, linewidth=1.0, zorder=1)
    for axis, values in ((ax.xaxis, x), (ax.yaxis, y)):
        axis.set_major_formatter(
            number_formatter(t, axis_digits(list(values[np.isfinite(values)])))
        )
    ax.margins(x=0.2, y=0.12)
    ax.set_xlabel(str(figure.spec.get("x_label", "")))
    ax.set_ylabel(str(figure.spec.get("y_label", "")))
    place_labels(fig, ax, np.column_stack([x, y]), labels)
    return fig


def _heatmap(figure: Figure, t: Translator, _highlight: str | None) -> MplFigure:
    """Rows by columns of counts (e.g. hours by day of week), darker for more; cells shown
    as text in ``spec["hidden"]`` (e.g. suppressed small numbers) are left blank."""
    data = figure.data.reset_index(drop=True)
    row_label = str(figure.spec.get("rows", data.columns[0]))
    columns = [c for c in data.columns if c != row_label]
    fig = new_figure(3.2)
    ax = fig.add_subplot()
    if data.empty or not columns:
        return _no_data(fig, ax, t)
    values = np.array(
        [[pd.to_numeric(v, errors="coerce") for v in data[c]] for c in columns], dtype=float
    ).T
    finite = values[np.isfinite(values)]
    top = float(finite.max()) if len(finite) else 1.0
    from matplotlib.colors import LinearSegmentedColormap

    ramp = LinearSegmentedColormap.from_list("diogel_heat", ["#f7fbff", MAIN])
    rows, cols = values.shape
    ax.pcolormesh(  # vector cells, not an embedded bitmap
        np.arange(cols + 1) - 0.5,
        np.arange(rows + 1) - 0.5,
        np.ma.masked_invalid(values),
        cmap=ramp,
        vmin=0,
        vmax=top or 1.0,
        edgecolors="white",
        linewidth=0.8,
    )
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    hidden = str(figure.spec.get("hidden", "*"))
    for (i, j), value in np.ndenumerate(values):
        raw = data[columns[j]].iloc[i]
        text = hidden if str(raw) == hidden else t.format_int(value) if np.isfinite(value) else ""
        dark = np.isfinite(value) and value > 0.6 * top
        ax.text(j, i, text, ha="center", va="center", fontsize=7.5, color="white" if dark else INK)
    ax.set_xticks(range(len(columns)), [str(c) for c in columns])
    ax.set_yticks(range(len(data)), [str(v) for v in data[row_label]])
    ax.tick_params(length=0)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(str(figure.spec.get("x_label", "")))
    ax.set_ylabel(str(figure.spec.get("y_label", row_label)))
    return fig


_DRAWERS: dict[str, Callable[[Figure, Translator, str | None], MplFigure]] = {
    "line": _line,
    "bar": _bar,
    "seasonal": _seasonal,
    "funnel": _funnel,
    "matrix": _matrix,
    "heatmap": _heatmap,
}
