"""Hotspots for an area and period: incidents from the store, the verbs from ``analysis``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from diogel.analysis.hotspots import HotspotResult, hotspot_gistar
from diogel.analysis.hotspots_kde import hotspot_kde
from diogel.analysis.hotspots_time import hotspot_change, hotspot_classify
from diogel.assess.areas import BUILT_IN, area_incidents, boundary_of
from diogel.errors import InputError
from diogel.geography import Area, Geography
from diogel.periods import Period
from diogel.storage import Store

METHODS = ("gistar", "kde", "change", "classify")
#: Cell properties written to GeoJSON and CSV for each method.
PROPERTIES = {
    "gistar": ("cell_id", "count", "z_score", "p_value", "p_value_adjusted", "p_value_holm", "class"),
    "kde": ("cell_id", "count", "kde"),
    "change": ("cell_id", "count_before", "count_after", "change", "expected_after", "p_value",
               "p_value_adjusted", "p_value_holm", "class"),
    "classify": ("cell_id", "count", "hot_slices", "cold_slices", "hot_last", "trend", "trend_p",
                 "class"),
}  # fmt: skip


@dataclass(frozen=True)
class AreaHotspots:
    """A hotspot result with the area, period and category it was made for."""

    area: Area
    period: Period
    category: str | None
    incidents: int
    without_location: int
    result: HotspotResult

    def geojson(self) -> dict[str, Any]:
        """The cells as a GeoJSON FeatureCollection (WGS84, as RFC 7946 requires)."""
        frame = self.result.to_geodataframe(clip=True).to_crs(4326)
        keep = [c for c in PROPERTIES[self.result.method] if c in frame.columns]
        frame = frame[[*keep, "geometry"]]
        if self.result.settings.get("weights") is None and "count" in frame:
            frame["count"] = frame["count"].round().astype("int64")
        collection: dict[str, Any] = json.loads(frame.to_json(na="null", drop_id=True))
        collection["metadata"] = self.metadata()
        return collection

    def table(self) -> pd.DataFrame:
        """One row per cell with its centroid (BNG metres) and statistics."""
        keep = [c for c in ("row", "col", "x", "y", *PROPERTIES[self.result.method])]
        return self.result.cells[[c for c in dict.fromkeys(keep) if c in self.result.cells]]

    def metadata(self) -> dict[str, Any]:
        return {
            "area": {"code": self.area.code, "name": self.area.name_en},
            "from": f"{self.period.start:%Y-%m}",
            "to": f"{self.period.end:%Y-%m}",
            "category": self.category,
            "method": self.result.method,
            "incidents": self.incidents,
            "incidents_without_location": self.without_location,
            "settings": {k: _plain(v) for k, v in self.result.settings.items()},
            "notes": list(self.result.notes),
            "attribution": "Contains public sector information licensed under the Open "
            "Government Licence v3.0.",
        }


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def area_boundary(store: Store, area: Area, geography: Geography) -> BaseGeometry:
    """The polygon of a council or LSOA, the union of a force's councils, or an area of a
    loaded boundary layer (EPSG:27700)."""
    if area.kind not in BUILT_IN:
        return boundary_of(store, area)
    if area.kind == "council":
        shapes = geography.council_shapes()
        return shapes.loc[shapes["code"] == area.code, "geometry"].iloc[0]
    if area.kind == "lsoa":
        shapes = geography.lsoa_shapes()
        return shapes.loc[shapes["code"] == area.code, "geometry"].iloc[0]
    shapes = geography.council_shapes()
    chosen = shapes[shapes["code"].isin(geography.councils_in_force(area.code))]
    return chosen.geometry.union_all()


def area_hotspots(
    store: Store,
    area: Area,
    period: Period,
    *,
    geography: Geography,
    method: str = "gistar",
    category: str | None = None,
    cell_size: float | None = None,
    bandwidth: float | None = None,
    comparison: Period | None = None,
    time_slice: str = "quarter",
    quiet: bool = False,
) -> AreaHotspots:
    """Hotspots of the area's located incidents in the period, on a grid clipped to it.

    ``method`` is ``"gistar"`` (Getis-Ord Gi*), ``"kde"`` (kernel density), ``"change"``
    (cell-by-cell change from ``comparison``, by default the same months a year earlier,
    with an exact test) or ``"classify"`` (emerging, persistent... hot spots from Gi* in
    each ``time_slice``, "month" or "quarter", with a Mann-Kendall trend).
    """
    if method not in METHODS:
        raise InputError(
            f"method '{method}' is not a hotspot method", hint=f"choose one of {', '.join(METHODS)}"
        )
    boundary = area_boundary(store, area, geography)
    located, total = _located(store, area, period, boundary, category)
    options = {"cell_size": cell_size, "boundary": boundary, "quiet": quiet}
    if method == "gistar":
        result = hotspot_gistar(located[["x", "y"]], bandwidth=bandwidth, **options)
    elif method == "kde":
        result = hotspot_kde(located[["x", "y"]], bandwidth=bandwidth, **options)
    elif method == "change":
        before_period = comparison or _year_earlier(period)
        before, _ = _located(store, area, before_period, boundary, category)
        result = hotspot_change(
            before[["x", "y"]], located[["x", "y"]], bandwidth=bandwidth,
            period_lengths=(before_period.months, period.months), **options,
        )  # fmt: skip
    else:
        if time_slice not in {"month", "quarter"}:
            raise InputError(
                f"time slice '{time_slice}' is not known", hint="choose month or quarter"
            )
        months = pd.PeriodIndex(pd.to_datetime(located["month"]), freq="M")
        slices = months.asfreq("Q").astype(str) if time_slice == "quarter" else months.astype(str)
        result = hotspot_classify(
            located.assign(slice=np.asarray(slices)), time_slice="slice", bandwidth=bandwidth,
            **options,
        )  # fmt: skip
    return AreaHotspots(area, period, category, total, int(total - len(located)), result)


def _located(
    store: Store, area: Area, period: Period, boundary: BaseGeometry, category: str | None
) -> tuple[pd.DataFrame, int]:
    """The period's incidents with a location, and how many there were in all."""
    frame = area_incidents(
        store, area, period.start, period.end, columns=("month", "category", "x", "y"),
        polygon=boundary,
    )  # fmt: skip
    if category is not None:
        frame = frame[frame["category"] == category]
    located = frame.dropna(subset=["x", "y"])
    if located.empty:
        raise InputError(
            f"no located incidents in {area.name_en} for {period.label}"
            + (f" in '{category}'" if category else ""),
            hint="check the period and category, and that data for it is loaded",
        )
    return located.reset_index(drop=True), len(frame)


def _year_earlier(period: Period) -> Period:
    start = (pd.Period(period.start, "M") - 12).to_timestamp().date()
    end = (pd.Period(period.end, "M") - 12).to_timestamp().date()
    return Period(start, end)
