"""Figures and tables shared by several assessment sections."""

from __future__ import annotations

import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from diogel.analysis.hotspots import HotspotResult, hotspot_gistar
from diogel.analysis.hotspots_kde import hotspot_kde
from diogel.analysis.period_change import PeriodComparison, compare_periods
from diogel.analysis.trends import rolling_totals
from diogel.assess.model import Figure, Table
from diogel.i18n import Translator
from diogel.periods import Period

#: Fewest located incidents for a hotspot map to mean anything.
MIN_MAP_POINTS = 30
#: Map cell size: 250 m suits a council; the analysis says so on the page.
MAP_CELL_SIZE = 250.0
#: Trend charts show at most this many months.
DISPLAY_MONTHS = 36

OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
OS = "Contains OS data © Crown copyright and database right."


def compare(
    series: pd.Series, period: Period, comparison: Period, skip: set[str]
) -> PeriodComparison | None:
    """Exact test of the monthly rate in ``period`` against ``comparison``, using only
    months that are loaded and not flagged as incomplete (exposure = months used)."""

    def window(p: Period) -> pd.Series:
        s = series[
            (series.index >= pd.Period(p.start, "M")) & (series.index <= pd.Period(p.end, "M"))
        ]
        return s[[str(m) not in skip for m in s.index]].dropna()

    before, after = window(comparison), window(period)
    if before.empty or after.empty:
        return None
    return compare_periods(
        int(before.sum()), int(after.sum()), before_months=len(before), after_months=len(after)
    )


def trend_figure(
    fig_id: str, title: str, series: pd.Series, t: Translator, *, alerts: list[str] | None = None
) -> Figure:
    """Monthly counts with the 12-month average, from the first loaded month of the last
    three years (earlier months feed the alerts but would only pad the chart)."""
    rolling_all = rolling_totals(series) / 12.0
    loaded = series.dropna()
    first = (
        max(loaded.index[0], series.index[-1] - (DISPLAY_MONTHS - 1))
        if len(loaded)
        else series.index[0]
    )
    shown = series[series.index >= first]
    rolling = rolling_all[rolling_all.index >= first]
    labels = [t.month_year(m.year, m.month) for m in shown.index]
    data = pd.DataFrame(
        {
            t("Month"): labels,
            t("Incidents"): [None if pd.isna(v) else int(v) for v in shown.to_numpy()],
            t("12-month average"): [None if pd.isna(v) else round(float(v), 1) for v in rolling],
        }
    )
    alert_labels = [t.month_year(int(a[:4]), int(a[5:7])) for a in alerts or []]
    first = t.month_year(shown.index[0].year, shown.index[0].month)
    last = t.month_year(shown.index[-1].year, shown.index[-1].month)
    alt = t(
        "Line chart of incidents per month from {first} to {last}, with the 12-month average.",
        first=first,
        last=last,
        first_soft=t.soft(first),
        last_soft=t.soft(last),
    )
    if alert_labels:
        alt += " " + t("Months above the expected range: {months}.", months=", ".join(alert_labels))
    return Figure(
        id=fig_id,
        kind="line",
        title=title,
        alt=alt,
        data=data,
        spec={
            "x": t("Month"),
            "series": [t("Incidents"), t("12-month average")],
            "y_label": t("Incidents per month"),
            "alerts": alert_labels,
        },
    )


def gistar_map(
    fig_id: str,
    title: str,
    points: pd.DataFrame,
    boundary: BaseGeometry,
    t: Translator,
) -> tuple[Figure | None, HotspotResult | None]:
    """A Gi* hotspot map (250 m cells, FDR-adjusted), or None with too few points."""
    located = points.dropna(subset=["x", "y"])
    if len(located) < MIN_MAP_POINTS:
        return None, None
    result = hotspot_gistar(
        located[["x", "y"]], cell_size=MAP_CELL_SIZE, boundary=boundary, quiet=True
    )
    geo = result.to_geodataframe(clip=True)
    hot = result.cells[result.cells["class"] == "hot"].sort_values("z_score", ascending=False)
    hot = hot.head(10)
    label = {"hot": t("Hot spot"), "cold": t("Cold spot"), "not significant": t("Not significant")}
    data = pd.DataFrame(
        {
            t("Busiest location in the cell"): _busiest_places(located, result, hot),
            t("Incidents"): hot["count"].round().astype(np.int64).to_numpy(),
            t("Gi* z-score"): hot["z_score"].round(2).to_numpy(),
        }
    )
    alt = t(
        "Map of {cells} grid cells of 250 m: {hot} are hot spots, where incidents cluster "
        "more than chance allows (Getis-Ord Gi*, false discovery rate 5%). "
        "The table lists the ten strongest.",
        cells=t.format_int(len(result.cells)),
        hot=t.format_int(len(hot)),
    )
    geo = geo.assign(label=geo["class"].map(label))
    return (
        Figure(
            id=fig_id,
            kind="map",
            title=title,
            alt=alt,
            data=data,
            spec={"style": "gistar", "cell_size": MAP_CELL_SIZE},
            geo=geo,
            boundary=boundary,
            source=f"{t(OGL)} {t(OS)}",
        ),
        result,
    )


