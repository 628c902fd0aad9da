"""The library calls behind pages and API routes: read as the person asking (through the
sharing agreements), cached per data version and audience."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from diogel.errors import InputError
from diogel.geography import Area
from diogel.i18n import translator
from diogel.periods import Period
from diogel.web.context import Reader

#: Hotspot methods the web app offers (the slower time methods stay in the CLI).
WEB_METHODS = ("gistar", "kde")


def plain(value: Any) -> Any:
    """``value`` with NaN and infinities as None and NumPy scalars as Python ones, so that
    it is valid JSON.

    Examples
    --------
    >>> plain({"a": float("nan"), "b": [1.5, float("inf")]})
    {'a': None, 'b': [1.5, None]}
    """
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_json(value: Any) -> bytes:
    """Compact JSON bytes of a plain value."""
    return json.dumps(plain(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def for_web(frame: Any, *, tolerance: float) -> Any:
    """Polygons (EPSG:27700) simplified to ``tolerance`` metres and projected to WGS84 with
    coordinates to about a metre: a lighter download that looks the same on screen."""
    import shapely

    simple = frame.assign(geometry=frame.geometry.simplify(tolerance, preserve_topology=True))
    out = simple.to_crs(4326)
    return out.assign(geometry=shapely.set_precision(out.geometry.to_numpy(), 1e-5))


def area_and_period(state: Reader, area: str, start: str, end: str) -> tuple[Area, Period]:
    """Resolve an area name or code and a ``YYYY-MM`` period (cached: names never change
    without a load)."""
    from diogel.assess.areas import find_area

    period = Period.parse(start, end)
    found = state.cached(
        ("area", area.strip().casefold()),
        lambda: state.run(find_area, state.geography, area),
    )
    return found, period


def latest_period(state: Reader, months: int = 12) -> tuple[str, str] | None:
    """The last ``months`` months up to the latest with street data loaded (not before the
    first), as ``YYYY-MM`` strings."""

    def compute() -> tuple[str, str] | None:
        loaded = state.run(lambda s: s.months_loaded())
        if not loaded:
            return None
        first, last = pd.Period(loaded[0], "M"), pd.Period(loaded[-1], "M")
        return str(max(first, last - (months - 1))), str(last)

    result: tuple[str, str] | None = state.cached(("latest", months), compute)
    return result


def summary_json(state: Reader, area: Area, period: Period, lang: str) -> bytes:
    """``diogel summary --json`` for an area and period."""
    from diogel.assess.summary import summarise

    key = ("summary", area.code, area.kind, period, lang)
    return state.cached(key, lambda: to_json(state.run(summarise, area, period).as_dict(lang)))


def trends(state: Reader, area: Area, period: Period, category: str | None) -> Any:
    """The trend report (monthly series, change and alerts)."""
    from diogel.assess.trends import build_trends

    key = ("trends", area.code, area.kind, period, category)
    return state.cached(
        key,
        lambda: state.run(build_trends, area, period, geography=state.geography, category=category),
    )


def trends_json(
    state: Reader, area: Area, period: Period, category: str | None, lang: str
) -> bytes:
    """``diogel trends --json``."""
    key = ("trends-json", area.code, area.kind, period, category, lang)
    return state.cached(key, lambda: to_json(trends(state, area, period, category).as_dict(lang)))


def hotspots_json(
    state: Reader,
    area: Area,
    period: Period,
    *,
    method: str,
    category: str | None,
    cell_size: float | None,
    significant_only: bool,
) -> bytes:
    """Hot spots as GeoJSON (WGS84), optionally only the significant Gi* cells."""
    from diogel.assess.hotspots import area_hotspots

    if method not in WEB_METHODS:
        raise InputError(f"method '{method}' is not offered here", hint="use gistar or kde")
    if cell_size is not None and not 50 <= cell_size <= 5000:
        raise InputError(
            f"cell_size {cell_size} is out of range", hint="give 50 to 5000 metres, or leave it out"
        )

    def compute() -> bytes:
        found = state.run(
            area_hotspots, area, period, geography=state.geography, method=method,
            category=category, cell_size=cell_size, quiet=True,
        )  # fmt: skip
        collection = found.geojson()
        if significant_only and method == "gistar":
            collection["features"] = [
                f for f in collection["features"]
                if f["properties"].get("class") not in (None, "not significant")
            ]  # fmt: skip
        elif significant_only:  # density: drop empty cells
            collection["features"] = [
                f for f in collection["features"] if (f["properties"].get("kde") or 0) > 0
            ]
        return to_json(collection)

    key = ("hotspots", area.code, area.kind, period, method, category, cell_size, significant_only)
    return state.cached(key, compute)


def rates(state: Reader, area: Area, period: Period, category: str | None) -> Any:
    """Rates per 1,000 residents by LSOA and the funnel comparison of councils."""
    from diogel.assess.profile import area_rates

    key = ("rates", area.code, area.kind, period, category)
    return state.cached(
        key,
        lambda: state.run(area_rates, area, period, geography=state.geography, category=category),
    )


def lsoa_rates_json(
    state: Reader, area: Area, period: Period, category: str | None, lang: str
) -> bytes:
    """The area's LSOAs as GeoJSON (WGS84) with their counts and rates, for a choropleth."""

    def compute() -> bytes:
        table = rates(state, area, period, category).lsoas.set_index("code")
        shapes = state.geography.lsoa_shapes()
        shapes = for_web(shapes[shapes["code"].isin(table.index)], tolerance=5.0)
        name_col = "name_cy" if lang == "cy" else "name_en"
        frame = shapes[["code", name_col, "geometry"]].rename(columns={name_col: "name"})
        for col in ("count", "population", "rate", "wimd_decile"):
            frame[col] = table[col].reindex(frame["code"]).to_numpy()
        frame["rate"] = frame["rate"].round(2)
        return frame.to_json(na="null", drop_id=True).encode("utf-8")

    return state.cached(("lsoa-geojson", area.code, area.kind, period, category, lang), compute)


