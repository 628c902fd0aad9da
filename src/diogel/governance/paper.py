"""The update paper for a board meeting, as data: what moved since the last meeting,
where the review is drifting, what the board must decide, and the governance map.

:func:`build_paper` gathers it; ``diogel.reports.governance_paper`` writes it as HTML
or PDF in English or Welsh.

Examples
--------
>>> import datetime as dt
>>> from diogel.governance import example_register
>>> paper = build_paper(example_register("gwent"), dt.date(2023, 3, 16))
>>> paper.previous, paper.next_meeting
(datetime.date(2022, 12, 15), datetime.date(2023, 6, 15))
>>> [a.id for a in paper.completed]
['6.1-a', '6.4-a']
>>> [r.id for r in paper.decisions_recommendations], [a.id for a in paper.decisions_actions]
(['6.4'], ['6.1-b', '6.3-d', '6.4-b'])
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from diogel.errors import InputError, NotFoundError
from diogel.governance.coverage import Coverage, duty_coverage
from diogel.governance.model import (
    Action,
    Body,
    Change,
    Milestone,
    Recommendation,
    Register,
    Review,
)
from diogel.governance.overlap import Overlap, agenda_overlap
from diogel.governance.tracker import STALE_WEEKS, ReviewStatus, review_status
from diogel.governance.workload import Load, officer_load

#: With no next meeting in the register, "due before the next meeting" looks this far ahead.
LOOK_AHEAD_DAYS: Final = 91


@dataclass(frozen=True)
class Movement:
    """An action and the changes recorded to it since the last meeting."""

    action: Action
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class UpdatePaper:
    """Everything the update paper for one meeting says."""

    register: Register
    review: Review
    board: Body
    meeting: dt.date
    previous: dt.date | None
    next_meeting: dt.date | None
    status: ReviewStatus
    moved: tuple[Movement, ...]
    completed: tuple[Action, ...]
    new_actions: tuple[Action, ...]
    due_before_next: tuple[Action, ...]
    decisions_recommendations: tuple[Recommendation, ...]
    decisions_actions: tuple[Action, ...]
    milestones: tuple[Milestone, ...]
    coverage: Coverage
    load: Load
    overlaps: tuple[Overlap, ...]

    @property
    def since(self) -> dt.date | None:
        """The start of the period the paper reports on: the last meeting, or the day the
        review was agreed."""
        return self.previous or self.review.agreed_on

    @property
    def has_illustrative(self) -> bool:
        """Whether anything the paper shows is marked illustrative in the register."""
        reg, rev = self.register, self.review
        groups: list[tuple[object, ...]] = [
            reg.bodies, reg.people, reg.seats, reg.discharges, rev.actions,
            rev.recommendations, rev.milestones, rev.history,
        ]  # fmt: skip
        return rev.illustrative or any(getattr(x, "illustrative", False) for g in groups for x in g)


def build_paper(
    register: Register,
    meeting: dt.date,
    review_id: str | None = None,
    *,
    stale_weeks: int = STALE_WEEKS,
) -> UpdatePaper:
    """Gather the update paper for the meeting on ``meeting``.

    The review is taken as it stood at the end of the meeting day (later history is
    ignored), so a paper for a past meeting can be written again unchanged.

    Parameters
    ----------
    register : Register
        A checked register with the review.
    meeting : datetime.date
        The meeting the paper goes to (the "today" of the drift alerts).
    review_id : str, optional
        Which review (default: the first).
    stale_weeks : int
        As for :func:`~diogel.governance.tracker.review_status`.

    Raises
    ------
    NotFoundError
        If the review, or the body that commissioned it, is not in the register.
    InputError
        If the meeting is before the review was agreed.
    """
    status = review_status(register, review_id, today=meeting, stale_weeks=stale_weeks)
    review = status.review
    board = register.body(review.commissioned_by)
    if board is None:  # pragma: no cover - the validator checks this
        raise NotFoundError(
            f"the body '{review.commissioned_by}' that commissioned the review is not in the register",
            hint="check the review's commissioned_by",
        )
    if review.agreed_on and meeting < review.agreed_on:
        raise InputError(
            f"the meeting on {meeting.isoformat()} is before the review was agreed "
            f"({review.agreed_on.isoformat()})",
            hint="give the date of a meeting after the review began",
        )
    previous = max((m for m in review.meetings if m < meeting), default=None)
    next_meeting = min((m for m in review.meetings if m > meeting), default=None)
    since = previous or review.agreed_on or dt.date.min

    def in_window(day: dt.date | None) -> bool:
        return day is not None and since < day <= meeting

    moved = []
    completed = []
    for action in review.actions:
        changes = tuple(
            h for h in review.history if h.action == action.id and in_window(h.changed_on)
        )
        if changes:
            moved.append(Movement(action, changes))
        if any(h.field == "status" and h.new == "done" for h in changes):
            completed.append(action)
    horizon = next_meeting or meeting + dt.timedelta(days=LOOK_AHEAD_DAYS)
    return UpdatePaper(
        register=register,
        review=review,
        board=board,
        meeting=meeting,
        previous=previous,
        next_meeting=next_meeting,
        status=status,
        moved=tuple(moved),
        completed=tuple(completed),
        new_actions=tuple(a for a in review.actions if in_window(a.created_on)),
        due_before_next=tuple(
            a for a in review.actions if a.is_open and a.due and meeting < a.due <= horizon
        ),
        decisions_recommendations=tuple(
            r for r in review.recommendations if r.decision in ("proposed", "deferred")
        ),
        decisions_actions=tuple(a for a in review.actions if a.is_open and a.decision),
        milestones=review.milestones,
        coverage=duty_coverage(register),
        load=officer_load(register),
        overlaps=tuple(o for o in agenda_overlap(register) if o.suggestions),
    )
