"""Place police.uk rows: British National Grid coordinates, LSOA 2021 and council codes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from diogel.geography import Geography, to_bng


def locate(rows: pa.Table, geography: Geography, *, with_lsoa: bool = True) -> pa.Table:
    """Add ``x``, ``y`` (EPSG:27700 metres), ``lsoa_code``, ``lsoa_method`` and ``council_code``.

    LSOA codes published under the 2011 boundaries are harmonised to 2021 with the ONS
    lookup (split areas resolved by the point); rows with no LSOA code are placed by their
    point. The council comes from the LSOA, or from the point when there is no LSOA.
    """
    lon = np.asarray(rows.column("lon").to_numpy(zero_copy_only=False), dtype=float)
    lat = np.asarray(rows.column("lat").to_numpy(zero_copy_only=False), dtype=float)
    x, y = to_bng(lon, lat)
    if with_lsoa and "lsoa_code_published" in rows.column_names:
        published = np.asarray(rows.column("lsoa_code_published").to_pylist(), dtype=object)
        lsoa, method = geography.harmonise_lsoa(published, x, y)
    else:
        lsoa = geography.lsoa_at(x, y)
        method = np.where(pd_notna(lsoa), "point", "none").astype(object)
    council = np.asarray(geography.council_of_lsoa(lsoa), dtype=object)
    missing = ~pd_notna(council) & ~np.isnan(x)
    if missing.any():
        council[missing] = geography.council_at(x[missing], y[missing])
    return (
        rows.append_column("x", pa.array(x, pa.float64(), from_pandas=True))
        .append_column("y", pa.array(y, pa.float64(), from_pandas=True))
        .append_column("lsoa_code", pa.array(lsoa, pa.string(), from_pandas=True))
        .append_column("lsoa_method", pa.array(method, pa.string(), from_pandas=True))
        .append_column("council_code", pa.array(council, pa.string(), from_pandas=True))
    )


def pd_notna(values: np.ndarray) -> np.ndarray:
    """True where an object array holds a non-empty value."""
    return np.array([v is not None and v == v and v != "" for v in values], dtype=bool)