def councils_json(state: Reader, lang: str) -> bytes:
    """The 22 Welsh councils as GeoJSON (WGS84)."""

    def compute() -> bytes:
        shapes = for_web(state.geography.council_shapes(), tolerance=40.0)
        frame = shapes.assign(name=shapes["name_cy" if lang == "cy" else "name_en"])
        return frame[["code", "name", "geometry"]].to_json(drop_id=True).encode("utf-8")

    return state.cached(("councils-geojson", lang), compute)


def councils(lang: str, state: Reader) -> list[dict[str, str]]:
    """Council codes, names (in ``lang``, and both) and forces."""
    frame = state.geography.councils
    return [
        {"code": str(r["code"]), "name": str(r["name_cy" if lang == "cy" else "name_en"]),
         "name_en": str(r["name_en"]), "name_cy": str(r["name_cy"]), "force": str(r["force"])}
        for r in frame.to_dict("records")
    ]  # fmt: skip


def categories_in(state: Reader, area: Area, period: Period) -> list[str]:
    """Categories with incidents in the area and period, busiest first."""
    data = json.loads(summary_json(state, area, period, "en"))
    return list(data["by_category"])


def trend_chart_svg(state: Reader, area: Area, period: Period, lang: str) -> str:
    """The monthly trend chart as SVG text."""
    from diogel.assess.figures import trend_figure
    from diogel.reports.charts import chart_svg

    def compute() -> str:
        report = trends(state, area, period, None)
        t = translator(lang)
        alerts = [a["month"] for a in report.as_dict(lang)["alerts"]]
        figure = trend_figure("web-trend", t("Incidents per month"), report.series, t,
                              alerts=alerts)  # fmt: skip
        return str(chart_svg(figure, t))

    return state.cached(("trend-svg", area.code, area.kind, period, lang), compute)


def funnel_chart_svg(
    state: Reader, area: Area, period: Period, category: str | None, lang: str
) -> str:
    """The funnel plot of the councils compared with ``area`` as SVG text."""
    from diogel.assess.model import Figure
    from diogel.reports.charts import chart_svg

    def compute() -> str:
        t = translator(lang)
        table = funnel_table(state, area, period, category, lang)
        limits = [c for c in table.columns if c.startswith(("lower_", "upper_"))]
        overall = float(table["count"].sum() / table["population"].sum() * 1000)
        figure = Figure(
            id="web-funnel", kind="funnel", title=t("Crimes per 1,000 residents by council"),
            alt=t("Funnel plot of crimes per 1,000 residents against population; the table "
                  "beside it gives each council's figures."),
            data=table.rename(columns={"name": "label"}),
            spec={"limits": limits, "overall": overall, "highlight": area.name(lang),
                  "x_label": t("Residents"), "y_label": t("Crimes per 1,000 residents")},
        )  # fmt: skip
        return str(chart_svg(figure, t))

    return state.cached(("funnel-svg", area.code, area.kind, period, category, lang), compute)


def funnel_table(
    state: Reader, area: Area, period: Period, category: str | None, lang: str
) -> pd.DataFrame:
    """The councils compared with ``area``: count, population, rate, limits, position."""
    table = rates(state, area, period, category).councils.copy()
    names = {c["code"]: c["name"] for c in councils(lang, state)}
    table["name"] = table["code"].map(names).fillna(table["name"])
    return table
