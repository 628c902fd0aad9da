"""Longitude/latitude (WGS84) to British National Grid (EPSG:27700), vectorised and NaN-safe."""

from __future__ import annotations

from functools import cache
from typing import Final

import numpy as np
import numpy.typing as npt
from pyproj import Transformer

from diogel.errors import InputError

#: The coordinate reference system all Diogel geometry is held in.
BNG_CRS: Final = "EPSG:27700"

#: The transformation from WGS84 to British National Grid, pinned so that the bundled
#: boundaries (built with it by ``scripts/build_geography.py``) and every point located
#: against them use exactly the same arithmetic, whatever PROJ grids are installed. It is
#: EPSG:1314 "OSGB36 to WGS 84 (6)" (a seven-parameter Helmert shift, stated accuracy
#: 2 m) followed by the National Grid projection. PROJ would pick the more accurate
#: OSTN15 grid when it happens to be installed, which would shift points by up to a few
#: metres relative to boundaries built without it.
BNG_PIPELINE: Final = (
    "+proj=pipeline "
    "+step +proj=unitconvert +xy_in=deg +xy_out=rad "
    "+step +proj=push +v_3 "
    "+step +proj=cart +ellps=WGS84 "
    "+step +inv +proj=helmert +x=446.448 +y=-125.157 +z=542.06 "
    "+rx=0.15 +ry=0.247 +rz=0.842 +s=-20.489 +convention=position_vector "
    "+step +inv +proj=cart +ellps=airy "
    "+step +proj=pop +v_3 "
    "+step +proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 "
    "+ellps=airy"
)

FloatArray = npt.NDArray[np.float64]


@cache
def _transformer() -> Transformer:
    # Transformer objects are expensive to build; one per process is enough.
    return Transformer.from_pipeline(BNG_PIPELINE)


def to_bng(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert WGS84 longitude and latitude to British National Grid metres.

    Parameters
    ----------
    lon, lat : array_like
        Degrees, longitude first (the order data.police.uk publishes them in). Missing
        values (NaN, None) are allowed.

    Returns
    -------
    x, y : numpy.ndarray
        Eastings and northings in metres (float64), NaN wherever the input was missing or
        not finite.

    Notes
    -----
    Uses the pinned :data:`BNG_PIPELINE` (Helmert, about 2 m accuracy) so that results
    do not depend on which PROJ grids are installed.

    Examples
    --------
    >>> x, y = to_bng([-2.9977, float("nan")], [51.5881, 51.0])
    >>> round(float(x[0])), round(float(y[0]))
    (330976, 188166)
    >>> bool(np.isnan(x[1]))
    True
    """
    lon_arr = np.asarray(lon, dtype=np.float64)
    lat_arr = np.asarray(lat, dtype=np.float64)
    if lon_arr.shape != lat_arr.shape:
        raise InputError(
            f"lon has shape {lon_arr.shape} but lat has shape {lat_arr.shape}",
            hint="pass one longitude and one latitude per point",
        )
    x = np.full(lon_arr.shape, np.nan)
    y = np.full(lat_arr.shape, np.nan)
    ok = np.isfinite(lon_arr) & np.isfinite(lat_arr)
    if ok.any():
        tx, ty = _transformer().transform(lon_arr[ok], lat_arr[ok])
        x[ok] = tx
        y[ok] = ty
    # PROJ reports failures as inf; the contract is NaN for "no location".
    bad = ~(np.isfinite(x) & np.isfinite(y))
    x[bad] = np.nan
    y[bad] = np.nan
    return x, y
