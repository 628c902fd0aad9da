"""Place police.uk rows: British National Grid coordinates, LSOA 2021 and council codes."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from diogel.geography import Geography, to_bng

#: Harmonisation outcomes that depend on the code alone, not on the row's point.
_BY_CODE_ALONE = ["2021", "unchanged", "merged"]


class _Coded:
    """Per-row text held as a few values and, per row, the position of the row's value.

    LSOA codes, how they were harmonised and councils repeat heavily, so each distinct
    value is worked out once and rows only carry an index.
    """

    def __init__(self, values: np.ndarray, index: np.ndarray) -> None:
        self.values = np.asarray(values, dtype=object)
        self.index = index

    @classmethod
    def per_row(cls, values: np.ndarray) -> _Coded:
        return cls(values, np.arange(len(values), dtype=np.int64))

    def set_rows(
        self, rows: np.ndarray, values: np.ndarray, which: np.ndarray | None = None
    ) -> None:
        """Give the rows at positions ``rows`` new values: ``values[which]`` (by default
        one value each, in order)."""
        start = len(self.values)
        self.values = np.concatenate([self.values, np.asarray(values, dtype=object)])
        self.index = self.index.copy()
        self.index[rows] = start + (np.arange(len(rows)) if which is None else which)

    def present(self) -> np.ndarray:
        """True for rows whose value is a non-empty string."""
        return _present(self.values)[self.index]

    def to_arrow(self) -> pa.Array:
        """A dictionary array: rows point at their value, and a missing value is null."""
        missing = np.fromiter((v is None for v in self.values), dtype=bool, count=len(self.values))
        values = np.where(missing, "", self.values)
        return pa.DictionaryArray.from_arrays(
            pa.array(self.index.astype(np.int32), mask=missing[self.index]),
            pa.array(values, pa.string()),
        )


class Locator:
    """Places the rows of one load; safe to share between the threads preparing it.

    How a published LSOA code harmonises, when the answer does not depend on the row's
    point, is worked out once per load and remembered: the same few thousand codes recur
    in every file.

    Parameters
    ----------
    geography : Geography, optional
        Boundaries and lookups; the bundled Welsh geography by default (read when first
        needed, so that it can be read on a helper thread while files are parsed).
    """

    def __init__(self, geography: Geography | None = None) -> None:
        self._geography = geography
        self._lock = threading.Lock()
        self._ready = False
        # Answers that depend on a code alone, or on a code and a point, by their inputs:
        # the geography's look-ups are exact functions of these, and far slower per call
        # than a dictionary.
        self._by_code: dict[str, tuple[object, object]] = {}
        self._by_point: dict[tuple[str, float | None, float | None], tuple[object, object]] = {}
        self._council: dict[object, object] = {}

    @property
    def geography(self) -> Geography:
        """The geography, with its lookups built (the first call builds them)."""
        with self._lock:
            if self._geography is None:
                self._geography = Geography.bundled()
            if not self._ready:
                self._learn_lookup(self._geography)
                self._ready = True
            return self._geography

    def _learn_lookup(self, geography: Geography) -> None:
        """Harmonise every code of the geography's own lookup in one call.

        The geography's first answer builds its look-ups; each later call has a fixed
        cost, so learning the codes files will mostly hold up front saves one per group.
        """
        lookup = geography.lsoa_lookup
        codes = list(dict.fromkeys([*lookup["lsoa11_code"], *lookup["lsoa21_code"]]))
        nan = np.full(len(codes), np.nan)
        lsoa, method = geography.harmonise_lsoa(np.asarray(codes, dtype=object), nan, nan)
        self._by_code.update(
            zip(codes, zip(lsoa.tolist(), method.tolist(), strict=True), strict=True)
        )

    def locate(self, rows: pa.Table, *, with_lsoa: bool = True) -> pa.Table:
        """Add ``x``, ``y`` (EPSG:27700 metres), ``lsoa_code``, ``lsoa_method`` and
        ``council_code``.

        LSOA codes published under the 2011 boundaries are harmonised to 2021 with the ONS
        lookup (split areas resolved by the point); rows with no LSOA code are placed by
        their point. The council comes from the LSOA, or from the point when there is no
        LSOA.
        """
        geography = self.geography
        lon = np.asarray(rows.column("lon").to_numpy(zero_copy_only=False), dtype=float)
        lat = np.asarray(rows.column("lat").to_numpy(zero_copy_only=False), dtype=float)
        x, y = _project_distinct(lon, lat)
        if with_lsoa and "lsoa_code_published" in rows.column_names:
            lsoa, method = self._harmonise(rows.column("lsoa_code_published"), x, y)
        else:
            lsoa = _Coded.per_row(np.asarray(geography.lsoa_at(x, y), dtype=object))
            method = _Coded.per_row(np.where(lsoa.present(), "point", "none").astype(object))
        council = _Coded(self._councils(lsoa.values), lsoa.index)
        missing = np.flatnonzero(~council.present() & ~np.isnan(x))
        if len(missing):
            council.set_rows(missing, geography.council_at(x[missing], y[missing]))
        return (
            rows.append_column("x", pa.array(x, pa.float64(), from_pandas=True))
            .append_column("y", pa.array(y, pa.float64(), from_pandas=True))
            .append_column("lsoa_code", lsoa.to_arrow())
            .append_column("lsoa_method", method.to_arrow())
            .append_column("council_code", council.to_arrow())
        )

    def _harmonise(
        self, published: pa.ChunkedArray, x: np.ndarray, y: np.ndarray
    ) -> tuple[_Coded, _Coded]:
        """Harmonise by distinct code, and the rows whose answer needs a point by distinct
        code and point, asking the geography at most once."""
        if not pa.types.is_dictionary(published.type):
            published = pc.dictionary_encode(published)
        encoded = published.combine_chunks()
        uniques = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
        index = np.asarray(encoded.indices.to_numpy(zero_copy_only=False)).astype(np.int64)
        by_code = self._by_code
        new = [u for u in dict.fromkeys(uniques.tolist()) if u not in by_code]
        # Rows whose code needs a point, or is new and so might.
        maybe = [u not in by_code or by_code[u][1] not in _BY_CODE_ALONE for u in uniques]
        rows = np.flatnonzero(np.asarray(maybe, dtype=bool)[index])
        codes = uniques[index[rows]].tolist()
        keys = list(zip(codes, _floats(x[rows]), _floats(y[rows]), strict=True))
        self._learn(new, [k for k in dict.fromkeys(keys) if k not in self._by_point])
        known = [by_code[u] for u in uniques]
        lsoa = _Coded(np.asarray([k[0] for k in known], dtype=object), index)
        method = _Coded(np.asarray([k[1] for k in known], dtype=object), index)
        by_point = ~np.isin(method.values.astype(str), _BY_CODE_ALONE)[index[rows]]
        if by_point.any():
            rows = rows[by_point]
            keys = [k for k, b in zip(keys, by_point.tolist(), strict=True) if b]
            distinct = {k: i for i, k in enumerate(dict.fromkeys(keys))}
            answers = [self._by_point[k] for k in distinct]
            which = np.fromiter((distinct[k] for k in keys), dtype=np.int64, count=len(keys))
            lsoa.set_rows(rows, np.asarray([a[0] for a in answers], dtype=object), which)
            method.set_rows(rows, np.asarray([a[1] for a in answers], dtype=object), which)
        return lsoa, method

    def _learn(
        self, codes: list[str], points: list[tuple[str, float | None, float | None]]
    ) -> None:
        """Harmonise new codes (without a point) and new code-and-point pairs in one call.

        A pair is remembered only when its code's answer depends on the point.
        """
        if not codes and not points:
            return
        asked = np.asarray(codes + [k[0] for k in points], dtype=object)
        x = np.asarray([np.nan] * len(codes) + [_nan(k[1]) for k in points], dtype=float)
        y = np.asarray([np.nan] * len(codes) + [_nan(k[2]) for k in points], dtype=float)
        lsoa, method = self.geography.harmonise_lsoa(asked, x, y)
        answers = list(zip(lsoa.tolist(), method.tolist(), strict=True))
        self._by_code.update(zip(codes, answers[: len(codes)], strict=True))
        for key, answer in zip(points, answers[len(codes) :], strict=True):
            if self._by_code[key[0]][1] not in _BY_CODE_ALONE:
                self._by_point[key] = answer

    def _councils(self, lsoa_codes: np.ndarray) -> np.ndarray:
        """The council of each LSOA 2021 code (None for None or an unknown code)."""
        new = [c for c in dict.fromkeys(lsoa_codes.tolist()) if c not in self._council]
        if new:
            found = self.geography.council_of_lsoa(np.asarray(new, dtype=object))
            self._council.update(zip(new, found, strict=True))
        return np.asarray([self._council[c] for c in lsoa_codes.tolist()], dtype=object)


def locate(rows: pa.Table, geography: Geography, *, with_lsoa: bool = True) -> pa.Table:
    """Place the rows of one table (see :meth:`Locator.locate`)."""
    return Locator(geography).locate(rows, with_lsoa=with_lsoa)


def _floats(values: np.ndarray) -> list[float | None]:
    """Floats as Python values, NaN as None (so that equal points make equal keys)."""
    return [None if v != v else v for v in values.tolist()]


def _nan(value: float | None) -> float:
    return np.nan if value is None else value


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
