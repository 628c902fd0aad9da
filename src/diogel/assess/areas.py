"""Areas as users name them: bundled councils, LSOAs and forces, or loaded boundary layers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from diogel.errors import InputError, NotFoundError
from diogel.geography import Area, Geography
from diogel.storage import AreaFilter, Store

#: Area kinds the store can select by a column; any other kind is a loaded layer.
BUILT_IN = frozenset({"council", "force", "lsoa"})


def find_area(store: Store, geography: Geography, text: str) -> Area:
    """Resolve a name or code: the bundled geography first, then loaded boundary layers."""
    try:
        return geography.resolve_area(text)
    except NotFoundError as missing:
        wanted = text.strip().casefold()
        layers = store.boundary_layers()
        for layer in layers["layer"] if len(layers) else []:
            frame = store.boundaries(str(layer))
            hit = frame[
                (frame["code"].str.casefold() == wanted)
                | (frame["name"].fillna("").str.casefold() == wanted)
                | (frame["name_cy"].fillna("").str.casefold() == wanted)
            ]
            if len(hit):
                row = hit.iloc[0]
                name_cy = row["name_cy"] if isinstance(row["name_cy"], str) else None
                name = row["name"] if isinstance(row["name"], str) else str(row["code"])
                return Area(str(row["code"]), name, name_cy, str(layer))
        raise missing


def boundary_of(store: Store, area: Area) -> BaseGeometry:
    """The polygon of an area from a loaded boundary layer (EPSG:27700)."""
    frame = store.boundaries(area.kind)
    row = frame[frame["code"] == area.code]
    if row.empty:
        raise NotFoundError(
            f"area '{area.code}' is not in boundary layer '{area.kind}'",
            hint="run 'diogel ingest boundaries' again for that layer",
        )
    return shapely.from_wkb(bytes(row["geometry_wkb"].iloc[0]))


def store_filter(area: Area, polygon: BaseGeometry | None = None) -> AreaFilter:
    """How the store pre-selects an area's incidents (a bounding box for loaded layers)."""
    if area.kind in BUILT_IN:
        return AreaFilter(area.kind, area.code)
    if polygon is None:
        raise InputError(f"no boundary for '{area.name_en}'", hint="load it with ingest boundaries")
    return AreaFilter("box", area.code, tuple(float(v) for v in polygon.bounds))


def area_incidents(
    store: Store,
    area: Area,
    start: dt.date,
    end: dt.date,
    *,
    columns: Sequence[str],
    polygon: BaseGeometry | None = None,
) -> pd.DataFrame:
    """Incidents of an area; for a loaded layer, those whose point lies in its polygon."""
    if area.kind in BUILT_IN:
        return store.incidents(store_filter(area), start, end, columns=columns)
    polygon = polygon if polygon is not None else boundary_of(store, area)
    wanted = list(dict.fromkeys([*columns, "x", "y"]))
    frame = store.incidents(store_filter(area, polygon), start, end, columns=wanted)
    inside = shapely.contains_xy(polygon, frame["x"].to_numpy(), frame["y"].to_numpy())
    return frame.loc[inside, list(columns)].reset_index(drop=True)


def area_counts(
    store: Store, area: Area, start: dt.date, end: dt.date, *, category: str | None = None
) -> pd.DataFrame:
    """Counts by month and category (columns ``month``, ``category``, ``count``)."""
    if area.kind in BUILT_IN:
        counts = store.count_incidents(store_filter(area), start, end)
    else:
        frame = area_incidents(store, area, start, end, columns=("month", "category"))
        counts = frame.groupby(["month", "category"]).size().rename("count").reset_index()
    if category is not None:
        counts = counts[counts["category"] == category].reset_index(drop=True)
    return counts
