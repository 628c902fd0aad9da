"""WGS84 longitude/latitude to British National Grid."""

from __future__ import annotations

import numpy as np
import pytest

from diogel.errors import InputError
from diogel.geography import to_bng


def dms(d: float, m: float, s: float) -> float:
    return d + m / 60 + s / 3600


def test_ordnance_survey_worked_example() -> None:
    # Caister Water Tower, from Ordnance Survey's "A guide to coordinate systems in Great
    # Britain": ETRS89 52°39'28.8282"N 1°42'57.8663"E is National Grid E 651409.903,
    # N 313177.270 (via OSTN). The pinned Helmert transformation is good to a few metres.
    x, y = to_bng([dms(1, 42, 57.8663)], [dms(52, 39, 28.8282)])
    assert x[0] == pytest.approx(651409.903, abs=5)
    assert y[0] == pytest.approx(313177.270, abs=5)


def test_missing_values_become_nan() -> None:
    x, y = to_bng([np.nan, -3.0, np.inf, None], [51.5, np.nan, 51.5, 51.5])
    assert np.isnan(x).all() and np.isnan(y).all()
    assert x.dtype == np.float64


def test_scalar_and_empty() -> None:
    x, _ = to_bng(-3.0, 51.5)
    assert x.shape == ()
    x, y = to_bng([], [])
    assert x.shape == y.shape == (0,)


def test_shape_mismatch() -> None:
    with pytest.raises(InputError):
        to_bng([-3.0, -3.1], [51.5])
