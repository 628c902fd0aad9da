"""Read the Welsh geography files shipped inside the package (built by build_geography.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import shapely

from diogel.errors import NotFoundError

#: Folder, inside the ``diogel`` package, holding the bundled files.
BUNDLE_DIR: Final = ("data", "geography")

_REBUILD_HINT: Final = "reinstall diogel, or from a source checkout run scripts/build_geography.py"


@dataclass(frozen=True)
class Tables:
    """The bundled tables, attributes and geometry kept apart.

    Geometry arrays are aligned row-for-row with their frames; codes are sorted.
    """

    councils: pd.DataFrame
    council_geometry: np.ndarray
    lsoas: pd.DataFrame
    lsoa_geometry: np.ndarray
    lsoa_lookup: pd.DataFrame
    forces: pd.DataFrame
    #: Every LSOA 2021 of England and Wales: lsoa21_code, council_code, council_name,
    #: population (no polygons; used for crimes recorded over the border).
    england_wales: pd.DataFrame = field(default_factory=pd.DataFrame)
    manifest: dict[str, Any] = field(default_factory=dict)


def _path(name: str) -> Traversable:
    folder = resources.files("diogel")
    for part in BUNDLE_DIR:
        folder = folder / part
    path = folder / name
    if not path.is_file():
        raise NotFoundError(f"bundled geography file {name!r} is missing", hint=_REBUILD_HINT)
    return path


def _read(name: str) -> tuple[pd.DataFrame, np.ndarray | None]:
    with _path(name).open("rb") as handle:
        table = pq.read_table(handle)
    geometry = None
    if "geometry" in table.column_names:
        wkb = table.column("geometry").to_numpy(zero_copy_only=False)
        geometry = shapely.from_wkb(wkb)
        table = table.drop_columns(["geometry"])
    return table.to_pandas(), geometry


def read_bundle() -> Tables:
    """Read every bundled file; prefer :meth:`Geography.bundled`, which caches the result.

    Raises
    ------
    NotFoundError
        If a bundled file is missing from the installation.

    Examples
    --------
    >>> tables = read_bundle()
    >>> len(tables.councils), len(tables.lsoas), len(tables.lsoa_geometry)
    (22, 1917, 1917)
    """
    councils, council_geometry = _read("councils.parquet")
    lsoas, lsoa_geometry = _read("lsoas.parquet")
    lookup, _ = _read("lsoa_lookup.parquet")
    forces, _ = _read("forces.parquet")
    england_wales, _ = _read("england_wales.parquet")
    manifest = json.loads(_path("manifest.json").read_text(encoding="utf-8"))
    if council_geometry is None or lsoa_geometry is None:
        raise NotFoundError("bundled geography has no polygons", hint=_REBUILD_HINT)
    return Tables(
        councils=councils,
        council_geometry=council_geometry,
        lsoas=lsoas,
        lsoa_geometry=lsoa_geometry,
        lsoa_lookup=lookup,
        forces=forces,
        england_wales=england_wales,
        manifest=manifest,
    )
