"""The Welsh geography: councils, LSOAs 2021, police forces, and locating things in them.

What is bundled (rebuilt by ``scripts/build_geography.py``; sources and licences in
``diogel/data/NOTICE.md``):

* the 22 councils (``W06…``) with English and Welsh names and their police force;
* the 1,917 LSOAs 2021 (``W01…``) with English and Welsh names, council, ONS mid-2022
  population, and WIMD 2019 rank and decile;
* the ONS LSOA 2011 -> 2021 lookup rows for Wales (change flag U, S, M or X);
* polygons in British National Grid (EPSG:27700): the ONS generalised LSOA boundaries
  simplified together as one coverage (GEOS coverage simplification, Visvalingam-Whyatt
  tolerance 5 m, coordinates on a 0.1 m grid; measured boundary displacement at most
  12.4 m, under 3.4 m for 99% of LSOAs), and councils as the exact union of their LSOAs.

WIMD 2019 was published for LSOA 2011 codes. It is carried to 2021 codes so:

* change ``U`` (unchanged) and ``S`` (split): the 2021 LSOA takes its 2011 parent's
  published rank and decile;
* change ``M`` (merged) and ``X`` (irregular): the rank is the mean of the 2011 parents'
  ranks weighted by their ONS mid-2019 populations, and the decile is derived from that
  rank's position among all 1,917 carried ranks with WIMD's own convention (deciles of
  192 = ceil(1917 / 10) areas counted from the most deprived), so ``wimd_rank`` is a
  float (1 = most deprived) and is fractional only for the 22 merged LSOAs.
"""

from __future__ import annotations

from functools import cache, cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from diogel.geography.areas import Area, AreaIndex
from diogel.geography.bundle import Tables, read_bundle
from diogel.geography.harmonise import LsoaHarmoniser
from diogel.geography.locate import PolygonLocator
from diogel.geography.projection import BNG_CRS

ObjectArray = npt.NDArray[np.object_]

#: Other names people use for councils.
ALIASES = {"Anglesey": "W06000001", "Sir Ynys Mon": "W06000001", "RCT": "W06000016"}


@cache
def _bundled_tables() -> Tables:
    return read_bundle()


#: One bundled instance per class (and so per process), built on first use.
_BUNDLED: dict[type, Geography] = {}


