"""Welsh geography for Diogel: councils, LSOAs 2021, police forces, and point look-up.

The bundled data (22 councils, 1,917 LSOAs 2021, the ONS LSOA 2011 -> 2021 lookup for
Wales, mid-2022 populations and WIMD 2019) is read once per process by
:meth:`Geography.bundled`. Everything spatial is British National Grid (EPSG:27700);
:func:`to_bng` converts data.police.uk longitude/latitude.

Examples
--------
>>> from diogel.geography import Geography, to_bng
>>> geo = Geography.bundled()
>>> geo.resolve_area("Newport").code
'W06000022'
>>> geo.lsoa_at(*to_bng([-2.9977], [51.5881]))
array(['W01001685'], dtype=object)
"""

from diogel.geography.areas import Area, normalise_name
from diogel.geography.core import Geography
from diogel.geography.harmonise import METHODS
from diogel.geography.projection import BNG_CRS, to_bng

__all__ = ["BNG_CRS", "METHODS", "Area", "Geography", "normalise_name", "to_bng"]
