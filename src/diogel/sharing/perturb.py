"""How special category counts are shown: perturbed by the cell-key method, then suppressed.

The scoped store counts partner events of special category datasets together with the
sum of the records' secret noise keys in each cell (``key_sum``). Here each count is
published as the perturbation table says (``diogel.analysis.cell_key``): the same records
always give the same value, overlapping cells get independent noise, and no count from 1
to k-1 is left. Cells published as 0 are dropped like cells with no records (so a listed
zero never says "a few"), the key sums are dropped (they must never reach a reader), and
suppression (``suppress_long``) then runs on the published table: it finds nothing small
to hide, but stays as the rule of last resort. Counts without key sums (police.uk
incidents of a source declared special) are suppressed as before, not perturbed.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from diogel.analysis.cell_key import perturb_counts
from diogel.sharing.suppress import suppress_long
from diogel.storage.partners import KEY_SUM


def protect_long(frame: pd.DataFrame, by: Sequence[str], k: int) -> pd.DataFrame:
    """Counts in long form (``by`` columns, ``count`` and, when perturbed, ``key_sum``)
    as they may be shown: ``count`` (NA where suppressed), ``suppressed`` and
    ``perturbed``.

    Examples
    --------
    >>> f = pd.DataFrame({"month": ["2024-01", "2024-02", "2024-03"], "count": [3, 3, 12],
    ...                   "key_sum": [10, 250, 700]})
    >>> protect_long(f, ["month"], 5)
         month  count  suppressed  perturbed
    0  2024-02      5       False       True
    1  2024-03     14       False       True
    """
    by = list(by)
    if KEY_SUM not in frame.columns:
        return suppress_long(frame, by, k).assign(perturbed=False)
    published = perturb_counts(frame["count"].to_numpy(), frame[KEY_SUM].fillna(0).to_numpy(), k=k)
    shown = frame.drop(columns=KEY_SUM).assign(count=published)
    shown = shown[shown["count"] > 0].reset_index(drop=True)
    return suppress_long(shown, by, k).assign(perturbed=True)
