"""Small-number suppression of counts in long form, by hand."""

from __future__ import annotations

import pandas as pd

from diogel.sharing.suppress import suppress_long


def test_groups_with_a_missing_label_are_kept_and_counted() -> None:
    """Events with no category (or no council) are a group of their own: nothing is
    dropped, and the counts add up to the rows given."""
    frame = pd.DataFrame(
        {"council_code": ["W1", "W2", "W2", "W1"], "category": ["a", None, "b", None],
         "count": [7, 8, 9, 6]}
    )  # fmt: skip
    out = suppress_long(frame, ["council_code", "category"], 5)
    assert int(out["count"].sum()) == 30
    got = {(r.council_code, None if pd.isna(r.category) else r.category): int(r.count)
           for r in out.itertuples()}  # fmt: skip
    assert got == {("W1", "a"): 7, ("W1", "b"): 0, ("W1", None): 6,
                   ("W2", "a"): 0, ("W2", "b"): 9, ("W2", None): 8}  # fmt: skip
    assert not out["suppressed"].any()


def test_a_column_missing_everywhere_still_gives_its_counts() -> None:
    frame = pd.DataFrame({"council_code": ["W1", "W2"], "category": [None, None], "count": [7, 9]})
    out = suppress_long(frame, ["council_code", "category"], 5)
    assert out["council_code"].tolist() == ["W1", "W2"]
    assert out["count"].tolist() == [7, 9] and out["category"].isna().all()


def test_a_small_count_in_the_missing_group_is_hidden_with_a_partner() -> None:
    """A count of 2 for events with no category is hidden, and so is a second cell of its
    row, so the council's total minus the visible cells cannot reveal it."""
    frame = pd.DataFrame(
        {"council_code": ["W1", "W1", "W1", "W2", "W2", "W2"],
         "category": ["a", "b", None, "a", "b", None], "count": [20, 30, 2, 25, 35, 40]}
    )  # fmt: skip
    out = suppress_long(frame, ["council_code", "category"], 5)
    hidden = out[out["suppressed"]]
    assert ((hidden["council_code"] == "W1") & hidden["category"].isna()).any()
    assert (hidden["council_code"] == "W1").sum() >= 2
    assert not ((out["count"] >= 1) & (out["count"] <= 4)).any()
