"""The review tracker: each action's state on a given day, drift alerts, and recorded updates.

Everything is relative to a ``today`` the caller gives, so that a paper for a past
meeting, or a test, sees the review as it stood then: history after ``today`` is
undone by :func:`review_as_of`.

Drift alerts
------------
- ``overdue``: an open action whose due date has passed;
- ``slipped``: an open action whose due date has been moved back at least once;
- ``stale``: an open action with no update for ``stale_weeks`` weeks or more;
- ``dependency``: an open action due before an open action it waits for, or waiting
  for a dropped one;
- ``milestone-overdue``: a milestone past its date and not reached.

Examples
--------
>>> import datetime as dt
>>> from diogel.governance import example_register
>>> status = review_status(example_register("gwent"), today=dt.date(2023, 3, 16))
>>> sorted({(a.kind, a.ref) for a in status.alerts})[:3]
[('dependency', '6.2-b'), ('milestone-overdue', 'board-mapping'), ('overdue', '6.2-b')]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, Final

from diogel.errors import InputError, NotFoundError
from diogel.governance.fields import BadValue, FieldError, one_of, suggest, to_date
from diogel.governance.model import RAGS, STATUSES, Action, Change, Register, Review
from diogel.i18n import Translator

#: Weeks without an update after which an open action is flagged.
STALE_WEEKS: Final = 8
#: Alert kinds, most serious first.
ALERT_KINDS: Final = ("overdue", "milestone-overdue", "slipped", "dependency", "stale")


@dataclass(frozen=True)
class ActionState:
    """An action on a given day: its RAG (given, or derived when none is), last update,
    days overdue and how often and how far its due date has been put back."""

    action: Action
    rag: str | None
    rag_given: bool
    last_update: dt.date | None
    days_overdue: int
    slips: int
    days_slipped: int


@dataclass(frozen=True)
class Alert:
    """One drift alert about an action or milestone."""

    kind: str
    ref: str
    days: int
    count: int = 0
    other: str | None = None


@dataclass(frozen=True)
class ReviewStatus:
    """A review on a given day: every action's state and the drift alerts."""

    review: Review
    today: dt.date
    stale_weeks: int
    actions: tuple[ActionState, ...]
    alerts: tuple[Alert, ...]

    def by_status(self) -> dict[str, int]:
        """Actions in each status, in tracker order."""
        return {s: sum(a.action.status == s for a in self.actions) for s in STATUSES}

    def by_rag(self) -> dict[str, int]:
        """Open actions by (effective) RAG rating."""
        return {r: sum(a.rag == r and a.action.is_open for a in self.actions) for r in RAGS}

    def state(self, action_id: str) -> ActionState:
        return next(a for a in self.actions if a.action.id == action_id)

    def as_dict(self, register: Register, t: Translator) -> dict[str, Any]:
        """JSON-ready: counts, every action's state, and alerts with their messages."""
        return {
            "review": {"id": self.review.id, "title": self.review.label(t.lang)},
            "today": self.today.isoformat(),
            "stale_weeks": self.stale_weeks,
            "by_status": self.by_status(),
            "by_rag": self.by_rag(),
            "actions": [
                {
                    "id": s.action.id,
                    "title": s.action.label(t.lang),
                    "recommendation": s.action.recommendation,
                    "owner": register.party_label(s.action.owner, t.lang),
                    "due": s.action.due,
                    "status": s.action.status,
                    "rag": s.rag,
                    "rag_derived": not s.rag_given and s.rag is not None,
                    "last_update": s.last_update,
                    "days_overdue": s.days_overdue,
                    "slips": s.slips,
                    "depends_on": list(s.action.depends_on),
                }
                for s in self.actions
            ],
            "alerts": [
                {
                    "kind": a.kind,
                    "ref": a.ref,
                    "days": a.days,
                    "count": a.count,
                    "other": a.other,
                    "message": describe_alert(a, self.review, t),
                }
                for a in self.alerts
            ],
        }