class Geography:
    """Councils, LSOAs and police forces of Wales, with their polygons.

    Build it with :meth:`bundled`; the instance is shared within a process, so treat
    it as read-only (the frame properties hand out copy-on-write copies).

    Parameters
    ----------
    tables : Tables
        Attributes and polygons, as read by :func:`diogel.geography.bundle.read_bundle`.

    Examples
    --------
    >>> geo = Geography.bundled()
    >>> len(geo.councils), len(geo.lsoas)
    (22, 1917)
    >>> geo.resolve_area("Ynys Mon").name("cy")
    'Ynys Môn'
    >>> geo.councils_in_force("Gwent Police")
    ['W06000018', 'W06000019', 'W06000020', 'W06000021', 'W06000022']
    """

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    @classmethod
    def bundled(cls) -> Geography:
        """The geography shipped with Diogel, read once per process.

        Examples
        --------
        >>> Geography.bundled() is Geography.bundled()
        True
        """
        instance = _BUNDLED.get(cls)
        if instance is None:
            instance = _BUNDLED.setdefault(cls, cls(_bundled_tables()))
        return instance

    # -- tables ---------------------------------------------------------------------

    @property
    def councils(self) -> pd.DataFrame:
        """Columns ``code``, ``name_en``, ``name_cy``, ``force`` (police.uk slug)."""
        return self._t.councils.copy(deep=False)

    @property
    def lsoas(self) -> pd.DataFrame:
        """Columns ``code``, ``name_en``, ``name_cy``, ``council_code``, ``population``
        (ONS mid-2022), ``wimd_rank`` (float, 1 = most deprived), ``wimd_decile`` (1-10)."""
        return self._t.lsoas.copy(deep=False)

    @property
    def lsoa_lookup(self) -> pd.DataFrame:
        """ONS LSOA 2011 -> 2021 rows for Wales: ``lsoa11_code``, ``lsoa21_code``, ``change``.

        (The bundle holds England's rows too, used only to harmonise the codes of crimes
        recorded over the border.)
        """
        lookup = self._t.lsoa_lookup
        return lookup[lookup["lsoa21_code"].str.startswith("W")].reset_index(drop=True)

    @property
    def forces(self) -> pd.DataFrame:
        """Columns ``code`` (data.police.uk slug), ``name_en``, ``name_cy``."""
        return self._t.forces.copy(deep=False)

    @property
    def manifest(self) -> dict[str, Any]:
        """How the bundle was built: sources, checksums, simplification tolerance."""
        return dict(self._t.manifest)

    # -- shapes ---------------------------------------------------------------------

    def council_shapes(self) -> gpd.GeoDataFrame:
        """Council polygons (EPSG:27700): ``code``, ``name_en``, ``name_cy``, ``geometry``.

        Examples
        --------
        >>> shapes = Geography.bundled().council_shapes()
        >>> shapes.crs.to_epsg(), round(shapes.area.sum() / 1e6)
        (27700, 20782)
        """
        frame = self._t.councils[["code", "name_en", "name_cy"]].copy()
        return gpd.GeoDataFrame(frame, geometry=self._t.council_geometry.copy(), crs=BNG_CRS)

    def lsoa_shapes(self) -> gpd.GeoDataFrame:
        """LSOA 2021 polygons (EPSG:27700) with every column of :attr:`lsoas`.

        Examples
        --------
        >>> Geography.bundled().lsoa_shapes().geometry.is_valid.all()
        np.True_
        """
        frame = self._t.lsoas.copy()
        return gpd.GeoDataFrame(frame, geometry=self._t.lsoa_geometry.copy(), crs=BNG_CRS)

    # -- names ----------------------------------------------------------------------

    @cached_property
    def _index(self) -> AreaIndex:
        def areas(frame: pd.DataFrame, kind: str) -> list[Area]:
            return [
                Area(str(c), str(en), None if pd.isna(cy) else str(cy), kind)
                for c, en, cy in zip(frame["code"], frame["name_en"], frame["name_cy"], strict=True)
            ]

        t = self._t
        every = areas(t.councils, "council") + areas(t.forces, "force") + areas(t.lsoas, "lsoa")
        return AreaIndex(every, aliases=ALIASES)

    def resolve_area(self, text: str) -> Area:
        """Find a council, LSOA or police force by code or by English or Welsh name.

        Case, accents, punctuation and spacing are ignored, as are words such as
        "council", "county borough" or "police".

        Raises
        ------
        NotFoundError
            If nothing matches; the hint lists close matches.

        Examples
        --------
        >>> geo = Geography.bundled()
        >>> geo.resolve_area("casnewydd")
        Area(code='W06000022', name_en='Newport', name_cy='Casnewydd', kind='council')
        >>> geo.resolve_area("gwent").kind, geo.resolve_area("W01001685").name_en
        ('force', 'Newport 014B')
        >>> geo.resolve_area("Newprot")
        Traceback (most recent call last):
        ...
        diogel.errors.NotFoundError: no area called 'Newprot'. Hint: did you mean Newport (W06000022)?
        """
        return self._index.resolve(text)

    def councils_in_force(self, force: str) -> list[str]:
        """Council codes (sorted) in a police force named by slug or name.

        Raises
        ------
        NotFoundError
            If ``force`` is not one of the four Welsh forces.

        Examples
        --------
        >>> Geography.bundled().councils_in_force("dyfed-powys")
        ['W06000008', 'W06000009', 'W06000010', 'W06000023']
        """
        slug = self._index.resolve(force, kinds=("force",)).code
        councils = self._t.councils
        return sorted(councils.loc[councils["force"] == slug, "code"].astype(str))

    # -- points ---------------------------------------------------------------------

    @cached_property
    def _lsoa_locator(self) -> PolygonLocator:
        return PolygonLocator(self._t.lsoa_geometry, self._t.lsoas["code"].astype(object))

    @cached_property
    def _council_of(self) -> pd.Series:
        ew = self._t.england_wales
        return pd.Series(
            ew["council_code"].to_numpy(object), index=pd.Index(ew["lsoa21_code"], dtype=object)
        )

    def lsoa_at(self, x: npt.ArrayLike, y: npt.ArrayLike) -> ObjectArray:
        """LSOA 2021 code at each point (British National Grid metres).

        Returns an object array with None for points outside Wales or with missing
        coordinates. Repeated locations are looked up once, so a year of police.uk crimes
        (mostly repeats of a few thousand map points) takes a fraction of a second.

        Examples
        --------
        >>> from diogel.geography import to_bng
        >>> x, y = to_bng([-2.9977, -0.1276, np.nan], [51.5881, 51.5072, np.nan])
        >>> Geography.bundled().lsoa_at(x, y)
        array(['W01001685', None, None], dtype=object)
        """
        return self._lsoa_locator.locate(x, y)

    def council_at(self, x: npt.ArrayLike, y: npt.ArrayLike) -> ObjectArray:
        """Council code at each point; None outside Wales.

        Councils are the union of their LSOAs, so this is exactly
        ``council_of_lsoa(lsoa_at(x, y))`` and the two can never disagree.

        Examples
        --------
        >>> from diogel.geography import to_bng
        >>> Geography.bundled().council_at(*to_bng([-3.1791], [51.4816]))
        array(['W06000015'], dtype=object)
        """
        return self.council_of_lsoa(self.lsoa_at(x, y))

    def council_of_lsoa(self, lsoa21_codes: npt.ArrayLike) -> ObjectArray:
        """Council code of each LSOA 2021 code; None for unknown codes.

        English LSOAs get their upper-tier council (county or unitary authority), so
        crimes a Welsh force records over the border are still placed.

        Examples
        --------
        >>> Geography.bundled().council_of_lsoa(["W01001685", "E01000001", "X", None])
        array(['W06000022', 'E09000001', None, None], dtype=object)
        """
        codes = pd.Series(np.asarray(lsoa21_codes, dtype=object).ravel(), dtype=object)
        found = codes.map(self._council_of)
        return found.astype(object).where(found.notna(), None).to_numpy(dtype=object)

    @cached_property
    def _harmoniser(self) -> LsoaHarmoniser:
        ew = self._t.england_wales
        population = pd.Series(
            ew["population"].to_numpy(), index=pd.Index(ew["lsoa21_code"], dtype=object)
        )
        return LsoaHarmoniser(self._t.lsoa_lookup, population, self.lsoa_at)

    def harmonise_lsoa(
        self, codes: npt.ArrayLike, x: npt.ArrayLike, y: npt.ArrayLike
    ) -> tuple[ObjectArray, ObjectArray]:
        """Published LSOA codes (2011, 2021 or missing) to LSOA 2021 codes, saying how.

        Returns ``(lsoa21_codes, method)``: per row, method is ``"2021"``,
        ``"unchanged"`` (English code passed through), ``"merged"``, ``"split-point"``,
        ``"split-largest"`` (split code with no usable point: the most populous child,
        a guess worth flagging), ``"point"`` (located by coordinates) or ``"none"``.
        See :mod:`diogel.geography.harmonise` for the rules.

        Examples
        --------
        >>> geo = Geography.bundled()
        >>> codes, how = geo.harmonise_lsoa(
        ...     ["W01000003", "W01000001", "W01000998", "E01019105", "E01024027", None],
        ...     [np.nan] * 6, [np.nan] * 6)
        >>> codes.tolist()
        ['W01000003', 'W01002008', 'W01001981', 'E01034068', 'E01034986', None]
        >>> how.tolist()
        ['2021', 'merged', 'split-largest', 'merged', 'split-largest', 'none']
        """
        return self._harmoniser.harmonise(codes, x, y)
