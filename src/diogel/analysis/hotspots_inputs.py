"""Checking the arguments the hotspot verbs share: points, weights and settings."""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from diogel.errors import InputError

__all__ = [
    "as_points",
    "as_weights",
    "check_alpha",
    "check_bandwidth",
    "check_flag",
    "check_seed",
    "describe_value",
    "report",
]

logger = logging.getLogger("diogel.analysis")


def report(notes: list[str], message: str, *, quiet: bool) -> None:
    """Record an automatically chosen value in ``notes`` and log it unless ``quiet``.

    The message always goes into ``notes`` (which results carry), so a caller that ran
    quietly can still show what was chosen.
    """
    notes.append(message)
    if not quiet:
        logger.info(message)


def describe_value(value: Any) -> str:
    """A short repr of a received value for error messages."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_points(points: Any, *, name: str = "points") -> np.ndarray:
    """Return points as a float ``(n, 2)`` array of British National Grid x, y metres.

    Parameters
    ----------
    points : pandas.DataFrame or array-like
        A frame with ``x`` and ``y`` columns (eastings and northings in metres), or an
        ``(n, 2)`` array of the same.
    name : str
        The argument name used in error messages.

    Returns
    -------
    numpy.ndarray
        A new ``(n, 2)`` float64 array; rows with a missing coordinate are kept as NaN
        (callers drop them and say how many).

    Raises
    ------
    InputError
        If ``points`` has no ``x``/``y`` columns or is not two columns wide.

    Examples
    --------
    >>> as_points(pd.DataFrame({"x": [331000.0], "y": [187000.0]}))
    array([[331000., 187000.]])
    """
    if isinstance(points, pd.DataFrame):
        missing = [c for c in ("x", "y") if c not in points.columns]
        if missing:
            raise InputError(
                f"{name} has no column {' or '.join(repr(c) for c in missing)} "
                f"(columns received: {', '.join(map(str, points.columns[:8]))})",
                hint="give British National Grid eastings and northings as columns 'x' and 'y'",
            )
        try:
            xy = points[["x", "y"]].to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"{name} columns 'x' and 'y' must be numbers; could not convert them ({exc})",
                hint="convert them with pandas.to_numeric first",
            ) from None
        return np.array(xy, dtype=float)
    if isinstance(points, (BaseGeometry, str)):
        raise InputError(
            f"{name} must be a DataFrame with 'x' and 'y' columns or an (n, 2) array, "
            f"not {type(points).__name__}",
            hint="for a GeoDataFrame pass gdf.assign(x=gdf.geometry.x, y=gdf.geometry.y)",
        )
    try:
        xy = np.array(points, dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            f"{name} must be a DataFrame with 'x' and 'y' columns or an (n, 2) array of "
            f"numbers; received {type(points).__name__} {describe_value(points)}",
            hint="pass a pandas DataFrame with columns 'x' and 'y' in metres (EPSG:27700)",
        ) from None
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise InputError(
            f"{name} must be an (n, 2) array of x, y coordinates; received shape {xy.shape}",
            hint="stack eastings and northings as two columns, e.g. numpy.column_stack([x, y])",
        )
    return xy


def as_weights(weights: Any, points: Any, n: int, *, name: str = "weights") -> np.ndarray:
    """Return per-point weights as a float array of length ``n`` (ones when ``None``).

    ``weights`` may be a column name of the ``points`` frame (e.g. ``"harm"``) or an
    array-like with one non-negative, finite number per point.

    Examples
    --------
    >>> frame = pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0], "harm": [2.0, 30.0]})
    >>> as_weights("harm", frame, 2)
    array([ 2., 30.])
    >>> as_weights(None, frame, 2)
    array([1., 1.])
    """
    if weights is None:
        return np.ones(n)
    if isinstance(weights, str):
        if not isinstance(points, pd.DataFrame) or weights not in points.columns:
            raise InputError(
                f"{name}={weights!r} names a column, but the points have no such column",
                hint="pass the name of a numeric column of the points frame, or an array",
            )
        values = pd.to_numeric(points[weights], errors="coerce").to_numpy(dtype=float)
    else:
        try:
            values = np.array(weights, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            raise InputError(
                f"{name} must be numbers, one per point; received {describe_value(weights)}",
                hint="pass a numeric array or the name of a numeric column",
            ) from None
    if values.shape[0] != n:
        raise InputError(
            f"{name} has {values.shape[0]} values but there are {n} points",
            hint="give exactly one weight per point, in the same order",
        )
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{name} must be finite and non-negative; {int(bad.sum())} value(s) are not "
            f"(first at position {first}: {values[first]!r})",
            hint="fill missing weights (e.g. with 0) before calling",
        )
    return values


def check_flag(value: Any, name: str) -> bool:
    """Check a True/False argument."""
    if not isinstance(value, bool | np.bool_):
        raise InputError(
            f"{name} must be True or False; received {describe_value(value)}",
            hint=f"pass {name}=True or {name}=False",
        )
    return bool(value)


def check_alpha(alpha: Any) -> float:
    """Check a significance level strictly between 0 and 1."""
    if isinstance(alpha, bool) or not isinstance(alpha, int | float | np.number):
        raise InputError(
            f"alpha must be a number between 0 and 1; received {describe_value(alpha)}",
            hint="e.g. alpha=0.05",
        )
    value = float(alpha)
    if not 0 < value < 1:
        raise InputError(
            f"alpha must be between 0 and 1; received {value!r}", hint="e.g. alpha=0.05"
        )
    return value


def check_bandwidth(bandwidth: Any) -> float | None:
    """Check an optional bandwidth in metres."""
    if bandwidth is None:
        return None
    if isinstance(bandwidth, bool) or not isinstance(bandwidth, int | float | np.number):
        raise InputError(
            f"bandwidth must be a number of metres; received {describe_value(bandwidth)}",
            hint="e.g. bandwidth=500, or leave it out for the default",
        )
    value = float(bandwidth)
    if not (math.isfinite(value) and value > 0):
        raise InputError(
            f"bandwidth must be a positive number of metres; received {value!r}",
            hint="e.g. bandwidth=500, or leave it out for the default",
        )
    return value


def check_seed(seed: Any) -> int | None:
    """Check a random seed (a non-negative whole number, or None)."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(
            f"seed must be a non-negative whole number or None; received {describe_value(seed)}",
            hint="e.g. seed=42 for results that repeat exactly",
        )
    return int(seed)
