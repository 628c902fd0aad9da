"""Read user boundary files (GeoJSON, GeoPackage, Shapefile) into areas in British National Grid."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import shapely

from diogel.errors import InputError, NotFoundError
from diogel.schema import BNG_EPSG

_CODE_GUESSES = ("code", "id", "lsoa21cd", "lsoa11cd", "wd23cd", "wd22cd", "lad23cd", "lad22cd")
_NAME_GUESSES = ("name", "lsoa21nm", "lsoa11nm", "wd23nm", "wd22nm", "lad23nm", "lad22nm")


@dataclass(frozen=True)
class BoundaryRead:
    """Areas read from a boundary file, and the rows that could not be used."""

    areas: pd.DataFrame  # code, name, name_cy, geometry_wkb (EPSG:27700)
    rejects: pd.DataFrame  # line (feature number), reason, raw
    code_field: str
    name_field: str
    rows_in: int


def _pick(columns: list[str], given: str | None, guesses: tuple[str, ...], what: str) -> str:
    lower = {c.lower(): c for c in columns}
    if given:
        if given in columns:
            return given
        if given.lower() in lower:
            return lower[given.lower()]
        raise InputError(
            f"the boundary file has no attribute '{given}' for the {what}",
            hint=f"choose one of: {', '.join(columns)}",
        )
    for g in guesses:
        if g in lower:
            return lower[g]
    for c in columns:  # e.g. WD24CD / LAD24NM in newer ONS files
        if what == "code" and c.lower().endswith("cd"):
            return c
        if what == "name" and c.lower().endswith("nm"):
            return c
    raise InputError(
        f"cannot tell which attribute holds each area's {what}",
        hint=f"name it with --{what}-field; attributes are: {', '.join(columns)}",
    )


def read_boundaries(
    path: str | Path,
    *,
    code_field: str | None = None,
    name_field: str | None = None,
    name_cy_field: str | None = None,
) -> BoundaryRead:
    """Read polygons and their codes and names, reprojected to EPSG:27700.

    Features without a polygon, with an empty code, or with a repeated code are rejected
    with a reason; invalid polygons are repaired (``shapely.make_valid``).
    """
    import geopandas as gpd

    p = Path(path)
    if not p.exists():
        raise NotFoundError(f"'{p}' does not exist", hint="check the path to the boundary file")
    try:
        frame = gpd.read_file(p)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise InputError(
            f"'{p}' could not be read as GeoJSON, GeoPackage or Shapefile ({exc})",
            hint="check the file opens in QGIS; a Shapefile needs its .shx and .dbf beside it",
        ) from exc
    if frame.crs is None:
        raise InputError(
            f"'{p}' does not say which coordinate system it uses",
            hint="save it with a CRS (e.g. EPSG:27700 or EPSG:4326) in QGIS",
        )
    columns = [c for c in frame.columns if c != "geometry"]
    code_col = _pick(columns, code_field, _CODE_GUESSES, "code")
    name_col = _pick(columns, name_field, _NAME_GUESSES, "name")
    frame = frame.to_crs(BNG_EPSG)
    geoms = frame.geometry.to_numpy()
    codes = frame[code_col].astype("string").fillna("").str.strip().to_numpy(dtype=object)
    reasons: list[str | None] = []
    seen: set[str] = set()
    for code, geom in zip(codes, geoms, strict=True):
        if not code:
            reasons.append(f"empty {code_col}")
        elif geom is None or geom.is_empty:
            reasons.append("no geometry")
        elif geom.geom_type not in {"Polygon", "MultiPolygon"}:
            reasons.append(f"a {geom.geom_type}, not a polygon")
        elif code in seen:
            reasons.append(f"{code_col} '{code}' appears more than once")
        else:
            reasons.append(None)
            seen.add(code)
    ok = pd.Series([r is None for r in reasons]).to_numpy()
    fixed = shapely.make_valid(geoms[ok])
    areas = pd.DataFrame(
        {
            "code": codes[ok],
            "name": frame[name_col].astype("string").to_numpy(dtype=object)[ok],
            "name_cy": (
                frame[name_cy_field].astype("string").to_numpy(dtype=object)[ok]
                if name_cy_field
                else None
            ),
            "geometry_wkb": shapely.to_wkb(fixed),
        }
    )
    bad = [i for i, r in enumerate(reasons) if r is not None]
    rejects = pd.DataFrame(
        {
            "line": [i + 1 for i in bad],
            "reason": [reasons[i] for i in bad],
            "raw": [str(codes[i]) for i in bad],
        }
    )
    return BoundaryRead(areas, rejects, code_col, name_col, len(frame))
