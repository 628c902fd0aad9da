"""Tests for diogel.analysis.trends, against hand counts, scipy and statsmodels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diogel.analysis.seasonal import seasonal_decomposition
from diogel.analysis.trends import (
    as_month,
    monthly_series,
    rolling_totals,
)
from diogel.errors import InputError

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
GWENT = DATA / "police-uk" / "street" / "gwent"


def gwent_files() -> list[Path]:
    files = sorted(GWENT.glob("*-gwent-street.csv"))
    if not files:
        pytest.skip("shared Gwent data not available")
    return files


def months(start: str, n: int) -> pd.PeriodIndex:
    return pd.period_range(start, periods=n, freq="M")


# ----------------------------------------------------------------------------- monthly_series


def test_monthly_series_counts_by_hand() -> None:
    incidents = pd.DataFrame(
        {
            "month": ["2023-01", "2023-01", "2023-03", "2022-12", "2023-05"],
            "category": ["Burglary", "Drugs", "Drugs", "Drugs", "Drugs"],
        }
    )
    out = monthly_series(incidents, start="2023-01", end="2023-04")
    assert list(out.index.astype(str)) == ["2023-01", "2023-02", "2023-03", "2023-04"]
    assert out["count"].tolist() == [2, 0, 1, 0]
    by = monthly_series(incidents, start="2023-01", end="2023-04", by="category")
    assert by["Burglary"].tolist() == [1, 0, 0, 0]
    assert by["Drugs"].tolist() == [1, 0, 1, 0]


def test_monthly_series_months_not_loaded_are_missing_not_zero() -> None:
    incidents = pd.DataFrame({"month": pd.to_datetime(["2023-01-01", "2023-03-01"])})
    out = monthly_series(
        incidents, start="2023-01", end="2023-04", months_loaded=["2023-01", "2023-03", "2023-04"]
    )
    assert out["count"].isna().tolist() == [False, True, False, False]
    assert out["count"].iloc[3] == 0  # loaded, and no crime
    # Period input and datetime input agree.
    periods = incidents.assign(month=incidents["month"].dt.to_period("M"))
    again = monthly_series(
        periods, start="2023-01", end="2023-04", months_loaded=["2023-01", "2023-03", "2023-04"]
    )
    pd.testing.assert_frame_equal(out, again)


def test_monthly_series_by_two_columns() -> None:
    incidents = pd.DataFrame(
        {
            "month": ["2023-01", "2023-01", "2023-02"],
            "council_code": ["W06000022", "W06000021", "W06000022"],
            "category": ["Drugs", "Drugs", "Robbery"],
        }
    )
    out = monthly_series(incidents, start="2023-01", end="2023-02", by=["council_code", "category"])
    assert out[("W06000022", "Drugs")].tolist() == [1, 0]
    assert out[("W06000022", "Robbery")].tolist() == [0, 1]
    assert int(out.to_numpy().sum()) == 3


def test_monthly_series_input_errors() -> None:
    incidents = pd.DataFrame({"month": ["2023-01"]})
    with pytest.raises(InputError, match="end"):
        monthly_series(incidents, start="2023-05", end="2023-01")
    with pytest.raises(InputError, match="no column 'category'"):
        monthly_series(incidents, start="2023-01", end="2023-02", by="category")
    with pytest.raises(InputError, match="months"):
        monthly_series(pd.DataFrame({"month": ["Jan 23x"]}), start="2023-01", end="2023-02")
    with pytest.raises(InputError, match="months_loaded"):
        monthly_series(incidents, start="2023-01", end="2023-02", months_loaded=["2023-02"])
    with pytest.raises(InputError, match="DataFrame"):
        monthly_series([1, 2], start="2023-01", end="2023-02")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="start"):
        monthly_series(incidents, start=2023, end="2023-02")


def test_as_month_accepts_several_spellings() -> None:
    expected = pd.Period("2023-07", freq="M")
    for value in ("2023-07", "2023-07-01", pd.Timestamp("2023-07-15"), expected):
        assert as_month(value, name="start") == expected


@pytest.mark.shared_data
def test_monthly_series_on_gwent_matches_row_counts_per_file() -> None:
    files = gwent_files()
    frames = [pd.read_csv(f, usecols=["Month", "Crime type"]) for f in files]
    incidents = pd.concat(frames).rename(columns={"Month": "month", "Crime type": "category"})
    loaded = [f.name[:7] for f in files]
    out = monthly_series(incidents, start="2018-01", end="2024-06", months_loaded=loaded)
    for f, frame in zip(files, frames, strict=True):
        assert out.loc[f.name[:7], "count"] == len(frame)
    assert out.loc["2019-06", "count"] is pd.NA  # Gwent 2019-06 is not in the sample
    assert int(out["count"].sum()) == sum(len(f) for f in frames)


# ----------------------------------------------------------------------------- rolling


def test_rolling_totals_match_a_hand_window_sum() -> None:
    values = np.arange(1.0, 16.0)
    out = rolling_totals(pd.Series(values, index=months("2022-01", 15)), window=12)
    assert out.iloc[:11].isna().all()
    assert out.iloc[11] == values[:12].sum()
    assert out.iloc[14] == values[3:15].sum()


def test_rolling_totals_need_every_month_loaded() -> None:
    s = pd.Series([1.0, np.nan, 3.0, 4.0, 5.0], index=months("2023-01", 5))
    assert rolling_totals(s, window=2).isna().tolist() == [True, True, True, False, False]


def test_series_checks() -> None:
    with pytest.raises(InputError, match="skips"):
        rolling_totals(pd.Series([1, 2], index=["2023-01", "2023-03"]))
    with pytest.raises(InputError, match="window"):
        rolling_totals(pd.Series([1, 2], index=["2023-01", "2023-02"]), window=0)
    with pytest.raises(InputError, match="negative"):
        rolling_totals(pd.Series([1, -2], index=["2023-01", "2023-02"]))
    with pytest.raises(InputError, match="columns"):
        rolling_totals(pd.DataFrame({"a": [1], "b": [2]}, index=["2023-01"]))


# ----------------------------------------------------------------------------- STL


def synthetic_seasonal(n: int, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    idx = months("2019-01", n)
    season = 30 * np.sin(2 * np.pi * (idx.month.to_numpy() - 4) / 12)
    level = 400 + np.arange(n) * 2.0
    return pd.Series(rng.poisson(level + season).astype(float), index=idx)


def test_seasonal_decomposition_matches_statsmodels_stl() -> None:
    from statsmodels.tsa.seasonal import STL

    series = synthetic_seasonal(48)
    ours = seasonal_decomposition(series)
    ref = STL(series.to_numpy(), period=12, robust=True).fit()
    np.testing.assert_allclose(ours.components["trend"], ref.trend, rtol=1e-12)
    np.testing.assert_allclose(ours.components["seasonal"], ref.seasonal, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(ours.components["resid"], ref.resid, rtol=1e-12, atol=1e-9)
    # Strength of seasonality (Wang, Smith & Hyndman 2006), computed by hand.
    r, s = np.asarray(ref.resid), np.asarray(ref.seasonal)
    assert ours.seasonal_strength == pytest.approx(max(0, 1 - r.var() / (s + r).var()))
    assert ours.seasonal_strength > 0.6


def test_seasonal_decomposition_needs_two_years_without_gaps() -> None:
    with pytest.raises(InputError, match="at least 24"):
        seasonal_decomposition(synthetic_seasonal(23))
    gappy = synthetic_seasonal(30)
    gappy.iloc[5] = np.nan
    with pytest.raises(InputError, match="no data loaded"):
        seasonal_decomposition(gappy)


@pytest.mark.shared_data
def test_seasonal_decomposition_on_gwent_2022_2024() -> None:
    files = [f for f in gwent_files() if f.name[:4] in {"2022", "2023", "2024"}]
    incidents = pd.concat(pd.read_csv(f, usecols=["Month"]) for f in files)
    series = monthly_series(
        incidents.rename(columns={"Month": "month"}), start="2022-01", end="2024-06"
    )["count"]
    d = seasonal_decomposition(series)
    total = d.components[["trend", "seasonal", "resid"]].sum(axis=1)
    np.testing.assert_allclose(total, series.astype(float), rtol=1e-10)
    assert len(d.components) == 30
