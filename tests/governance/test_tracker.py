"""The review tracker: drift alerts fire on dates relative to a fixed "today", history accrues."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from diogel.errors import InputError, NotFoundError
from diogel.governance.model import Action, Body, Change, Milestone, Register, Review
from diogel.governance.registry import read_register, save_register, update_action
from diogel.governance.tracker import review_as_of, review_status
from diogel.storage import open_store

TODAY = dt.date(2024, 5, 10)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def _register(actions: list[Action], history: list[Change] = (),  # type: ignore[assignment]
              milestones: list[Milestone] = ()) -> Register:  # type: ignore[assignment]  # fmt: skip
    review = Review("r", "Review", "psb", agreed_on=days(-400), actions=tuple(actions),
                    history=tuple(history), milestones=tuple(milestones))  # fmt: skip
    return Register("x", "X", ("W06000022",), bodies=(Body("psb", "PSB", "psb", ("W06000022",)),),
                    reviews=(review,))  # fmt: skip


def _alerts(reg: Register, **kw: int) -> set[tuple[str, str, int]]:
    return {(a.kind, a.ref, a.days) for a in review_status(reg, today=TODAY, **kw).alerts}


def test_overdue_starts_the_day_after_the_due_date() -> None:
    reg = _register([
        Action("late", "Late", due=days(-1), created_on=days(-7)),
        Action("due-today", "Due today", due=TODAY, created_on=days(-7)),
        Action("done-late", "Done late", due=days(-30), status="done", created_on=days(-40)),
    ])  # fmt: skip
    assert _alerts(reg) == {("overdue", "late", 1)}
    state = review_status(reg, today=TODAY).state("late")
    assert state.days_overdue == 1 and state.rag == "red" and not state.rag_given


def test_stale_after_exactly_the_given_weeks_without_an_update() -> None:
    reg = _register(
        [
            Action("quiet", "Quiet", due=days(90), created_on=days(-56)),
            Action("recent", "Recent", due=days(90), created_on=days(-55)),
            Action("updated", "Updated", due=days(90), created_on=days(-200)),
        ],
        [Change("updated", "update", days(-10), note="on track")],
    )
    assert _alerts(reg) == {("stale", "quiet", 56)}
    assert _alerts(reg, stale_weeks=1) == {("stale", "quiet", 56), ("stale", "recent", 55),
                                           ("stale", "updated", 10)}  # fmt: skip
    assert review_status(reg, today=TODAY).state("updated").last_update == days(-10)


def test_slipping_counts_dates_put_back_not_brought_forward() -> None:
    reg = _register(
        [
            Action("slips", "Slips", due=days(40), created_on=days(-5)),
            Action("earlier", "Earlier", due=days(10), created_on=days(-5)),
        ],
        [
            Change("slips", "due", days(-30), old=days(-10).isoformat(), new=days(20).isoformat()),
            Change("slips", "due", days(-5), old=days(20).isoformat(), new=days(40).isoformat()),
            Change("earlier", "due", days(-5), old=days(30).isoformat(), new=days(10).isoformat()),
        ],
    )
    assert _alerts(reg) == {("slipped", "slips", 50)}
    state = review_status(reg, today=TODAY).state("slips")
    assert (state.slips, state.days_slipped, state.rag) == (2, 50, "amber")


def test_dependency_alerts() -> None:
    reg = _register([
        Action("first", "First", due=days(30), created_on=days(-1)),
        Action("second", "Second", due=days(20), depends_on=("first",), created_on=days(-1)),
        Action("gone", "Gone", status="dropped", created_on=days(-1)),
        Action("orphan", "Orphan", due=days(60), depends_on=("gone",), created_on=days(-1)),
        Action("fine", "Fine", due=days(40), depends_on=("first",), created_on=days(-1)),
    ])  # fmt: skip
    assert _alerts(reg) == {("dependency", "second", 10), ("dependency", "orphan", 0)}


def test_milestones_overdue_until_reached() -> None:
    reg = _register([], milestones=[
        Milestone("missed", "Missed", days(-3)),
        Milestone("met", "Met", days(-3), done_on=days(-4)),
        Milestone("later", "Later", days(3)),
        Milestone("met-after-today", "Met after today", days(-2), done_on=days(1)),
    ])  # fmt: skip
    assert _alerts(reg) == {("milestone-overdue", "missed", 3),
                            ("milestone-overdue", "met-after-today", 2)}  # fmt: skip


def test_history_after_today_is_not_seen() -> None:
    reg = _register(
        [Action("a", "A", due=days(-5), status="done", created_on=days(-20))],
        [Change("a", "status", days(2), old="in-progress", new="done")],
    )
    assert _alerts(reg) == {("overdue", "a", 5)}
    assert review_status(reg, today=days(2)).alerts == ()


def test_gwent_alerts_at_the_march_2023_meeting(gwent: Register) -> None:
    status = review_status(gwent, today=dt.date(2023, 3, 16))
    assert [(a.kind, a.ref, a.days) for a in status.alerts] == [
        ("overdue", "6.2-b", 16),
        ("milestone-overdue", "board-mapping", 16),
        ("slipped", "6.2-a", 59),
        ("dependency", "6.2-b", 31),
        ("stale", "6.2-b", 91),
        ("stale", "6.3-b", 91),
        ("stale", "6.3-d", 91),
    ]
    assert status.by_status() == {"not-started": 4, "in-progress": 4, "blocked": 0, "done": 2,
                                  "dropped": 0}  # fmt: skip
    assert status.by_rag() == {"red": 1, "amber": 4, "green": 3}
    # at the December meeting nothing was overdue yet, and 6.4-b did not exist
    december = review_status(gwent, today=dt.date(2022, 12, 15))
    assert december.alerts == ()
    assert "6.4-b" not in {s.action.id for s in december.actions}


def test_review_as_of_undoes_later_changes(gwent: Register) -> None:
    review = review_as_of(gwent.reviews[0], dt.date(2023, 1, 20))
    a = review.action("6.1-a")
    assert a is not None and (a.status, a.due) == ("in-progress", dt.date(2023, 1, 31))
    assert all(h.changed_on <= dt.date(2023, 1, 20) for h in review.history)


def test_updates_accrue_history_and_change_the_alerts(tmp_path: Path, gwent: Register) -> None:
    store = open_store(str(tmp_path / "db.duckdb"))
    try:
        save_register(store, gwent)
        first = update_action(store, "6.2-b", on=dt.date(2023, 3, 20), status="in-progress",
                              due="2023-04-28", note="Coordinator post advertised")  # fmt: skip
        assert [(c.field, c.old, c.new) for c in first] == [
            ("status", "not-started", "in-progress"), ("due", "2023-02-28", "2023-04-28"),
        ]  # fmt: skip
        note_only = update_action(
            store, "6.3-b", on=dt.date(2023, 3, 21), note="Scoping meeting held"
        )
        assert [(c.field, c.note) for c in note_only] == [("update", "Scoping meeting held")]
        update_action(store, "6.2-b", on=dt.date(2023, 4, 25), status="done")
        reg = read_register(store)
        history = [h for h in reg.reviews[0].history if h.action == "6.2-b"]
        assert [(h.field, h.new, h.changed_on) for h in history] == [
            ("status", "in-progress", dt.date(2023, 3, 20)),
            ("due", "2023-04-28", dt.date(2023, 3, 20)),
            ("status", "done", dt.date(2023, 4, 25)),
        ]
        assert history[0].note == "Coordinator post advertised"
        alerts = review_status(reg, today=dt.date(2023, 3, 22)).alerts
        refs = {(a.kind, a.ref) for a in alerts}
        assert ("overdue", "6.2-b") not in refs and ("stale", "6.3-b") not in refs
        assert ("slipped", "6.2-b") in refs
        assert review_status(reg, today=dt.date(2023, 5, 1)).state("6.2-b").action.status == "done"
        # the paper for the March meeting is unchanged by the later updates
        march = review_status(reg, today=dt.date(2023, 3, 16))
        assert march.state("6.2-b").action.status == "not-started"
    finally:
        store.close()


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"action_id": "6.9-z", "status": "done"}, NotFoundError, "no action called '6.9-z'"),
        (
            {"action_id": "6.2-b", "status": "finished"},
            InputError,
            "'finished' is not a known status",
        ),
        (
            {"action_id": "6.2-b", "due": "31/03/2023"},
            InputError,
            "not a date in the form YYYY-MM-DD",
        ),
        ({"action_id": "6.2-b", "status": "not-started"}, InputError, "nothing to record"),
    ],
)
def test_bad_updates_change_nothing(
    tmp_path: Path, gwent: Register, kwargs: dict[str, str], error: type, message: str
) -> None:
    store = open_store(str(tmp_path / "db.duckdb"))
    try:
        save_register(store, gwent)
        action = kwargs.pop("action_id")
        with pytest.raises(error, match=message):
            update_action(store, action, on=dt.date(2023, 3, 20), **kwargs)  # type: ignore[arg-type]
        assert read_register(store) == gwent
    finally:
        store.close()
