"""Small-number suppression of counts read through a scoped store (special category data)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from diogel.analysis.suppression import suppress_counts, suppress_table

#: Stands in for a missing grouping value while the counts are laid out as a table.
_MISSING = "\x00missing"


def suppress_long(frame: pd.DataFrame, by: Sequence[str], k: int) -> pd.DataFrame:
    """Counts in long form (``by`` columns and ``count``) with counts 1 to ``k - 1`` hidden,
    and complementary cells too (``analysis.suppression``): ``count`` is NA where hidden,
    ``suppressed`` says which. Every combination of the values seen is returned (zeros
    included), so a hidden zero is not given away by its absence.

    Examples
    --------
    >>> f = pd.DataFrame({"month": ["2024-01", "2024-02", "2024-03"], "count": [3, 10, 12]})
    >>> suppress_long(f, ["month"], 5)["count"].tolist()
    [<NA>, <NA>, 12]
    """
    by = list(by)
    if frame.empty:
        return frame.assign(count=frame["count"].astype("Int64"), suppressed=False)
    if len(by) == 1:
        series = frame.set_index(by[0])["count"]
        hidden = suppress_counts(series, k=k).hidden["count"].iloc[:-1]
        out = series.reset_index()
        out["suppressed"] = hidden.to_numpy()
    else:
        rows, cols = by[0], by[1:]
        # pivot_table drops groups whose label is missing: give them a stand-in first
        frame = frame.assign(
            **{c: frame[c].astype(object).where(frame[c].notna(), _MISSING) for c in by}
        )
        wide = frame.pivot_table(
            index=rows, columns=cols, values="count", aggfunc="sum", fill_value=0
        )
        mask = suppress_table(wide, k=k).hidden.to_numpy()[:-1, :-1]
        n_rows, n_cols = wide.shape
        i, j = np.repeat(np.arange(n_rows), n_cols), np.tile(np.arange(n_cols), n_rows)
        out = pd.DataFrame({rows: wide.index.to_numpy()[i]})
        labels = wide.columns.to_frame(index=False)
        for name in cols:
            out[name] = labels[name].to_numpy()[j]
        out["count"] = wide.to_numpy().ravel()
        out["suppressed"] = mask.ravel()
        for name in by:
            out[name] = out[name].where(out[name] != _MISSING, None)
    out["count"] = out["count"].astype("Int64").mask(out["suppressed"].astype(bool))
    out["suppressed"] = out["suppressed"].astype(bool)
    return out[[*by, "count", "suppressed"]].sort_values(by, ignore_index=True)
