"""Tests for diogel.analysis.rates: exact Poisson limits, funnel plots, WIMD deciles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from diogel.analysis.rates import (
    Rate,
    by_deprivation_decile,
    funnel_compare,
    funnel_limits,
    poisson_interval,
    rate_per_1000,
)
from diogel.errors import InputError

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
GEO = DATA / "librarieshacked-geography-db"
GWENT = DATA / "police-uk" / "street" / "gwent"


def test_poisson_interval_matches_published_exact_limits() -> None:
    # Exact (Garwood 1936) 95% limits for a Poisson count, as tabulated in texts on
    # rates: 0 -> (0, 3.689), 1 -> (0.0253, 5.572), 5 -> (1.6235, 11.668),
    # 10 -> (4.7954, 18.390).
    lower, upper = poisson_interval([0, 1, 5, 10])
    np.testing.assert_allclose(lower, [0.0, 0.0253, 1.6235, 4.7954], atol=1e-4)
    np.testing.assert_allclose(upper, [3.6889, 5.5716, 11.6683, 18.3904], atol=1e-4)


@settings(max_examples=60, deadline=None)
@given(count=st.integers(0, 20000), level=st.sampled_from([0.9, 0.95, 0.99, 0.998]))
def test_poisson_interval_matches_statsmodels(count: int, level: float) -> None:
    from statsmodels.stats.rates import confint_poisson

    lo, hi = poisson_interval([count], level)
    ref_lo, ref_hi = confint_poisson(count, 1, method="exact-c", alpha=1 - level)
    assert lo[0] == pytest.approx(ref_lo, rel=1e-10, abs=1e-12)
    assert hi[0] == pytest.approx(ref_hi, rel=1e-10)


def test_rate_per_1000_scalar_and_arrays() -> None:
    r = rate_per_1000(10, 2500)
    assert isinstance(r, Rate)
    assert r.rate == pytest.approx(4.0)
    assert r.lower == pytest.approx(4.7953887 / 2.5, rel=1e-7)
    assert r.upper == pytest.approx(18.390356 / 2.5, rel=1e-7)
    per_100k = rate_per_1000(10, 2500, per=100_000)
    assert isinstance(per_100k, Rate) and per_100k.rate == pytest.approx(400)
    frame = rate_per_1000(pd.Series([0, 10], index=["a", "b"]), np.array([1000, 2500]))
    assert isinstance(frame, pd.DataFrame)
    assert frame.index.tolist() == ["a", "b"]
    assert frame.loc["a", "upper"] == pytest.approx(3.6888795, rel=1e-7)
    assert frame.loc["b", "rate"] == pytest.approx(4.0)


def test_rate_input_errors() -> None:
    with pytest.raises(InputError, match="population"):
        rate_per_1000(3, 0)
    with pytest.raises(InputError, match="whole"):
        rate_per_1000(2.5, 100)
    with pytest.raises(InputError, match="same length"):
        rate_per_1000([1, 2], [100])
    with pytest.raises(InputError, match="level"):
        rate_per_1000(1, 100, level=95)
    with pytest.raises(InputError, match="count"):
        rate_per_1000(-1, 100)


def spiegelhalter_limit(expected: float, p: float) -> float:
    """The interpolated exact Poisson limit, written out from Spiegelhalter (2005)."""
    r = max(0, int(expected - 10 * np.sqrt(expected)))  # far below any limit we test
    assert stats.poisson.cdf(r - 1, expected) < p
    while stats.poisson.cdf(r, expected) < p:
        r += 1
    f_r = stats.poisson.cdf(r, expected)
    f_below = stats.poisson.cdf(r - 1, expected) if r > 0 else 0.0
    return max(0.0, r - (f_r - p) / (f_r - f_below))


def test_funnel_limits_by_hand_and_converge_to_normal() -> None:
    pops = np.array([200.0, 1500.0, 8000.0, 150_000.0])
    out = funnel_limits(pops, 40.0)
    assert list(out.columns) == [
        "population",
        "expected",
        "lower_95",
        "upper_95",
        "lower_99_8",
        "upper_99_8",
    ]
    for row in out.itertuples():
        e = row.population * 40 / 1000
        assert row.expected == pytest.approx(e)
        assert row.lower_95 == pytest.approx(spiegelhalter_limit(e, 0.025) / row.population * 1000)
        assert row.upper_95 == pytest.approx(spiegelhalter_limit(e, 0.975) / row.population * 1000)
        assert row.upper_99_8 == pytest.approx(
            spiegelhalter_limit(e, 0.999) / row.population * 1000
        )
    big = out.iloc[-1]
    sd = np.sqrt(40.0 / 1000 / big["population"]) * 1000
    assert big["upper_95"] == pytest.approx(40 + 1.959964 * sd, rel=2e-3)
    assert big["lower_99_8"] == pytest.approx(40 - 3.090232 * sd, rel=2e-3)
    # The funnel narrows as populations grow.
    assert np.all(np.diff(out["upper_95"]) < 0) and np.all(np.diff(out["lower_95"]) > 0)


def test_funnel_compare_positions() -> None:
    counts = pd.Series([10, 30, 95, 45], index=["w", "x", "y", "z"])
    out = funnel_compare(counts, [1000, 1000, 1000, 1000], overall_rate=30.0)
    assert out.index.tolist() == ["w", "x", "y", "z"]
    # 45 per 1,000 with 30 expected: P(X >= 45) is between 0.001 and 0.025.
    assert 0.001 < stats.poisson.sf(44, 30) < 0.025
    assert out["position"].tolist() == ["below 99.8%", "within", "above 99.8%", "above 95%"]
    default = funnel_compare([10, 20], [1000, 1000])
    assert default["expected"].tolist() == pytest.approx([15, 15])  # overall rate 15 per 1,000


def test_by_deprivation_decile_by_hand() -> None:
    lsoas = pd.DataFrame(
        {
            "code": ["A", "B", "C", "D"],
            "population": [1000, 1500, 2000, 500],
            "wimd_decile": [1, 1, 10, 5],
        }
    )
    counts = pd.Series({"A": 30, "B": 20, "C": 10, "X": 4, "Y": 0})
    p = by_deprivation_decile(counts, lsoas)
    t = p.table.set_index("wimd_decile")
    assert t["count"].to_dict() == {1: 50, 5: 0, 10: 10}
    assert t.loc[1, "rate"] == pytest.approx(50 / 2500 * 1000)
    assert t.loc[5, "rate"] == 0 and t.loc[5, "upper"] == pytest.approx(3.6888795 / 0.5)
    assert p.overall_rate == pytest.approx(60 / 5000 * 1000)
    assert t.loc[1, "relative_rate"] == pytest.approx(20 / 12)
    assert t["share_of_crime"].sum() == pytest.approx(1)
    assert p.unmatched_lsoas == ("X",) and p.unmatched_count == 4
    with pytest.raises(InputError, match="wimd_decile"):
        by_deprivation_decile(counts, lsoas.assign(wimd_decile=[1, 2, 3, 11]))
    with pytest.raises(InputError, match="no column"):
        by_deprivation_decile(counts, lsoas.drop(columns=["population"]))


@pytest.mark.shared_data
def test_gwent_2019_by_wimd_decile() -> None:
    files = sorted(GWENT.glob("2019-*-gwent-street.csv"))
    if not files or not (GEO / "lsoa_wimd.csv").exists():
        pytest.skip("shared data not available")
    crimes = pd.concat(pd.read_csv(f, usecols=["LSOA code"]) for f in files)
    counts = crimes["LSOA code"].value_counts()
    wimd = pd.read_csv(GEO / "lsoa_wimd.csv", encoding="utf-8-sig")
    pop = pd.read_csv(
        GEO / "lsoa_population_mid2019_lsoa11.csv",
        header=None,
        names=["code", "population"],
        encoding="utf-8-sig",
    )
    # The LSOAs of Gwent's five councils: those where Gwent recorded crime, in Wales.
    gwent_lsoas = counts.index[counts.index.str.startswith("W01")]
    table = wimd.rename(columns={"lsoa11cd": "code", "decile": "wimd_decile"}).merge(pop, on="code")
    table = table.loc[table["code"].isin(gwent_lsoas), ["code", "population", "wimd_decile"]]
    profile = by_deprivation_decile(counts, table)
    # Independent: plain pandas join and group.
    joined = table.assign(count=table["code"].map(counts).fillna(0))
    ref = joined.groupby("wimd_decile")[["count", "population"]].sum()
    got = profile.table.set_index("wimd_decile")
    np.testing.assert_allclose(got["count"], ref["count"])
    np.testing.assert_allclose(got["rate"], ref["count"] / ref["population"] * 1000)
    # Crime falls with deprivation: the most deprived decile has the highest rate.
    assert got["rate"].idxmax() == 1
    assert set(profile.unmatched_lsoas) == set(counts.index.difference(table["code"]))