def density_map(
    fig_id: str, title: str, points: pd.DataFrame, boundary: BaseGeometry, t: Translator
) -> Figure | None:
    """A quartic kernel density map on 250 m cells (incidents per square kilometre)."""
    located = points.dropna(subset=["x", "y"])
    if len(located) < MIN_MAP_POINTS:
        return None
    result = hotspot_kde(
        located[["x", "y"]], cell_size=MAP_CELL_SIZE, boundary=boundary, quiet=True
    )
    geo = result.to_geodataframe(clip=True)
    # incidents per square kilometre; the faint edges of kernels (under 1% of the peak)
    # are left blank so that the colour classes describe where incidents are
    peak = float(geo["kde"].max()) if len(geo) else 0.0
    geo = geo.assign(value=geo["kde"].where(geo["kde"] >= 0.01 * peak, 0.0))
    top = geo.sort_values("value", ascending=False).head(10)
    bandwidth = float(result.settings.get("bandwidth", 0.0))
    data = pd.DataFrame(
        {
            t("Busiest location in the cell"): _busiest_places(located, result, top),
            t("Incidents in the cell"): top["count"].round().astype(np.int64).to_numpy(),
            t("Density (incidents per km²)"): top["value"].round(1).to_numpy(),
        }
    )
    alt = t(
        "Map of the density of incidents (quartic kernel, radius {radius} m) on 250 m cells; "
        "darker cells have more incidents nearby. The table lists the ten densest cells.",
        radius=t.format_int(bandwidth),
    )
    return Figure(
        id=fig_id,
        kind="map",
        title=title,
        alt=alt,
        data=data,
        spec={"style": "density", "cell_size": MAP_CELL_SIZE,
              "legend_title": t("Incidents per km²")},
        geo=geo,
        boundary=boundary,
        source=f"{t(OGL)} {t(OS)}",
    )  # fmt: skip


def _busiest_places(points: pd.DataFrame, result: HotspotResult, cells: pd.DataFrame) -> list[str]:
    """The most common published location (and its LSOA) among each cell's incidents."""
    if "location" not in points:
        return ["" for _ in range(len(cells))]
    row, col, ok = result.grid.locate(points[["x", "y"]].to_numpy())
    frame = pd.DataFrame(
        {
            "row": row[ok],
            "col": col[ok],
            "place": (
                points["location"].fillna("") + " (" + points["lsoa_code"].fillna("") + ")"
            ).to_numpy()[ok],
        }
    )
    mode = frame.groupby(["row", "col"])["place"].agg(lambda s: s.value_counts().index[0])
    return [
        str(mode.get((int(r), int(c)), "")) for r, c in zip(cells["row"], cells["col"], strict=True)
    ]


def repeat_table(table_id: str, title: str, frame: pd.DataFrame, t: Translator) -> Table:
    """Top repeat locations as a document table."""
    return Table(
        id=table_id,
        title=title,
        frame=pd.DataFrame(
            {
                t("Rank"): frame["rank"].to_numpy(),
                t("Location (as published)"): frame["location"].to_numpy(),
                t("LSOA"): frame["lsoa_code"].to_numpy(),
                t("Incidents"): frame["incidents"].to_numpy(),
                t("Months with an incident"): frame["months"].to_numpy(),
            }
        ),
        note=t("police.uk places each crime at the nearest of a set of anonymous map points."),
    )
