"""Agenda overlap between bodies: shared themes, members and duties, and what they suggest.

Two bodies overlap when their footprints share a council area and, between them, they
share at least :data:`MIN_SHARED` themes and members, or a duty they both discharge in
the same area. Overlaps are ranked by how much is shared (themes + members + duties);
the similarity of their themes and of their members (the Jaccard index: shared /
either) is reported beside it. Each overlap carries suggestions (codes, spelled out in
:data:`SUGGESTIONS`) for aligning the two agendas; a body and its own parent are
flagged ``related`` and get none, since their agendas are meant to meet.

Examples
--------
>>> from diogel.governance.model import Body, Person, Register, Seat
>>> reg = Register("x", "X", ("A",),
...     people=(Person("p1", "P1", "o"), Person("p2", "P2", "o")),
...     bodies=(Body("apb", "APB", "apb", ("A",), themes=("substance-misuse", "health-and-care")),
...             Body("vaw", "VAW", "vawdasv-board", ("A",),
...                  themes=("domestic-abuse", "health-and-care"))),
...     seats=(Seat("p1", "apb"), Seat("p1", "vaw"), Seat("p2", "vaw")))
>>> o = agenda_overlap(reg)[0]
>>> o.shared_themes, o.shared_members, o.strength
(('health-and-care',), ('p1',), 2)
>>> round(o.theme_similarity, 3), o.member_similarity
(0.333, 0.5)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Final

from diogel.governance.model import THEMES, Register

#: What each suggestion code means (gettext message ids).
SUGGESTIONS: Final = {
    "align-plans": "Align the forward work programmes on the themes both bodies share",
    "joint-session": "Hold joint or back-to-back sessions for the members both bodies share",
    "single-lead": "Agree which body leads on the duties both discharge in the same areas",
    "shared-member-load": "Check the load on members who sit on both bodies",
}
#: Themes and members two bodies must share, between them, to count as overlapping.
MIN_SHARED: Final = 2
#: Thresholds for the suggestions: shared themes for aligned plans, shared members for
#: joint sessions.
ALIGN_THEMES: Final = 2
JOINT_MEMBERS: Final = 2


@dataclass(frozen=True)
class Overlap:
    """What two bodies share."""

    body_a: str
    body_b: str
    shared_areas: tuple[str, ...]
    shared_themes: tuple[str, ...]
    shared_members: tuple[str, ...]
    shared_duties: tuple[str, ...]
    theme_similarity: float
    member_similarity: float
    related: bool
    suggestions: tuple[str, ...]

    @property
    def strength(self) -> int:
        """Shared themes, members and duties: how the overlaps are ranked."""
        return len(self.shared_themes) + len(self.shared_members) + len(self.shared_duties)

    def as_dict(self, register: Register, lang: str = "en") -> dict[str, Any]:
        name = register.party_label
        return {
            "bodies": [
                {"id": self.body_a, "name": name(self.body_a, lang)},
                {"id": self.body_b, "name": name(self.body_b, lang)},
            ],
            "shared_areas": [register.council_label(c, lang) for c in self.shared_areas],
            "shared_themes": list(self.shared_themes),
            "shared_members": [name(p, lang) for p in self.shared_members],
            "shared_duties": list(self.shared_duties),
            "theme_similarity": round(self.theme_similarity, 4),
            "member_similarity": round(self.member_similarity, 4),
            "strength": self.strength,
            "related": self.related,
            "suggestions": list(self.suggestions),
        }


def _jaccard(a: set[str], b: set[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def agenda_overlap(register: Register) -> list[Overlap]:
    """Every pair of bodies whose agendas overlap (see the module), strongest first.

    Parameters
    ----------
    register : Register
        A checked register.

    Returns
    -------
    list of Overlap
        Unrelated pairs first (a body and its parent last), each group by ``strength``
        (highest first), then by theme plus member similarity, then by the bodies' order
        in the register.
    """
    members: dict[str, set[str]] = defaultdict(set)
    for seat in register.seats:
        members[seat.body].add(seat.person)
    duties: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for d in register.discharges:
        duties[d.body].update((d.duty, c) for c in d.areas)
    order = {b.id: i for i, b in enumerate(register.bodies)}
    theme_order = list(THEMES)
    person_order = {p.id: i for i, p in enumerate(register.people)}
    found = []
    for a, b in combinations(register.bodies, 2):
        areas = tuple(c for c in a.areas if c in b.areas)
        themes = set(a.themes) & set(b.themes)
        shared = members[a.id] & members[b.id]
        both = duties[a.id] & duties[b.id]
        shared_duties = tuple(sorted({duty for duty, _ in both}))
        if not areas or (len(themes) + len(shared) < MIN_SHARED and not shared_duties):
            continue
        related = a.parent == b.id or b.parent == a.id
        suggestions: list[str] = []
        if not related:
            if len(themes) >= ALIGN_THEMES:
                suggestions.append("align-plans")
            if len(shared) >= JOINT_MEMBERS and themes:
                suggestions.append("joint-session")
            if shared_duties:
                suggestions.append("single-lead")
            if shared and not suggestions:
                suggestions.append("shared-member-load")
        found.append(
            Overlap(
                body_a=a.id,
                body_b=b.id,
                shared_areas=areas,
                shared_themes=tuple(sorted(themes, key=theme_order.index)),
                shared_members=tuple(sorted(shared, key=lambda p: person_order.get(p, 0))),
                shared_duties=shared_duties,
                theme_similarity=_jaccard(set(a.themes), set(b.themes)),
                member_similarity=_jaccard(members[a.id], members[b.id]),
                related=related,
                suggestions=tuple(suggestions),
            )
        )
    return sorted(
        found,
        key=lambda o: (
            o.related, -o.strength, -(o.theme_similarity + o.member_similarity),
            order[o.body_a], order[o.body_b],
        ),
    )  # fmt: skip