def review_as_of(review: Review, day: dt.date) -> Review:
    """The review as it stood at the end of ``day``: later history undone, later actions
    left out, milestones reached later shown as not yet reached.

    >>> from diogel.governance import example_register
    >>> review = example_register("gwent").reviews[0]
    >>> review.action("6.1-a").status, review_as_of(review, dt.date(2023, 1, 1)).action("6.1-a").status
    ('done', 'not-started')
    """
    later = [h for h in review.history if h.changed_on > day]
    actions = {a.id: a for a in review.actions}
    for change in sorted(later, key=lambda h: h.changed_on, reverse=True):
        action = actions.get(change.action)
        if action is None:
            continue
        if change.field == "status" and change.old:
            actions[action.id] = replace(action, status=change.old)
        elif change.field == "rag":
            actions[action.id] = replace(action, rag=change.old)
        elif change.field == "due":
            actions[action.id] = replace(action, due=to_date(change.old))
    return replace(
        review,
        actions=tuple(a for a in actions.values() if a.created_on is None or a.created_on <= day),
        milestones=tuple(
            m if m.done_on is None or m.done_on <= day else replace(m, done_on=None)
            for m in review.milestones
        ),
        history=tuple(h for h in review.history if h.changed_on <= day),
    )


def _derived_rag(action: Action, overdue: int, slips: int, stale: bool) -> str | None:
    if not action.is_open:
        return None
    if overdue > 0 or action.status == "blocked":
        return "red"
    return "amber" if slips or stale else "green"


def review_status(
    register: Register,
    review_id: str | None = None,
    *,
    today: dt.date,
    stale_weeks: int = STALE_WEEKS,
) -> ReviewStatus:
    """Every action's state and the drift alerts of a review, as of ``today``.

    Parameters
    ----------
    register : Register
        A checked register with at least one review.
    review_id : str, optional
        Which review (default: the first).
    today : datetime.date
        The day to judge from; history after it is ignored.
    stale_weeks : int
        Weeks without an update before an open action is flagged as stale.

    Raises
    ------
    NotFoundError
        If the register has no such review.
    """
    review = register.review(review_id)
    if review is None:
        raise NotFoundError(
            f"no review called '{review_id}'" if review_id else "the register has no review",
            hint=suggest(review_id or "", [r.id for r in register.reviews], "review"),
        )
    review = review_as_of(review, today)
    states = []
    alerts: list[Alert] = []
    actions = {a.id: a for a in review.actions}
    for action in review.actions:
        mine = [h for h in review.history if h.action == action.id]
        updates = [h.changed_on for h in mine] + [d for d in (action.created_on,) if d]
        last = max(updates) if updates else review.agreed_on
        slipped: list[tuple[dt.date, dt.date]] = []
        for h in mine:
            before, after = (to_date(h.old), to_date(h.new)) if h.field == "due" else (None, None)
            if before and after and after > before:
                slipped.append((before, after))
        days_slipped = sum((after - before).days for before, after in slipped)
        overdue = (today - action.due).days if action.due and action.due < today else 0
        stale = last is not None and (today - last).days >= 7 * stale_weeks
        states.append(
            ActionState(
                action=action,
                rag=action.rag if action.rag and action.is_open else
                _derived_rag(action, overdue, len(slipped), stale),
                rag_given=action.rag is not None,
                last_update=last,
                days_overdue=overdue if action.is_open else 0,
                slips=len(slipped),
                days_slipped=days_slipped,
            )
        )  # fmt: skip
        if not action.is_open:
            continue
        if overdue:
            alerts.append(Alert("overdue", action.id, overdue))
        if slipped:
            alerts.append(Alert("slipped", action.id, days_slipped, count=len(slipped)))
        if stale and last is not None:
            alerts.append(Alert("stale", action.id, (today - last).days))
        for dep_id in action.depends_on:
            dep = actions.get(dep_id)
            if dep is None:
                continue
            if dep.status == "dropped":
                alerts.append(Alert("dependency", action.id, 0, other=dep.id))
            elif dep.is_open and dep.due and action.due and dep.due > action.due:
                alerts.append(Alert("dependency", action.id, (dep.due - action.due).days,
                                    other=dep.id))  # fmt: skip
    for milestone in review.milestones:
        if milestone.done_on is None and milestone.due < today:
            alerts.append(Alert("milestone-overdue", milestone.id, (today - milestone.due).days))
    order = {a.id: i for i, a in enumerate(review.actions)}
    order.update({m.id: len(order) + i for i, m in enumerate(review.milestones)})
    alerts.sort(key=lambda a: (ALERT_KINDS.index(a.kind), order.get(a.ref, 0)))
    return ReviewStatus(review, today, stale_weeks, tuple(states), tuple(alerts))


