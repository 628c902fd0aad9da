"""Small-number suppression for shared tables: hide counts 1 to k-1, and enough others that
the totals cannot give them away.

Health data shared between partners must not show small counts (NHS statistical
disclosure control: 1-4 by default, so ``k = 5``). Hiding the small cells alone is not
enough when totals are shown: a row ``[3, 10]`` with total ``13`` gives the hidden 3
back. So the table is treated as a set of *equations* (each row and each column, totals
row and column included, with its total) and cells are hidden until, in every equation,

* either nothing or at least two cells are hidden, and
* when the equation's total is shown, the hidden cells add up to ``k`` or more (hiding
  a 1 and a 2 in a row whose total is 3 would still say that both are small);

and then, as an audit, the largest value each hidden small count could take given
everything shown is found by linear programming (the attack a careful reader could
make by solving all rows and columns together): while any could not reach ``k``, one
more cell beside it is hidden. Complementary ("secondary") cells are chosen smallest
first, zeros only when nothing else in the row or column is left (a shown zero is
information too), and totals last.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from diogel.errors import InputError

#: Counts from 1 to ``K - 1`` are hidden (NHS guidance: 1-4).
K: Final = 5
#: The label of added totals.
TOTAL: Final = "Total"

__all__ = ["TOTAL", "K", "SuppressedTable", "suppress_counts", "suppress_table"]


@dataclass(frozen=True)
class SuppressedTable:
    """A table of counts with margins, and which cells may not be shown.

    Attributes
    ----------
    counts : pandas.DataFrame
        The counts with a ``Total`` row and column (for a single column, a ``Total`` row).
    primary, secondary : pandas.DataFrame of bool
        Cells hidden because they are small, and cells hidden to protect them.
    k : int
        Counts from 1 to ``k - 1`` were hidden.
    """

    counts: pd.DataFrame
    primary: pd.DataFrame
    secondary: pd.DataFrame
    k: int

    @property
    def hidden(self) -> pd.DataFrame:
        """Every hidden cell."""
        return self.primary | self.secondary

    @property
    def shown(self) -> pd.DataFrame:
        """The counts with hidden cells set to None (an object frame)."""
        out = self.counts.astype(object)
        return out.where(~self.hidden, None)

    def display(self, symbol: str = "*") -> pd.DataFrame:
        """The counts as text, hidden cells replaced by ``symbol``."""
        text = self.counts.astype(np.int64).astype(str)
        return text.where(~self.hidden, symbol)

    @property
    def n_primary(self) -> int:
        return int(self.primary.to_numpy().sum())

    @property
    def n_secondary(self) -> int:
        return int(self.secondary.to_numpy().sum())


def _check(table: pd.DataFrame, k: int) -> np.ndarray:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise InputError(
            f"k must be a whole number >= 1; received {k!r}",
            hint="use 5 to hide counts 1-4 (NHS guidance)",
        )
    values = table.to_numpy()
    if values.size and (
        not np.issubdtype(values.dtype, np.number)
        or np.any(np.isnan(values.astype(float)))
        or np.any(values < 0)
        or np.any(values != np.round(values))
    ):
        raise InputError(
            "suppression needs whole, non-negative counts",
            hint="pass counts, not rates or shares; fill missing cells with 0",
        )
    return values.astype(np.int64)


def suppress_table(table: pd.DataFrame, *, k: int = K) -> SuppressedTable:
    """Add row and column totals to a table of counts and choose which cells to hide.

    Parameters
    ----------
    table : pandas.DataFrame
        Whole, non-negative counts (no totals yet).
    k : int, default 5
        Hide counts from 1 to ``k - 1``.

    Returns
    -------
    SuppressedTable

    Examples
    --------
    A 3 in a row whose other cell is 10: the 3 is hidden, then the 10 (else the row total
    13 gives it away), then cells in the columns so that no column hides just one:

    >>> t = pd.DataFrame({"Fri": [3, 10], "Sat": [20, 30]}, index=["night", "day"])
    >>> suppress_table(t).display()
          Fri Sat Total
    night   *   *    23
    day     *   *    40
    Total  13  50    63
    """
    values = _check(table, k)
    r, c = values.shape
    full = np.zeros((r + 1, c + 1), dtype=np.int64)
    full[:r, :c] = values
    full[:r, c] = values.sum(axis=1)
    full[r, :c] = values.sum(axis=0)
    full[r, c] = values.sum()
    equations = [[(i, j) for j in range(c + 1)] for i in range(r + 1)]
    equations += [[(i, j) for i in range(r + 1)] for j in range(c + 1)]
    primary, secondary = _suppress(full, equations, k)
    index = [*table.index, TOTAL]
    columns = [*table.columns, TOTAL]
    return SuppressedTable(
        pd.DataFrame(full, index=index, columns=columns),
        pd.DataFrame(primary, index=index, columns=columns),
        pd.DataFrame(secondary, index=index, columns=columns),
        int(k),
    )


def suppress_counts(counts: pd.Series, *, k: int = K) -> SuppressedTable:
    """Suppression for one list of counts with a total (e.g. a weapon profile).

    Examples
    --------
    >>> s = suppress_counts(pd.Series({"body-part": 40, "knife": 3, "glass": 6, "other": 0}))
    >>> s.display()["count"].to_dict()
    {'body-part': '40', 'knife': '*', 'glass': '*', 'other': '0', 'Total': '49'}
    """
    frame = pd.DataFrame({"count": counts})
    values = _check(frame, k)
    n = len(values)
    full = np.zeros((n + 1, 1), dtype=np.int64)
    full[:n, 0] = values[:, 0]
    full[n, 0] = values.sum()
    primary, secondary = _suppress(full, [[(i, 0) for i in range(n + 1)]], k)
    index = [*counts.index, TOTAL]
    return SuppressedTable(
        pd.DataFrame(full, index=index, columns=["count"]),
        pd.DataFrame(primary, index=index, columns=["count"]),
        pd.DataFrame(secondary, index=index, columns=["count"]),
        int(k),
    )


def _suppress(
    full: np.ndarray, equations: list[list[tuple[int, int]]], k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Primary cells (0 < count < k), then complements until every equation is safe and
    no hidden small count can be pinned down by solving the equations.

    In each equation the last cell is its total.
    """
    primary = (full > 0) & (full < k)
    hidden = primary.copy()
    while True:
        _complete_equations(full, hidden, equations, k)
        exposed = next(
            (
                cell
                for cell in zip(*np.nonzero(primary), strict=True)
                if not _protected(full, hidden, equations, cell, k)
            ),
            None,
        )
        if exposed is None:
            return primary, hidden & ~primary
        hidden[_complement(full, hidden, equations, exposed)] = True


