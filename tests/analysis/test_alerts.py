"""Tests for diogel.analysis.alerts: baselines against statsmodels' Poisson GLM."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from diogel.analysis.alerts import control_chart_alerts, incomplete_months
from diogel.analysis.trends import monthly_series
from diogel.errors import InputError

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
GWENT = DATA / "police-uk" / "street" / "gwent"


def seasonal_counts(n: int, seed: int, level: float = 300.0) -> pd.Series:
    rng = np.random.default_rng(seed)
    idx = pd.period_range("2018-01", periods=n, freq="M")
    days = idx.days_in_month.to_numpy()
    daily = level / 30 * np.exp(0.15 * np.cos(2 * np.pi * (idx.month.to_numpy() - 7) / 12))
    return pd.Series(rng.poisson(daily * days).astype(float), index=idx)


def statsmodels_baseline(series: pd.Series, t: int, window: int, harmonics: int) -> tuple:
    """Expected count and Pearson dispersion for month ``t``, fitted by statsmodels."""
    import statsmodels.api as sm

    idx = series.index
    month = idx.month.to_numpy().astype(float)
    years = (
        idx.year.to_numpy() * 12 + idx.month.to_numpy() - 1 - (idx[0].year * 12 + idx[0].month - 1)
    ) / 12
    cols = [np.ones(len(idx)), years]
    for k in range(1, harmonics + 1):
        cols += [np.sin(2 * np.pi * k * month / 12), np.cos(2 * np.pi * k * month / 12)]
    X = np.column_stack(cols)
    offset = np.log(idx.days_in_month.to_numpy().astype(float))
    lo = max(0, t - window)
    y = series.to_numpy()[lo:t]
    fit = sm.GLM(y, X[lo:t], family=sm.families.Poisson(), offset=offset[lo:t]).fit(tol=1e-12)
    mu = float(np.exp(X[t] @ fit.params + offset[t]))
    return mu, float(fit.pearson_chi2 / fit.df_resid)


def test_baseline_equals_statsmodels_poisson_glm() -> None:
    series = seasonal_counts(60, seed=3)
    chart = control_chart_alerts(series, baseline_months=36, harmonics=2)
    for t in (30, 36, 47, 59):  # month 30 has a 30-month baseline: all there is
        mu, phi = statsmodels_baseline(series, t, 36, 2)
        row = chart.table.iloc[t]
        assert row["expected"] == pytest.approx(mu, rel=1e-8)
        assert row["dispersion"] == pytest.approx(max(1.0, phi), rel=1e-8)
        assert row["model"] == "seasonal"
    # Judged from the 24th month on (the minimum baseline), with a growing window.
    assert chart.table["expected"].iloc[:24].isna().all()
    assert chart.table["baseline_months_used"].iloc[24:].tolist() == [
        min(t, 36) for t in range(24, 60)
    ]


def test_limits_are_poisson_and_negative_binomial_quantiles() -> None:
    series = seasonal_counts(48, seed=5)
    plain = control_chart_alerts(series, overdispersion=False, level=0.998)
    row = plain.table.iloc[40]
    assert row["dispersion"] == 1.0
    assert row["upper_limit"] == stats.poisson.ppf(0.998, row["expected"])
    assert row["p_value"] == pytest.approx(stats.poisson.sf(row["count"] - 1, row["expected"]))
    # Plant overdispersion and check the negative binomial (variance phi * mu) limit.
    rng = np.random.default_rng(2)
    noisy = series * rng.gamma(20, 1 / 20, size=len(series))
    chart = control_chart_alerts(noisy.round(), overdispersion=True)
    row = chart.table.iloc[45]
    mu, phi = row["expected"], row["dispersion"]
    assert phi > 1.5
    nb = stats.nbinom(mu / (phi - 1), 1 / phi)
    assert nb.mean() == pytest.approx(mu) and nb.var() == pytest.approx(phi * mu)
    assert row["upper_limit"] == nb.ppf(0.998)


def test_planted_spike_is_found_and_quiet_months_are_not_flagged() -> None:
    series = seasonal_counts(72, seed=11)
    series.iloc[60] = series.iloc[60] * 1.6
    chart = control_chart_alerts(series)
    assert list(chart.alerts.index.astype(str)) == [str(series.index[60])]
    # Across many pure-Poisson series the false-alarm rate is near 1 - level.
    false = 0
    judged = 0
    for seed in range(40):
        table = control_chart_alerts(seasonal_counts(60, seed=100 + seed)).table
        judged += int((table["model"] != "none").sum())
        false += int(table["alert"].sum())
    assert false / judged < 0.01


def test_sparse_and_gappy_series() -> None:
    idx = pd.period_range("2019-01", periods=40, freq="M")
    zeros = pd.Series(0.0, index=idx)
    zeros.iloc[-1] = 6
    chart = control_chart_alerts(zeros)
    last = chart.table.iloc[-1]
    assert last["expected"] == 0 and bool(last["alert"])  # six after three empty years
    assert not control_chart_alerts(zeros, min_count=7).table["alert"].any()
    gappy = seasonal_counts(40, seed=1)
    gappy.iloc[20:34] = np.nan  # leaves fewer than 24 loaded baseline months
    table = control_chart_alerts(gappy).table
    assert (table["model"].iloc[34:] == "none").all()
    assert table["baseline_months_used"].iloc[36] == 36 - 14


def test_control_chart_input_errors() -> None:
    series = seasonal_counts(30, seed=0)
    with pytest.raises(InputError, match="baseline_months"):
        control_chart_alerts(series, baseline_months=12)
    with pytest.raises(InputError, match="level"):
        control_chart_alerts(series, level=99.8)
    with pytest.raises(InputError, match="harmonics"):
        control_chart_alerts(series, harmonics=7)


def test_incomplete_months_rule_by_hand() -> None:
    idx = pd.period_range("2023-01", periods=7, freq="M")
    s = pd.Series([400, 390, 150, 410, 230, 420, 100], index=idx, dtype=float)
    out = incomplete_months(s)
    # 150 < 0.5 * 390 and < 0.5 * 410; 230 is not below half of 410; the last month has
    # one neighbour (420) and 100 < 210.
    assert out["likely_incomplete"].tolist() == [False, False, True, False, False, False, True]
    assert out.loc["2023-03", "share_of_neighbours"] == pytest.approx(150 / 400)


def test_incomplete_months_needs_evidence_beyond_chance() -> None:
    idx = pd.period_range("2023-01", periods=5, freq="M")
    small = pd.Series([3, 4, 0, 5, 3], index=idx, dtype=float)
    # 0 is below half of both neighbours, but P(X <= 0 | mean 4.5) = exp(-4.5) > 0.001.
    assert not incomplete_months(small)["likely_incomplete"].any()
    assert np.exp(-4.5) > 0.001
    gap = pd.Series([300, np.nan, 100, 310, 320], index=idx, dtype=float)
    out = incomplete_months(gap)
    assert out["likely_incomplete"].tolist() == [False, False, True, False, False]
    with pytest.raises(InputError, match="ratio"):
        incomplete_months(gap, ratio=2)


@pytest.mark.shared_data
def test_gwent_months_are_complete_until_one_is_truncated() -> None:
    files = sorted(GWENT.glob("202[234]-*-gwent-street.csv"))
    if not files:
        pytest.skip("shared Gwent data not available")
    incidents = pd.concat(pd.read_csv(f, usecols=["Month"]) for f in files)
    incidents = incidents.rename(columns={"Month": "month"})
    series = monthly_series(incidents, start="2022-01", end="2024-06")["count"]
    assert not incomplete_months(series)["likely_incomplete"].any()
    # Keep only the first 40% of the rows of 2023-05, as a broken download would.
    rows = incidents.reset_index(drop=True)
    may = rows.index[rows["month"] == "2023-05"]
    truncated = rows.drop(may[int(len(may) * 0.4) :])
    series = monthly_series(truncated, start="2022-01", end="2024-06")["count"]
    flagged = incomplete_months(series)
    assert list(flagged.index[flagged["likely_incomplete"]].astype(str)) == ["2023-05"]