def describe_alert(alert: Alert, review: Review, t: Translator) -> str:
    """One sentence, in the translator's language, saying what an alert means."""
    days = t.ngettext("{n} day", "{n} days", alert.days)
    if alert.kind == "milestone-overdue":
        milestone = next(m for m in review.milestones if m.id == alert.ref)
        return t(
            "Milestone '{title}' was due on {due} and is {days} late.",
            title=milestone.label(t.lang), due=t.date(milestone.due), days=days,
        )  # fmt: skip
    action = review.action(alert.ref)
    due = t.date(action.due) if action and action.due else "-"
    if alert.kind == "overdue":
        return t("Action {ref} is overdue: it was due on {due} and is {days} late.",
                 ref=alert.ref, due=due, days=days)  # fmt: skip
    if alert.kind == "slipped":
        times = t.ngettext("once", "{n} times", alert.count)
        return t(
            "Action {ref} has slipped: its due date has been put back {times}, by {days} "
            "in all, to {due}.", ref=alert.ref, times=times, days=days, due=due,
        )  # fmt: skip
    if alert.kind == "stale":
        weeks = t.ngettext("{n} week", "{n} weeks", alert.days // 7)
        return t("Action {ref} has had no update for {weeks}.", ref=alert.ref, weeks=weeks)
    other = review.action(alert.other or "")
    if other is not None and other.status == "dropped":
        return t("Action {ref} waits for action {other}, which has been dropped.",
                 ref=alert.ref, other=alert.other)  # fmt: skip
    return t(
        "Action {ref} is due on {due}, {days} before action {other}, which it waits for.",
        ref=alert.ref, due=due, days=days, other=alert.other,
    )  # fmt: skip


def plan_update(
    register: Register,
    review_id: str | None,
    action_id: str,
    *,
    on: dt.date,
    status: str | None = None,
    due: str | dt.date | None = None,
    rag: str | None = None,
    note: str | None = None,
    note_cy: str | None = None,
) -> tuple[Review, list[Change], dict[str, object]]:
    """Check an update to an action and return the history entries and column changes
    it makes (the caller stores them; see :func:`diogel.governance.registry`).

    Raises
    ------
    NotFoundError
        If the review or action does not exist.
    InputError
        If a value is not allowed, or the update changes nothing and has no note.
    """
    review = register.review(review_id)
    if review is None:
        raise NotFoundError(f"no review called '{review_id}'",
                            hint=suggest(review_id or "", [r.id for r in register.reviews], "review"))  # fmt: skip
    action = review.action(action_id)
    if action is None:
        raise NotFoundError(
            f"no action called '{action_id}' in review '{review.id}'",
            hint=suggest(action_id, [a.id for a in review.actions], "action"),
        )
    checks: dict[str, tuple[Any, Any]] = {
        "status": (one_of(STATUSES, "status"), status),
        "rag": (one_of(RAGS, "RAG rating"), rag),
        "due": (to_date, due),
    }
    new: dict[str, Any] = {}
    for name, (convert, given) in checks.items():
        try:
            new[name] = given if isinstance(given, dt.date) else convert(given)
        except BadValue as bad:
            raise FieldError(name, bad.message, hint=bad.hint) from None
    new_status, new_rag, new_due = new["status"], new["rag"], new["due"]
    columns: dict[str, object] = {}
    changes: list[Change] = []
    for name, old, new in (("status", action.status, new_status), ("due", action.due, new_due),
                           ("rag", action.rag, new_rag)):  # fmt: skip
        if new is None or new == old:
            continue
        columns[name] = new
        as_text = new.isoformat() if isinstance(new, dt.date) else str(new)
        old_text = old.isoformat() if isinstance(old, dt.date) else old
        changes.append(Change(action.id, name, on, old_text, as_text))
    if not changes:
        if not note:
            raise InputError(
                f"nothing to record for action {action.id}: it already has these values",
                hint="give a new --status, --due or --rag, or a --note for an update",
            )
        changes.append(Change(action.id, "update", on))
    changes[0] = replace(changes[0], note=note, note_cy=note_cy)
    return review, changes, columns
