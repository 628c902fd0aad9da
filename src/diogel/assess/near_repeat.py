"""Near-repeat analysis of a file of dated events (partner data with exact dates)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from diogel.analysis.near_repeat import KnoxResult, knox_test
from diogel.errors import InputError, NotFoundError
from diogel.geography import to_bng


def events_from_csv(path: str | Path) -> pd.DataFrame:
    """Read dated events: columns ``date`` and either ``x``, ``y`` (British National Grid
    metres) or ``longitude``, ``latitude``. Returns ``x``, ``y``, ``date``."""
    p = Path(path)
    if not p.is_file():
        raise NotFoundError(f"'{p}' does not exist", hint="check the path to the events file")
    frame = pd.read_csv(p)
    cols = {c.strip().lower(): c for c in frame.columns}
    if "date" not in cols:
        raise InputError(
            f"'{p.name}' has no 'date' column",
            hint="near-repeat analysis needs the date of each event (YYYY-MM-DD)",
        )
    if {"x", "y"} <= set(cols):
        x = pd.to_numeric(frame[cols["x"]], errors="coerce").to_numpy(float)
        y = pd.to_numeric(frame[cols["y"]], errors="coerce").to_numpy(float)
    elif {"longitude", "latitude"} <= set(cols):
        lon = pd.to_numeric(frame[cols["longitude"]], errors="coerce").to_numpy(float)
        lat = pd.to_numeric(frame[cols["latitude"]], errors="coerce").to_numpy(float)
        x, y = (np.asarray(v) for v in to_bng(lon, lat))
    else:
        raise InputError(
            f"'{p.name}' needs x and y (metres) or longitude and latitude columns",
            hint=f"its columns are: {', '.join(frame.columns)}",
        )
    dates = frame[cols["date"]]
    bad = np.isnan(x) | np.isnan(y)
    if bad.any():
        line = int(np.flatnonzero(bad)[0]) + 2
        raise InputError(
            f"'{p.name}' line {line} has no usable coordinates",
            hint="remove events without a location before testing for near repeats",
        )
    return pd.DataFrame({"x": x, "y": y, "date": dates})


def near_repeat(
    events: pd.DataFrame,
    *,
    distance_bands: tuple[float, ...],
    time_bands: tuple[float, ...],
    permutations: int,
    seed: int | None,
) -> KnoxResult:
    """The Knox test on events with ``x``, ``y`` and ``date``."""
    return knox_test(
        events["x"].to_numpy(), events["y"].to_numpy(), events["date"],
        distance_bands=distance_bands, time_bands=time_bands,
        permutations=permutations, seed=seed,
    )  # fmt: skip
