"""Check the review parts of a register: workstreams, recommendations, actions, history.

Used by :func:`diogel.governance.validate.build_register`; problems go to its checker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from diogel.governance.fields import HISTORY_VALUES, BadValue, suggest
from diogel.governance.model import (
    Action,
    Change,
    Milestone,
    Recommendation,
    Review,
    Workstream,
)
from diogel.governance.sources import REVIEW_PARTS, Record
from diogel.governance.validate import Checker, Entry, _fields


def build_reviews(
    check: Checker,
    by_section: Mapping[str, list[Record]],
    bodies: Mapping[str, Entry],
    parties: Mapping[str, Entry],
) -> tuple[Review, ...]:
    """Check every review and its parts; return the reviews (valid only if no problems)."""
    reviews = [check.convert(r) for r in by_section.get("reviews", [])]
    check.unique(reviews, "id", "review")
    review_ids = {e["id"]: e for e in reviews if e["id"]}
    for entry in reviews:
        check.refer(entry, "commissioned_by", bodies, "body")
    parts = {p: [check.convert(r) for r in by_section.get(p, [])] for p in REVIEW_PARTS}
    for items in parts.values():
        for entry in items:
            check.refer(entry, "review", review_ids, "review")
    built = []
    for review in reviews:
        mine = {p: [e for e in items if e["review"] == review["id"]] for p, items in parts.items()}
        built.append(_review(check, review, mine, parties))
    return tuple(built)


def _review(
    check: Checker, review: Entry, parts: dict[str, list[Entry]], parties: Mapping[str, Entry]
) -> Review:
    streams, recs = parts["workstreams"], parts["recommendations"]
    actions, milestones, history = parts["actions"], parts["milestones"], parts["history"]
    for items, what in ((streams, "workstream"), (recs, "recommendation"),
                        (actions, "action"), (milestones, "milestone")):  # fmt: skip
        check.unique(items, "id", what)
    stream_ids = {e["id"]: e for e in streams if e["id"]}
    rec_ids = {e["id"]: e for e in recs if e["id"]}
    action_ids = {e["id"]: e for e in actions if e["id"]}
    for entry in streams:
        check.refer(entry, "lead", parties, "person or organisation")
    for entry in recs:
        check.refer(entry, "workstream", stream_ids, "workstream")
    for entry in actions:
        check.refer(entry, "recommendation", rec_ids, "recommendation")
        check.refer(entry, "workstream", stream_ids, "workstream")
        check.refer(entry, "owner", parties, "person or organisation")
        for dep in entry["depends_on"] or ():
            if dep not in action_ids:
                check.problem(
                    entry.record, "depends_on", f"depends_on '{dep}' is not an action of this review",
                    suggest(dep, action_ids, "action"),
                )  # fmt: skip
    _check_dependency_loops(check, actions)
    for entry in milestones:
        check.refer(entry, "workstream", stream_ids, "workstream")
    changes = [_change(check, entry, action_ids) for entry in history]
    meetings: list[dt.date] = []
    for entry in parts["meetings"]:
        if entry["date"] is not None and entry["date"] not in meetings:
            meetings.append(entry["date"])
    return Review(
        **_fields(review, Review),
        meetings=tuple(sorted(meetings)),
        workstreams=tuple(Workstream(**_fields(e, Workstream)) for e in streams),
        recommendations=tuple(Recommendation(**_fields(e, Recommendation)) for e in recs),
        actions=tuple(Action(**_fields(e, Action)) for e in actions),
        milestones=tuple(Milestone(**_fields(e, Milestone)) for e in milestones),
        history=tuple(c for c in changes if c is not None),
    )


def _change(check: Checker, entry: Entry, actions: Mapping[str, Entry]) -> Change | None:
    check.refer(entry, "action", actions, "action")
    values: dict[str, Any] = dict(entry.values)
    convert = HISTORY_VALUES.get(entry["field"] or "")
    if convert is not None:
        for name in ("old", "new"):
            if values.get(name) is None:
                continue
            try:
                value = convert(values[name])
            except BadValue as bad:
                check.problem(entry.record, name, f"{name}: {bad.message}", bad.hint)
                continue
            values[name] = value.isoformat() if isinstance(value, dt.date) else value
    if entry["action"] is None or entry["field"] is None or entry["changed_on"] is None:
        return None
    return Change(**_fields(Entry(entry.record, values), Change))


def _check_dependency_loops(check: Checker, actions: list[Entry]) -> None:
    graph = {e["id"]: tuple(e["depends_on"] or ()) for e in actions if e["id"]}
    entry_of = {e["id"]: e for e in actions if e["id"]}
    state: dict[str, int] = {}  # 1: on the current path, 2: finished

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (loop := visit(nxt, [*path, nxt])):
                return loop
        state[node] = 2
        return None

    for start in graph:
        if start not in state and (loop := visit(start, [start])):
            check.problem(
                entry_of[loop[0]].record, "depends_on",
                f"action '{loop[0]}' waits, through its dependencies, on itself "
                f"({' -> '.join(loop)})",
                "an action cannot depend on one that depends on it: remove one depends_on",
            )  # fmt: skip
            return
