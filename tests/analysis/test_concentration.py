"""Tests for diogel.analysis.concentration, against published and hand-computed values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diogel.analysis.concentration import (
    concentration,
    generalized_gini,
    gini,
    repeat_locations,
)
from diogel.errors import InputError

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
GWENT = DATA / "police-uk" / "street" / "gwent"


def mean_difference_gini(x: np.ndarray) -> float:
    """Gini as half the relative mean absolute difference over all ordered pairs."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * n * n * x.mean()))


def test_gini_values_published_with_lorenzgini() -> None:
    # Examples from the documentation of the R package lorenzgini (Steenbeek and
    # Bernasco), function gini(), with unbiased = FALSE.
    assert gini([10, 8, 2, 0, 0, 0, 0, 0, 0, 0]) == pytest.approx(0.78)
    assert generalized_gini([10, 8, 2, 0, 0, 0, 0, 0, 0, 0]) == pytest.approx(0.78)
    assert gini([5, 2, 1] + [0] * 7) == pytest.approx(0.8)
    assert generalized_gini([5, 2, 1] + [0] * 7) == pytest.approx(0.75)
    assert gini([10] + [0] * 9) == pytest.approx(0.9)
    assert gini([10] + [0] * 99) == pytest.approx(0.99)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=2, max_size=60).filter(lambda v: sum(v) > 0))
def test_gini_equals_the_mean_difference_definition(values: list[int]) -> None:
    assert gini(values) == pytest.approx(mean_difference_gini(np.array(values)), abs=1e-12)
    g = generalized_gini(values)
    if sum(values) >= len(values):  # at least as many crimes as places: no correction
        assert g == pytest.approx(gini(values), abs=1e-12)
    else:  # fewer crimes than places: measured against one crime a place, never higher
        assert g <= gini(values) + 1e-12
    assert -1e-12 <= g <= 1 + 1e-12


def test_generalized_gini_is_zero_when_sparse_crimes_are_spread_out() -> None:
    # By hand: one crime in two places, G = 1/2, G' = 2 * (1/2 - 1) + 1 = 0; two crimes in
    # two of five places, G = 3/5, G' = 5/2 * (3/5 - 1) + 1 = 0.
    assert gini([0, 1]) == pytest.approx(0.5)
    assert generalized_gini([0, 1]) == pytest.approx(0.0, abs=1e-12)
    assert gini([1, 0, 1, 0, 0]) == pytest.approx(0.6)
    assert generalized_gini([1, 0, 1, 0, 0]) == pytest.approx(0.0, abs=1e-12)


def test_maximal_equality_gives_a_generalized_gini_of_zero() -> None:
    # 30 crimes in 100 places, one each: as even as 30 crimes can be.
    counts = np.zeros(100)
    counts[:30] = 1
    assert gini(counts) == pytest.approx(0.7)
    assert generalized_gini(counts) == pytest.approx(0.0, abs=1e-12)
    c = concentration(counts)
    np.testing.assert_allclose(c.lorenz["share_of_crime"], c.lorenz["maximal_equality"])


def test_concentration_top_shares_and_half_by_hand() -> None:
    counts = np.array([50, 20, 10, 5, 5, 4, 3, 2, 1, 0] * 2)  # 20 places, 200 crimes
    c = concentration(counts, top_share=(0.05, 0.1, 0.25))
    assert c.places == 20 and c.events == 200 and c.places_with_crime == 18
    # Top 5% = 1 place (50), top 10% = 2 places (100), top 25% = 5 places (50+50+20+20+10).
    assert c.top_shares["places"].tolist() == [1, 2, 5]
    assert c.top_shares["share_of_crime"].tolist() == pytest.approx([0.25, 0.5, 0.75])
    assert c.share_of_places_for_half_of_crime == pytest.approx(2 / 20)
    lorenz = c.lorenz
    assert len(lorenz) == 21
    assert lorenz.iloc[0].tolist()[:2] == [0.0, 0.0] and lorenz.iloc[-1].tolist()[:2] == [1, 1]
    # Lorenz area: G = 1 - 2 * area under the curve (trapezoids), for the sample Gini.
    area = np.trapezoid(lorenz["share_of_crime"], lorenz["share_of_places"])
    assert c.gini == pytest.approx(1 - 2 * area, abs=1e-12)
    assert c.gini == pytest.approx(mean_difference_gini(counts))


def test_top_share_tolerates_floating_point() -> None:
    c = concentration(np.arange(30), top_share=0.1)  # 0.1 * 30 is 3.0000000000000004
    assert c.top_shares["places"].tolist() == [3]


def test_concentration_input_errors() -> None:
    with pytest.raises(InputError, match="counts"):
        concentration([1, -1])
    with pytest.raises(InputError, match="all zero"):
        concentration([0, 0, 0])
    with pytest.raises(InputError, match="top_share"):
        concentration([1, 2], top_share=(0.0,))
    with pytest.raises(InputError, match="non-empty"):
        concentration([])
    with pytest.raises(InputError, match="columns"):
        concentration(pd.DataFrame({"a": [1], "b": [2]}))


def test_repeat_locations_ranked_with_ties() -> None:
    inc = pd.DataFrame(
        {
            "location": ["A", "B", "A", "C", "B", "D", None],
            "lsoa_code": ["L1", "L1", "L2", "L1", "L1", "L2", "L1"],
            "month": ["2023-01", "2023-01", "2023-02", "2023-02", "2023-03", "2023-03", "2023-03"],
        }
    )
    out = repeat_locations(inc, top=None)
    assert out["location"].tolist() == ["A", "B", "C", "D"]
    assert out["incidents"].tolist() == [2, 2, 1, 1]
    assert out["rank"].tolist() == [1, 1, 3, 3]
    assert out["share"].tolist() == pytest.approx([2 / 6, 2 / 6, 1 / 6, 1 / 6])
    assert out["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    assert out["months"].tolist() == [2, 2, 1, 1]
    exact = repeat_locations(inc, by=["location", "lsoa_code"], top=1)
    assert exact[["location", "lsoa_code", "incidents"]].to_dict("records") == [
        {"location": "B", "lsoa_code": "L1", "incidents": 2}
    ]
    with pytest.raises(InputError, match="by"):
        repeat_locations(inc, by="street")
    with pytest.raises(InputError, match="top"):
        repeat_locations(inc, top=0)


@pytest.mark.shared_data
def test_gwent_lsoa_concentration_2023() -> None:
    files = sorted(GWENT.glob("2023-*-gwent-street.csv"))
    if not files:
        pytest.skip("shared Gwent data not available")
    inc = pd.concat(pd.read_csv(f, usecols=["LSOA code", "Location", "Month"]) for f in files)
    counts = inc["LSOA code"].value_counts()
    c = concentration(counts.to_numpy())
    # Independent checks with plain pandas.
    ranked = counts.sort_values(ascending=False).to_numpy()
    k = int(np.ceil(0.1 * len(ranked)))
    assert c.top_shares.loc[1, "share_of_crime"] == pytest.approx(ranked[:k].sum() / ranked.sum())
    assert c.gini == pytest.approx(mean_difference_gini(ranked), rel=1e-9)
    assert c.gini_generalized == pytest.approx(c.gini)  # far more crimes than LSOAs
    top = repeat_locations(inc.rename(columns={"Location": "location", "Month": "month"}))
    expected = inc["Location"].value_counts()
    assert top["incidents"].iloc[0] == expected.iloc[0]
    assert top["location"].iloc[0] == expected.index[0]
