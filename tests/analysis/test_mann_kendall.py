"""Tests for diogel.analysis.mann_kendall, against a hand count and scipy's Kendall tau."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from diogel.analysis.mann_kendall import mann_kendall
from diogel.errors import InputError


def test_mann_kendall_by_hand():
    # pairs of [1, 3, 2, 5, 4]: 8 rising, 2 falling -> S = 6; Var = 5*4*15/18
    mk = mann_kendall([1.0, 3.0, 2.0, 5.0, 4.0])
    assert mk.s[0] == 6
    assert mk.variance[0] == pytest.approx(50 / 3)
    assert mk.z_score[0] == pytest.approx(5 / np.sqrt(50 / 3))
    assert mk.p_value[0] == pytest.approx(2 * stats.norm.sf(5 / np.sqrt(50 / 3)))
    flat = mann_kendall([2.0, 2.0, 2.0, 2.0])
    assert flat.z_score[0] == 0 and flat.p_value[0] == 1


def test_mann_kendall_equals_kendalltau_against_time():
    rng = np.random.default_rng(4)
    series = np.round(rng.normal(0, 1, size=(50, 15)).cumsum(axis=1), 1)  # rounding adds ties
    mk = mann_kendall(series, continuity=False)
    time = np.arange(15)
    for row in range(50):
        tau = stats.kendalltau(time, series[row], method="asymptotic")
        assert mk.p_value[row] == pytest.approx(tau.pvalue, rel=1e-9, abs=1e-15)
        _, counts = np.unique(series[row], return_counts=True)
        n0 = 15 * 14 / 2
        n_ties = (counts * (counts - 1) / 2).sum()
        assert mk.s[row] == pytest.approx(tau.statistic * np.sqrt(n0 * (n0 - n_ties)))


def test_mann_kendall_rejects_short_series():
    with pytest.raises(InputError, match="at least 3"):
        mann_kendall([1.0, 2.0])
