"""The governance tables on both backends: a register reads back exactly, loads are atomic,
updates keep their history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from diogel.governance.model import Register
from diogel.governance.registry import (
    choose_region,
    read_register,
    save_register,
    stored_regions,
    update_action,
)
from diogel.governance.tracker import review_status
from diogel.storage.governance import TABLES, delete_register


def test_register_reads_back_exactly_and_reloads_replace(
    store: Any, gwent: Register, small: Register
) -> None:
    written = save_register(store, gwent)
    assert written == sum(len(v) for v in _rows(store, "gwent").values())
    assert read_register(store) == gwent
    save_register(store, gwent)
    assert read_register(store, "gwent") == gwent
    save_register(store, small)
    assert stored_regions(store) == ["gwent", "small"]
    assert read_register(store, "small") == small
    with pytest.raises(Exception, match="more than one governance register is loaded"):
        choose_region(store)
    delete_register(store, "small")
    assert stored_regions(store) == ["gwent"] and read_register(store) == gwent


def _rows(store: Any, region: str) -> dict[str, list[Any]]:
    from diogel.storage.governance import register_rows

    return register_rows(store, region)


def test_a_load_that_fails_while_writing_changes_nothing(
    store: Any, gwent: Register, small: Register
) -> None:
    save_register(store, small)

    class Failing:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        def execute(self, statement: str, params: Any = ()) -> None:
            if statement.startswith("INSERT INTO gov_history"):
                raise RuntimeError("connection lost")
            self.inner.execute(statement, params)

    with pytest.raises(RuntimeError, match="connection lost"):
        save_register(Failing(store), Register(**{**small.__dict__, "reviews": gwent.reviews}))
    assert read_register(store) == small
    assert set(TABLES) >= {"gov_history", "gov_seats", "gov_discharges"}


def test_updates_keep_history_on_both_backends(store: Any, gwent: Register) -> None:
    save_register(store, gwent)
    update_action(store, "6.3-b", on=dt.date(2023, 3, 1), status="in-progress", rag="green")
    update_action(store, "6.3-b", on=dt.date(2023, 3, 9), due=dt.date(2023, 5, 31), note="Wider")
    reg = read_register(store)
    mine = [h for h in reg.reviews[0].history if h.action == "6.3-b"]
    assert [(h.field, h.old, h.new) for h in mine] == [
        ("status", "not-started", "in-progress"),
        ("rag", "amber", "green"),
        ("due", "2023-03-31", "2023-05-31"),
    ]
    state = review_status(reg, today=dt.date(2023, 3, 16)).state("6.3-b")
    assert (state.last_update, state.slips, state.action.rag) == (dt.date(2023, 3, 9), 1, "green")
