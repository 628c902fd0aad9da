"""Synthetic ISTV files: same seed same file, the published fields, a night-time profile."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from diogel.ingest.partners.synthetic import (
    ISTV_COLUMNS,
    LOCATION_SHARES,
    WEAPON_SHARES,
    generate_istv,
)

STREETS = pd.DataFrame(
    {"name": ["St Mary Street", "Queen Street", "Quiet Close"], "weight": [50, 20, 0]}
)
VENUES = pd.DataFrame({"name": ["Walkabout"], "street": ["St Mary Street"]})


def _make(seed: int = 1, **kw: object) -> pd.DataFrame:
    return generate_istv(
        STREETS, start=dt.date(2024, 1, 1), end=dt.date(2024, 6, 30), venues=VENUES, seed=seed, **kw
    )  # type: ignore[arg-type]


def test_same_seed_same_file_and_only_published_fields() -> None:
    a, b = _make(), _make()
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(_make(seed=2))
    assert list(a.columns) == list(ISTV_COLUMNS)
    assert set(a["Synthetic"]) == {"Y"}
    assert set(a["Primary Means of Assault"]) <= set(WEAPON_SHARES)
    assert set(a["Incident Location Type"]) <= set(LOCATION_SHARES)
    assert a["Attendance Identifier"].is_unique


def test_assaults_peak_on_weekend_nights_and_arrive_after_the_incident() -> None:
    f = _make()
    timed = f[f["Incident Time"] != ""]
    when = pd.to_datetime(
        timed["Incident Date"] + " " + timed["Incident Time"], format="%d/%m/%Y %H:%M"
    )
    arrival = pd.to_datetime(
        timed["Attendance Date"] + " " + timed["Arrival Time"], format="%d/%m/%Y %H:%M"
    )
    assert (arrival > when).all()
    weekend_night = ((when.dt.day_of_week >= 4) & (when.dt.hour >= 21)) | (
        (when.dt.day_of_week >= 5) & (when.dt.hour < 4)
    )
    # Friday/Saturday evenings and Saturday/Sunday early hours are 21 of the 168 hours of a
    # week (12.5%); assault attendances crowd into them.
    assert weekend_night.mean() > 0.25


def test_error_rows_are_the_ones_diogel_rejects() -> None:
    f = _make(error_rows=4)
    assert (f["Primary Means of Assault"] == "Spoon").sum() == 1
    assert f["Incident Date"].str.startswith("31/02/").sum() == 1
    assert not f["Attendance Identifier"].is_unique