def _complement(
    full: np.ndarray,
    hidden: np.ndarray,
    equations: list[list[tuple[int, int]]],
    cell: tuple[int, int],
) -> tuple[int, int]:
    """The next cell to hide to protect ``cell``: a visible non-zero cell of its own rows
    and columns (smallest first, totals last), else a visible zero there (a reader who
    sees a zero can use it), else the smallest visible cell anywhere."""
    totals = {eq[-1] for eq in equations}
    around = {c for eq in equations if cell in eq for c in eq if not hidden[c]}
    everywhere = {c for eq in equations for c in eq if not hidden[c]}
    for pool in ({c for c in around if full[c] > 0}, around, everywhere):
        if pool:
            return min(pool, key=lambda c: (c in totals, int(full[c]), c))
    raise AssertionError("a protected table needs no more cells hidden")  # pragma: no cover


def _complete_equations(
    full: np.ndarray, hidden: np.ndarray, equations: list[list[tuple[int, int]]], k: int
) -> None:
    """Hide cells until every equation hides none or two or more cells, and (when its
    total is shown) its hidden cells add up to ``k`` or more."""
    changed = True
    while changed:
        changed = False
        for cells in equations:
            n_hidden = sum(bool(hidden[cell]) for cell in cells)
            if n_hidden == 0:
                continue
            total = cells[-1]
            inner_hidden = sum(int(full[cell]) for cell in cells[:-1] if hidden[cell])
            unsafe = n_hidden == 1 or (not hidden[total] and 0 < inner_hidden < k)
            if not unsafe:
                continue
            # Smallest non-zero visible cell first, then zeros; the total as a last resort.
            candidates = sorted(
                (cell for cell in cells if not hidden[cell]),
                key=lambda cell: (cell == total, full[cell] == 0, int(full[cell]), cell),
            )
            if candidates:
                hidden[candidates[0]] = True
                changed = True


def _protected(
    full: np.ndarray,
    hidden: np.ndarray,
    equations: list[list[tuple[int, int]]],
    cell: tuple[int, int],
    k: int,
) -> bool:
    """Whether someone solving the table's equations (linear programming over the hidden
    cells, all >= 0) can still not tell that ``cell`` is below ``k``.

    Two-way tables with margins have integral vertices, so the real bounds are reached
    by whole counts.
    """
    cells = [c for c in zip(*np.nonzero(hidden), strict=True)]
    index = {c: i for i, c in enumerate(cells)}
    rows, rhs = [], []
    for eq in equations:
        *inner, total = eq
        coef = np.zeros(len(cells))
        known = 0.0
        for c in inner:
            if hidden[c]:
                coef[index[c]] += 1.0
            else:
                known -= float(full[c])
        if hidden[total]:
            coef[index[total]] -= 1.0
        else:
            known += float(full[total])
        if coef.any():
            rows.append(coef)
            rhs.append(known)
    objective = np.zeros(len(cells))
    objective[index[cell]] = -1.0  # maximise the cell
    found = linprog(
        objective, A_eq=np.array(rows), b_eq=np.array(rhs), bounds=(0, None), method="highs"
    )
    if found.status == 3:  # unbounded: it could be anything
        return True
    high = -float(found.fun) if found.status == 0 else float(full[cell])
    return high >= k - 1e-9
