"""Counts by an exact place or time when no dataset is named: the datasets chosen for the
person are those the rule for such counts lets them count, as the rule itself says."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from diogel.errors import AccessDenied
from diogel.sharing import scoped
from tests.sharing.conftest import ISTV, NOW

START, END = dt.date(2023, 1, 1), dt.date(2024, 12, 1)


def _denied(store: Any) -> int:
    return int(store.query_rows("SELECT COUNT(*) FROM share_audit WHERE action = 'denied'")[0][0])


def test_counts_by_exact_place_skip_datasets_the_reader_may_only_count(world: Any) -> None:
    """vic (a viewer: aggregates only) asks for counts by x without naming a dataset: the
    A&E data, which he may count but not by exact place, is left out, as a dataset he may
    not count at all would be; nothing is refused, so nothing is logged as refused."""
    before = _denied(world)
    frame = scoped(world, "vic", now=NOW).count_partner_events(START, END, ["x"])
    assert ISTV not in set(frame["dataset"])
    assert _denied(world) == before
    # Named, it is still refused (and the refusal audited).
    with pytest.raises(AccessDenied):
        scoped(world, "vic", now=NOW).count_partner_events(START, END, ["x"], datasets=[ISTV])
    assert _denied(world) == before + 1


def test_counts_by_exact_place_still_given_to_readers_of_whole_records(world: Any) -> None:
    frame = scoped(world, "alice", now=NOW).count_partner_events(START, END, ["x"])
    assert set(frame["dataset"]) == {ISTV} and frame["perturbed"].all()
