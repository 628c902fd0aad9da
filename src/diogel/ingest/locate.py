"""Place police.uk rows: British National Grid coordinates, LSOA 2021 and council codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from diogel.geography import Geography, to_bng

#: Harmonisation outcomes that depend on the code alone, not on the row's point.
_BY_CODE_ALONE = frozenset({"2021", "unchanged", "merged"})


def locate(rows: pa.Table, geography: Geography, *, with_lsoa: bool = True) -> pa.Table:
    """Add ``x``, ``y`` (EPSG:27700 metres), ``lsoa_code``, ``lsoa_method`` and ``council_code``.

    LSOA codes published under the 2011 boundaries are harmonised to 2021 with the ONS
    lookup (split areas resolved by the point); rows with no LSOA code are placed by their
    point. The council comes from the LSOA, or from the point when there is no LSOA.
    """
    lon = np.asarray(rows.column("lon").to_numpy(zero_copy_only=False), dtype=float)
    lat = np.asarray(rows.column("lat").to_numpy(zero_copy_only=False), dtype=float)
    x, y = _project_distinct(lon, lat)
    if with_lsoa and "lsoa_code_published" in rows.column_names:
        lsoa, method = _harmonise(rows.column("lsoa_code_published"), x, y, geography)
    else:
        lsoa = np.asarray(geography.lsoa_at(x, y), dtype=object)
        method = np.where(_present(lsoa), "point", "none").astype(object)
    council = _council(lsoa, geography)
    missing = ~_present(council) & ~np.isnan(x)
    if missing.any():
        council[missing] = geography.council_at(x[missing], y[missing])
    return (
        rows.append_column("x", pa.array(x, pa.float64(), from_pandas=True))
        .append_column("y", pa.array(y, pa.float64(), from_pandas=True))
        .append_column("lsoa_code", pa.array(lsoa, pa.string(), from_pandas=True))
        .append_column("lsoa_method", pa.array(method, pa.string(), from_pandas=True))
        .append_column("council_code", pa.array(council, pa.string(), from_pandas=True))
    )


def _harmonise(
    published: pa.ChunkedArray, x: np.ndarray, y: np.ndarray, geography: Geography
) -> tuple[np.ndarray, np.ndarray]:
    """Harmonise each distinct code once; only rows whose answer needs a point go one by one."""
    encoded = pc.dictionary_encode(published).combine_chunks()
    uniques = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    index = np.asarray(encoded.indices.to_numpy(zero_copy_only=False))
    nan = np.full(len(uniques), np.nan)
    u_code, u_method = geography.harmonise_lsoa(uniques, nan, nan)
    lsoa = np.asarray(u_code, dtype=object)[index]
    method = np.asarray(u_method, dtype=object)[index]
    needs_point = ~np.isin(method, list(_BY_CODE_ALONE))
    if needs_point.any():
        rows = np.flatnonzero(needs_point)
        codes = uniques[index[rows]]
        r_code, r_method = geography.harmonise_lsoa(codes, x[rows], y[rows])
        lsoa[rows] = r_code
        method[rows] = r_method
    return lsoa, method


def _council(lsoa: np.ndarray, geography: Geography) -> np.ndarray:
    present = _present(lsoa)
    council = np.full(len(lsoa), None, dtype=object)
    if present.any():
        codes, uniques = pd.factorize(lsoa[present])
        council[present] = np.asarray(
            geography.council_of_lsoa(np.asarray(uniques, dtype=object)), dtype=object
        )[codes]
    return council


def _project_distinct(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """British National Grid coordinates, projecting each distinct point once.

    police.uk snaps crimes to a limited set of anonymised map points, so there are far
    fewer distinct points than rows.
    """
    # police.uk gives six decimal places: integer micro-degrees identify a point exactly.
    finite = np.isfinite(lon) & np.isfinite(lat)
    key = np.where(finite, np.round(lon * 1e6) * 1e9 + np.round(lat * 1e6), np.nan)
    codes, uniques = pd.factorize(key, use_na_sentinel=True)
    first = np.zeros(len(uniques), dtype=np.int64)
    seen = codes >= 0
    first[codes[seen][::-1]] = np.flatnonzero(seen)[::-1]
    ux, uy = to_bng(lon[first], lat[first])
    x = np.full(len(lon), np.nan)
    y = np.full(len(lon), np.nan)
    x[seen] = np.asarray(ux)[codes[seen]]
    y[seen] = np.asarray(uy)[codes[seen]]
    return x, y


def _present(values: np.ndarray) -> np.ndarray:
    """True where an object array holds a non-empty string."""
    arr = pa.array(values, pa.string(), from_pandas=True)
    return np.asarray(
        pc.fill_null(pc.not_equal(arr, ""), False).to_numpy(zero_copy_only=False), dtype=bool
    )
