"""Checks of what a grid is asked to cover: a boundary, a cell size, or points' extent."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from diogel.analysis.hotspots_inputs import as_points, describe_value
from diogel.errors import InputError

__all__ = ["check_boundary", "check_cell_size", "extent_of", "looks_like_uk_lonlat"]


def looks_like_uk_lonlat(bounds: Sequence[float]) -> bool:
    """True when an extent lies within the longitudes and latitudes of the UK."""
    xmin, ymin, xmax, ymax = bounds
    return xmin >= -9.0 and xmax <= 2.5 and ymin >= 49.0 and ymax <= 61.0


def check_boundary(boundary: Any) -> BaseGeometry | None:
    """A study-area polygon in metres (made valid if it is not), or None for none."""
    if boundary is None:
        return None
    if not isinstance(boundary, BaseGeometry) or boundary.geom_type not in (
        "Polygon",
        "MultiPolygon",
    ):
        kind = getattr(boundary, "geom_type", type(boundary).__name__)
        hint = "pass a shapely Polygon or MultiPolygon in British National Grid metres"
        if hasattr(boundary, "union_all"):
            hint = "for a GeoDataFrame pass gdf.to_crs(27700).union_all()"
        raise InputError(
            f"boundary must be a shapely Polygon or MultiPolygon; received {kind}", hint=hint
        )
    if boundary.is_empty or not boundary.area > 0:
        raise InputError("boundary is empty", hint="pass the study-area polygon")
    if looks_like_uk_lonlat(boundary.bounds):
        raise InputError(
            f"boundary looks like longitude/latitude (bounds {boundary.bounds})",
            hint="reproject it to British National Grid first, e.g. gdf.to_crs(27700)",
        )
    if not boundary.is_valid:
        boundary = shapely.make_valid(boundary)
    return boundary


def check_cell_size(cell_size: Any) -> float | None:
    """A positive cell size in metres, or None to choose one automatically."""
    if cell_size is None:
        return None
    if isinstance(cell_size, bool) or not isinstance(cell_size, int | float | np.number):
        raise InputError(
            f"cell_size must be a number of metres; received {describe_value(cell_size)}",
            hint="e.g. cell_size=200, or leave it out to choose one automatically",
        )
    value = float(cell_size)
    if not (math.isfinite(value) and value > 0):
        raise InputError(
            f"cell_size must be a positive number of metres; received {value!r}",
            hint="e.g. cell_size=200, or leave it out to choose one automatically",
        )
    return value


def extent_of(data: Any) -> tuple[tuple[float, float, float, float], np.ndarray | None]:
    """Extent of ``data`` and its points (None when ``data`` is an extent)."""
    if (
        isinstance(data, tuple | list)
        and len(data) == 4
        and all(isinstance(v, int | float | np.number) for v in data)
    ):
        xmin, ymin, xmax, ymax = (float(v) for v in data)
        if not all(math.isfinite(v) for v in (xmin, ymin, xmax, ymax)) or not (
            xmax > xmin and ymax > ymin
        ):
            raise InputError(
                f"extent must be (xmin, ymin, xmax, ymax) with xmax > xmin and ymax > ymin; "
                f"received {tuple(data)}",
                hint="give the extent in British National Grid metres",
            )
        return (xmin, ymin, xmax, ymax), None
    xy = as_points(data, name="points")
    finite = np.isfinite(xy).all(axis=1)
    if not finite.any():
        raise InputError(
            f"points has no rows with both coordinates (received {len(xy)} rows)",
            hint="pass points with x and y in metres, or an extent (xmin, ymin, xmax, ymax)",
        )
    good = xy[finite]
    lo = good.min(axis=0)
    hi = good.max(axis=0)
    if looks_like_uk_lonlat((lo[0], lo[1], hi[0], hi[1])):
        raise InputError(
            "points look like longitude/latitude (x between "
            f"{lo[0]:.3f} and {hi[0]:.3f}, y between {lo[1]:.3f} and {hi[1]:.3f})",
            hint="convert them to British National Grid metres (EPSG:27700) first, "
            "e.g. with pyproj.Transformer.from_crs(4326, 27700, always_xy=True)",
        )
    return (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])), good
