"""Small-number suppression: hand-worked tables, and an attacker who solves the equations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import linprog

from diogel.analysis.suppression import TOTAL, suppress_counts, suppress_table
from diogel.errors import InputError


def _equations(shape: tuple[int, int]) -> list[list[tuple[int, int]]]:
    r, c = shape[0] - 1, shape[1] - 1
    rows = [[(i, j) for j in range(c + 1)] for i in range(r + 1)]
    cols = [[(i, j) for i in range(r + 1)] for j in range(c + 1)]
    return rows + cols


def _attack(full: np.ndarray, hidden: np.ndarray, cell: tuple[int, int]) -> tuple[float, float]:
    """The smallest and largest value a reader can deduce for a hidden cell: an independent
    linear program over every hidden cell (written here, not taken from the module)."""
    cells = list(zip(*np.nonzero(hidden), strict=True))
    index = {c: i for i, c in enumerate(cells)}
    a, b = [], []
    for eq in _equations(full.shape):
        row = np.zeros(len(cells))
        rhs = 0.0
        for c in eq[:-1]:
            if hidden[c]:
                row[index[c]] += 1
            else:
                rhs -= full[c]
        if hidden[eq[-1]]:
            row[index[eq[-1]]] -= 1
        else:
            rhs += full[eq[-1]]
        a.append(row)
        b.append(rhs)
    out = []
    for sign in (1, -1):
        objective = np.zeros(len(cells))
        objective[index[cell]] = sign
        res = linprog(objective, A_eq=np.array(a), b_eq=np.array(b), bounds=(0, None))
        out.append(np.inf if res.status == 3 else sign * res.fun)
    return out[0], out[1]


def test_a_small_cell_and_the_cells_that_would_reveal_it_are_hidden() -> None:
    # Hand-worked: the 3 is small. Its row total 23 and column total 13 would give it
    # back, so the row's other cell (20) and the column's other cell (10) go too, and then
    # the 30 (else column Sat, 20 hidden alone with total 50 shown, gives the 20 back).
    table = pd.DataFrame({"Fri": [3, 10], "Sat": [20, 30]}, index=["night", "day"])
    s = suppress_table(table)
    assert s.counts.loc[TOTAL, TOTAL] == 63
    assert s.primary.sum().sum() == 1 and bool(s.primary.loc["night", "Fri"])
    assert s.hidden.loc[["night", "day"], ["Fri", "Sat"]].to_numpy().all()
    assert not s.hidden.loc[TOTAL].any() and not s.hidden[TOTAL].any()
    assert s.display().loc["night", TOTAL] == "23"


def test_zeros_are_shown_and_never_used_as_complements() -> None:
    table = pd.DataFrame({"a": [0, 2, 40], "b": [0, 30, 50]})
    s = suppress_table(table)
    assert s.display().loc[0, "a"] == "0" and s.display().loc[0, "b"] == "0"
    assert not s.hidden.loc[0].any()
    assert bool(s.hidden.loc[1, "a"])


def test_two_small_cells_that_sum_below_k_hide_a_third() -> None:
    # 1 and 2 hidden in a row with total 53 shown would say "the two add up to 3".
    s = suppress_counts(pd.Series({"x": 1, "y": 2, "z": 50}))
    assert s.display()["count"].tolist() == ["*", "*", "*", "53"]


def test_a_total_below_k_hides_everything_that_is_not_zero() -> None:
    s = suppress_counts(pd.Series({"x": 3, "y": 0}))
    assert s.display()["count"].tolist() == ["*", "0", "*"]


def test_k_one_hides_nothing() -> None:
    s = suppress_table(pd.DataFrame({"a": [1, 2], "b": [3, 4]}), k=1)
    assert not s.hidden.to_numpy().any()


@pytest.mark.parametrize("bad", [pd.DataFrame({"a": [1.5]}), pd.DataFrame({"a": [-1]})])
def test_counts_must_be_whole_and_not_negative(bad: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="whole, non-negative counts"):
        suppress_table(bad)


@settings(max_examples=80, deadline=None)
@given(
    arrays(np.int64, st.tuples(st.integers(1, 6), st.integers(1, 7)), elements=st.integers(0, 12)),
    st.sampled_from([3, 5]),
)
def test_no_small_count_is_shown_or_can_be_deduced(values: np.ndarray, k: int) -> None:
    s = suppress_table(pd.DataFrame(values), k=k)
    full = s.counts.to_numpy()
    hidden = s.hidden.to_numpy()
    shown = full[~hidden]
    assert not ((shown > 0) & (shown < k)).any()
    for eq in _equations(full.shape):
        n = sum(bool(hidden[c]) for c in eq)
        assert n != 1
    for cell in zip(*np.nonzero(s.primary.to_numpy()), strict=True):
        low, high = _attack(full, hidden, cell)
        assert high >= k - 1e-6, (values, cell, low, high)
