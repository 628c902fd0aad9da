"""Benjamini–Hochberg and Holm adjustments checked against statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from diogel.analysis.multiple_testing import (
    adjust_bh,
    adjust_bh_holm,
    adjust_holm,
    adjust_p_values,
)
from diogel.errors import InputError

p_lists = st.lists(
    st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.01, 0.05, 1.0])), min_size=1, max_size=80
)


@settings(max_examples=40, deadline=None)
@given(p_lists)
def test_bh_and_holm_equal_statsmodels(p):
    p = np.array(p)
    bh = multipletests(p, method="fdr_bh")[1]
    holm = multipletests(p, method="holm")[1]
    # atol covers subnormal p-values, where products round differently
    np.testing.assert_allclose(adjust_bh(p), bh, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(adjust_holm(p), holm, rtol=1e-12, atol=1e-300)
    both = adjust_bh_holm(p)
    np.testing.assert_allclose(both[0], bh, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(both[1], holm, rtol=1e-12, atol=1e-300)


def test_nan_entries_are_left_out_of_the_count():
    p = np.array([0.01, np.nan, 0.04, 0.03, np.nan])
    finite = p[~np.isnan(p)]
    out = adjust_bh(p)
    assert np.isnan(out[[1, 4]]).all()
    np.testing.assert_allclose(out[[0, 2, 3]], multipletests(finite, method="fdr_bh")[1])
    np.testing.assert_allclose(adjust_holm(p)[[0, 2, 3]], multipletests(finite, method="holm")[1])
    assert np.isnan(adjust_bh([np.nan, np.nan])).all()
    bh, holm = adjust_bh_holm(p)
    np.testing.assert_array_equal(bh, out)
    np.testing.assert_array_equal(holm, adjust_holm(p))


def test_hand_calculation():
    # m = 4, sorted p = 0.01, 0.03, 0.04, 0.2: BH = 0.04, 0.0533, 0.0533, 0.2
    np.testing.assert_allclose(adjust_bh([0.2, 0.04, 0.01, 0.03]), [0.2, 0.16 / 3, 0.04, 0.16 / 3])
    # Holm: 4 * 0.01, max(0.04, 3 * 0.03), max(0.09, 2 * 0.04), 0.2
    np.testing.assert_allclose(adjust_holm([0.2, 0.04, 0.01, 0.03]), [0.2, 0.09, 0.04, 0.09])


@pytest.mark.parametrize(
    ("value", "fragment"),
    [([0.5, 1.2], "between 0 and 1"), ([[0.1, 0.2]], "one-dimensional"), (["a"], "numbers")],
)
def test_bad_p_values(value, fragment):
    with pytest.raises(InputError, match=fragment):
        adjust_bh(value)


def test_method_switch():
    np.testing.assert_array_equal(adjust_p_values([0.01, 0.2], "holm"), adjust_holm([0.01, 0.2]))
    with pytest.raises(InputError, match="'bh' or 'holm'"):
        adjust_p_values([0.1], "bonferroni")
