"""Tests for diogel.analysis.period_change, against statsmodels, scipy and hand counts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from diogel.analysis.period_change import compare_periods
from diogel.errors import InputError


def test_compare_periods_p_value_matches_statsmodels_exact_conditional() -> None:
    from statsmodels.stats.rates import test_poisson_2indep

    for before, after, tb, ta in [
        (2310, 2587, 12, 12),
        (20, 9, 6, 6),
        (5, 14, 12, 6),
        (0, 4, 3, 3),
    ]:
        ours = compare_periods(before, after, before_months=tb, after_months=ta)
        with np.errstate(divide="ignore"):  # statsmodels divides by the zero before-rate
            ref = test_poisson_2indep(after, ta, before, tb, method="exact-cond")
        assert ours.p_value == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-15)


def test_compare_periods_p_value_by_hand() -> None:
    # 10 before, 20 after, equal periods: under equal rates after ~ Binomial(30, 1/2).
    # Two-sided "minlike" p-value: the sum of P(k) over k with P(k) <= P(20).
    pmf = stats.binom.pmf(np.arange(31), 30, 0.5)
    expected = pmf[pmf <= pmf[20] * (1 + 1e-7)].sum()
    r = compare_periods(10, 20, before_months=12, after_months=12)
    assert r.p_value == pytest.approx(expected, rel=1e-9)
    assert r.pct_change == pytest.approx(100.0)
    assert r.direction == "rose"
    assert r.significant == (expected < 0.05)


def test_compare_periods_rate_ratio_interval_is_clopper_pearson() -> None:
    a, b, ta, tb = 30, 45, 6.0, 12.0
    r = compare_periods(b, a, before_months=tb, after_months=ta)
    p_low = stats.beta.ppf(0.025, a, b + 1)
    p_high = stats.beta.ppf(0.975, a + 1, b)
    assert r.rate_ratio == pytest.approx((a / ta) / (b / tb))
    assert r.rate_ratio_lower == pytest.approx(p_low / (1 - p_low) * tb / ta, rel=1e-8)
    assert r.rate_ratio_upper == pytest.approx(p_high / (1 - p_high) * tb / ta, rel=1e-8)


def test_compare_periods_verdicts() -> None:
    rose = compare_periods(2310, 2587, before_months=12, after_months=12)
    assert (rose.direction, rose.significant) == ("rose", True)
    assert rose.sentence == "rose 12% (2,310 to 2,587); this rise is unlikely to be chance"
    fell = compare_periods(20, 17, before_months=12, after_months=12)
    assert (fell.direction, fell.significant) == ("fell", False)
    assert fell.sentence == "fell 15% (20 to 17); this fall could be chance"
    same = compare_periods(40, 40, before_months=12, after_months=12)
    assert same.direction == "no change" and same.p_value == pytest.approx(1.0)
    assert same.sentence == "no change (40 to 40)"
    uneven = compare_periods(120, 70, before_months=12, after_months=6)
    assert uneven.pct_change == pytest.approx(70 / 6 / 10 * 100 - 100)
    assert uneven.sentence.startswith("rose 17% per month (120 in 12 months to 70 in 6 months)")
    from_zero = compare_periods(0, 9, before_months=12, after_months=12)
    assert from_zero.pct_change is None and from_zero.rate_ratio is None
    assert from_zero.sentence == "rose from none (0 to 9); this rise is unlikely to be chance"
    nothing = compare_periods(0, 0, before_months=1, after_months=1)
    assert nothing.direction == "no change" and nothing.p_value == 1.0


def test_compare_periods_input_errors() -> None:
    with pytest.raises(InputError, match="before_count"):
        compare_periods(-1, 3, before_months=1, after_months=1)
    with pytest.raises(InputError, match="after_count"):
        compare_periods(1, 2.5, before_months=1, after_months=1)
    with pytest.raises(InputError, match="after_months"):
        compare_periods(1, 2, before_months=1, after_months=0)
    with pytest.raises(InputError, match="alpha"):
        compare_periods(1, 2, before_months=1, after_months=1, alpha=5)


@settings(max_examples=60, deadline=None)
@given(
    before=st.integers(0, 5000),
    after=st.integers(0, 5000),
    months_=st.integers(1, 36),
)
def test_compare_periods_is_symmetric_when_periods_are_equal(
    before: int, after: int, months_: int
) -> None:
    forward = compare_periods(before, after, before_months=months_, after_months=months_)
    backward = compare_periods(after, before, before_months=months_, after_months=months_)
    assert 0 <= forward.p_value <= 1
    assert forward.p_value == pytest.approx(backward.p_value, rel=1e-9, abs=1e-12)
    if before != after:
        assert {forward.direction, backward.direction} == {"rose", "fell"}
