"""Turn published LSOA codes (2011 or 2021, or none) into LSOA 2021 codes, saying how.

data.police.uk switched its ``LSOA code`` column from 2011 to 2021 codes in late 2022
(some months mix both), and partner data may carry either. Rules, per row:

``"2021"``
    The code is a Welsh LSOA 2021 code. A code whose 2011 area was unchanged in 2021
    (ONS change flag ``U``) is the same code for the same area, so it lands here too.
``"unchanged"``
    An English LSOA code (``E01…``) that is not in the ONS lookup: passed through as
    published. (English codes in the lookup follow the same rules as Welsh ones; with no
    English polygons bundled, a split English code takes its most populous child.)
``"merged"``
    A 2011 code whose area became part of exactly one 2021 LSOA (flag ``M``, or ``X``
    with a single 2021 successor): replaced by that 2021 code.
``"split-point"``
    A 2011 code that was split (flag ``S``, or ``X`` with several successors) and whose
    point lies in one of its 2021 children: that child.
``"split-largest"``
    A split 2011 code without a usable point (missing, or outside every child): the
    child with the largest mid-2022 population. Flagged because it is a guess.
``"point"``
    No usable code (missing, empty or an unknown Welsh code): the LSOA 2021 containing
    the point.
``"none"``
    Neither a usable code nor a point inside Wales: code None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from diogel.errors import InputError

ObjectArray = npt.NDArray[np.object_]

#: Every value ``harmonise`` can put in its ``method`` array.
METHODS: Final = (
    "2021",
    "unchanged",
    "merged",
    "split-point",
    "split-largest",
    "point",
    "none",
)

#: Prefix of English LSOA codes (2011 and 2021), passed through untouched.
ENGLISH_PREFIX: Final = "E01"


class LsoaHarmoniser:
    """Apply the rules above using the ONS LSOA 2011 -> 2021 lookup.

    Parameters
    ----------
    lookup : pandas.DataFrame
        Columns ``lsoa11_code``, ``lsoa21_code``, ``change``.
    population : pandas.Series
        Population indexed by LSOA 2021 code; picks the child for ``"split-largest"``.
    locate : callable
        ``locate(x, y)`` returning the LSOA 2021 code (or None) of each point.

    Examples
    --------
    >>> lookup = pd.DataFrame({"lsoa11_code": ["A11", "B11", "B11", "C11", "D11"],
    ...                        "lsoa21_code": ["A11", "B21", "B22", "CD21", "CD21"],
    ...                        "change": ["U", "S", "S", "M", "M"]})
    >>> pop = pd.Series({"A11": 1500, "B21": 700, "B22": 900, "CD21": 2000})
    >>> h = LsoaHarmoniser(lookup, pop, lambda x, y: np.where(x > 0, "B21", None))
    >>> codes, how = h.harmonise(np.array(["A11", "B11", "B11", "C11", None], dtype=object),
    ...                          np.array([0.0, 1.0, np.nan, 0.0, 0.0]), np.zeros(5))
    >>> codes.tolist()
    ['A11', 'B21', 'B22', 'CD21', None]
    >>> how.tolist()
    ['2021', 'split-point', 'split-largest', 'merged', 'none']
    """

    def __init__(
        self,
        lookup: pd.DataFrame,
        population: pd.Series,
        locate: Callable[[np.ndarray, np.ndarray], np.ndarray],
    ) -> None:
        self._locate = locate
        codes21_index = pd.Index(pd.unique(lookup["lsoa21_code"].astype(object)), dtype=object)
        # Children of each 2011 code, built in plain Python: a pandas groupby into lists
        # of ~35,000 groups takes seconds, this a few milliseconds.
        children: dict[str, list[str]] = {}
        for old, new in zip(
            lookup["lsoa11_code"].astype(object).to_numpy(),
            lookup["lsoa21_code"].astype(object).to_numpy(),
            strict=True,
        ):
            children.setdefault(str(old), []).append(str(new))
        codes21 = set(codes21_index)
        self._members21 = _Members(codes21)
        # 2011 codes that survive as 2021 codes are handled as "2021" before any mapping.
        gone = {old: kids for old, kids in children.items() if old not in codes21}
        self._merged: dict[str, str] = {
            old: kids[0] for old, kids in gone.items() if len(kids) == 1
        }
        split = {old: kids for old, kids in gone.items() if len(kids) > 1}
        self._split_parents = _Members(set(split))
        self._parent_of_child: dict[str, str] = {
            child: parent for parent, kids in split.items() for child in kids
        }
        pop = population.reindex(codes21_index).fillna(0)
        # Largest child by population; ties go to the smallest code, so it is repeatable.
        self._largest: dict[str, str] = {
            parent: sorted(kids, key=lambda c: (-float(pop.get(c, 0)), c))[0]
            for parent, kids in split.items()
        }

    def harmonise(
        self, codes: npt.ArrayLike, x: npt.ArrayLike, y: npt.ArrayLike
    ) -> tuple[ObjectArray, ObjectArray]:
        """Return ``(lsoa21_codes, method)``, two object arrays aligned with ``codes``.

        Raises
        ------
        InputError
            If ``codes``, ``x`` and ``y`` differ in length.
        """
        # The "str" dtype turns None and NaN into one missing value and keeps string
        # predicates boolean (missing -> False).
        clean = pd.Series(np.asarray(codes, dtype=object).ravel(), dtype="str")
        xa = np.asarray(x, dtype=np.float64).ravel()
        ya = np.asarray(y, dtype=np.float64).ravel()
        n = len(clean)
        if not n == len(xa) == len(ya):
            raise InputError(
                f"codes, x and y must have equal length, got {n}, {len(xa)}, {len(ya)}",
                hint="pass NaN coordinates for rows without a location",
            )
        clean = clean.str.strip().str.upper()

        out = np.full(n, None, dtype=object)
        method = np.full(n, "none", dtype=object)

        is21 = self._members21.isin(clean)
        out[is21] = clean[is21].to_numpy()
        method[is21] = "2021"

        english = clean.str.startswith(ENGLISH_PREFIX).to_numpy(dtype=bool) & ~is21
        out[english] = clean[english].to_numpy()
        method[english] = "unchanged"

        merged_to = clean.map(self._merged)
        is_merged = merged_to.notna().to_numpy() & ~is21
        out[is_merged] = merged_to[is_merged].to_numpy()
        method[is_merged] = "merged"

        is_split = self._split_parents.isin(clean) & ~is21
        needs_point = ~(is21 | english | is_merged)  # splits, missing and unknown codes
        rows = np.flatnonzero(needs_point)
        located = np.full(n, None, dtype=object)
        if len(rows):
            located[rows] = self._locate(xa[rows], ya[rows])

        split_rows = np.flatnonzero(is_split)
        if len(split_rows):
            parents = clean.to_numpy()[split_rows]
            here = pd.Series(located[split_rows], dtype=object).map(self._parent_of_child)
            by_point = (here.to_numpy() == parents) & here.notna().to_numpy()
            out[split_rows[by_point]] = located[split_rows[by_point]]
            method[split_rows[by_point]] = "split-point"
            guess = split_rows[~by_point]
            out[guess] = pd.Series(parents[~by_point], dtype=object).map(self._largest).to_numpy()
            method[guess] = "split-largest"

        by_coords = needs_point & ~is_split & pd.notna(located)
        out[by_coords] = located[by_coords]
        method[by_coords] = "point"
        return out, method


class _Members:
    """A set of codes to test strings against, quickly for few strings and for many.

    Arrow's ``is_in`` hashes its whole value set (35,000 codes for England and Wales) on
    every call, which costs more than the test itself when a load asks about a few
    hundred new codes at a time; a Python set answers those directly.
    """

    #: Up to this many strings are tested one by one against the Python set.
    FEW = 20_000

    def __init__(self, members: set[str]) -> None:
        self._set = frozenset(members)
        self._arrow = pa.array(sorted(members), pa.string())

    def isin(self, values: pd.Series) -> npt.NDArray[np.bool_]:
        """True where a value is a member (missing values are not)."""
        if len(values) <= self.FEW:
            members = self._set
            return np.fromiter(
                (v in members for v in values.tolist()), dtype=bool, count=len(values)
            )
        # pandas' own isin on Arrow strings is slow: ask Arrow.
        found = pc.is_in(pa.array(values, pa.string(), from_pandas=True), value_set=self._arrow)
        return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)
