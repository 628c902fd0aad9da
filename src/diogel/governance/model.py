"""The governance register and review tracker as frozen records: bodies, duties, people, reviews.

A :class:`Register` holds everything one region keeps: its council areas, the
organisations and people in its partnerships, the bodies (boards and partnerships),
the statutory duties, which body discharges which duty where, who sits on what, and
the reviews it is running with their workstreams, recommendations, actions,
milestones, meetings and history. Identifiers are short slugs (``gwent-psb``); every
text a board paper shows has a Welsh twin (``name_cy``, ``title_cy``) that falls back
to English. ``illustrative`` marks entries a source document did not give.

Examples
--------
>>> body = Body("gwent-psb", "Gwent Public Services Board", "psb", ("W06000019",),
...             name_cy="Bwrdd Gwasanaethau Cyhoeddus Gwent")
>>> body.label("cy")
'Bwrdd Gwasanaethau Cyhoeddus Gwent'
>>> Action("a1", "Appoint a coordinator", status="done").is_open
False
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

#: Kinds of body. Each is a gettext message id in ``governance.po`` once spelled out.
BODY_KINDS: Final = {
    "psb": "Public Services Board",
    "csp": "Community Safety Partnership",
    "regional-board": "Regional community safety board",
    "apb": "Area Planning Board (substance misuse)",
    "vawdasv-board": "VAWDASV board",
    "rpb": "Regional Partnership Board",
    "rpb-sub-board": "Regional Partnership Board sub-board",
    "svd-partnership": "Serious Violence Duty partnership",
    "channel-panel": "Channel panel",
    "contest-board": "CONTEST (Prevent) board",
    "youth-justice-board": "Youth justice management board",
    "mappa": "MAPPA strategic management board",
    "safeguarding-board": "Safeguarding board",
    "working-group": "Working group",
    "other": "Other body",
}

#: Kinds of organisation.
ORGANISATION_KINDS: Final = {
    "council": "Council",
    "police": "Police",
    "pcc": "Police and crime commissioner",
    "health": "Health board",
    "fire": "Fire and rescue service",
    "probation": "Probation",
    "government": "Government",
    "network": "Network or association",
    "education": "Education",
    "housing": "Housing",
    "voluntary": "Voluntary sector",
    "other": "Other organisation",
}

#: Themes bodies work on: a fixed vocabulary, so that agendas can be compared.
THEMES: Final = {
    "community-safety": "Community safety",
    "crime-and-disorder": "Crime and disorder",
    "substance-misuse": "Substance misuse",
    "domestic-abuse": "Domestic abuse",
    "sexual-violence": "Sexual violence",
    "serious-violence": "Serious violence",
    "asb": "Anti-social behaviour",
    "reoffending": "Reoffending",
    "youth-justice": "Youth justice",
    "counter-terrorism": "Counter-terrorism and Prevent",
    "safeguarding": "Safeguarding",
    "exploitation": "Exploitation",
    "health-and-care": "Health and social care",
    "mental-health": "Mental health",
    "children-and-young-people": "Children and young people",
    "education": "Education",
    "housing": "Housing",
    "well-being": "Well-being",
    "public-protection": "Public protection",
    "data-and-evidence": "Data and evidence",
}

#: What a duty can require.
REQUIREMENTS: Final = {
    "assessment": "an assessment",
    "strategy": "a strategy",
    "plan": "a plan",
    "panel": "a panel",
    "reviews": "case reviews",
    "arrangements": "arrangements",
    "due-regard": "due regard in all functions",
    "report": "a published report",
    "services": "services",
}

#: Roles a person can hold on a body.
SEAT_ROLES: Final = {
    "chair": "Chair",
    "vice-chair": "Vice-chair",
    "member": "Member",
    "secretariat": "Secretariat",
    "officer": "Lead officer",
    "adviser": "Adviser",
}

#: Status of a review action, in the order a tracker lists them.
STATUSES: Final = {
    "not-started": "Not started",
    "in-progress": "In progress",
    "blocked": "Blocked",
    "done": "Done",
    "dropped": "Dropped",
}
CLOSED_STATUSES: Final = frozenset({"done", "dropped"})

#: Red, amber, green: the rating an action's owner gives it.
RAGS: Final = {"red": "Red", "amber": "Amber", "green": "Green"}

#: What a board has decided about a recommendation.
DECISIONS: Final = {
    "proposed": "Proposed",
    "agreed": "Agreed",
    "deferred": "Deferred",
    "rejected": "Not agreed",
}

#: What a history entry can record about an action.
HISTORY_FIELDS: Final = ("created", "status", "due", "rag", "update")


def pick(english: str, welsh: str | None, lang: str) -> str:
    """The Welsh text when asked for and present, else the English.

    >>> pick("Done", "Wedi'i wneud", "cy"), pick("Done", None, "cy"), pick("Done", "X", "en")
    ("Wedi'i wneud", 'Done', 'Done')
    """
    return welsh if lang == "cy" and welsh else english


@dataclass(frozen=True)
class Organisation:
    """A council, police force, health board or other organisation."""

    id: str
    name: str
    kind: str = "other"
    name_cy: str | None = None
    illustrative: bool = False
    note: str | None = None

    def label(self, lang: str = "en") -> str:
        return pick(self.name, self.name_cy, lang)


@dataclass(frozen=True)
class Person:
    """An officer (or a post, when the register records roles rather than names)."""

    id: str
    name: str
    organisation: str
    role: str | None = None
    name_cy: str | None = None
    role_cy: str | None = None
    illustrative: bool = False
    note: str | None = None

    def label(self, lang: str = "en") -> str:
        return pick(self.name, self.name_cy, lang)


@dataclass(frozen=True)
class Body:
    """A board or partnership: its footprint (council codes), parent, basis and themes."""

    id: str
    name: str
    kind: str
    areas: tuple[str, ...]
    name_cy: str | None = None
    parent: str | None = None
    legal_basis: str | None = None
    chair: str | None = None
    secretariat: str | None = None
    meetings_per_year: float | None = None
    themes: tuple[str, ...] = ()
    illustrative: bool = False
    note: str | None = None

    def label(self, lang: str = "en") -> str:
        return pick(self.name, self.name_cy, lang)


@dataclass(frozen=True)
class Duty:
    """A statutory duty: the legislation and section, who holds it, what it requires."""

    id: str
    title: str
    legislation: str
    section: str
    holders: str
    requires: tuple[str, ...] = ()
    frequency: str | None = None
    title_cy: str | None = None
    legislation_cy: str | None = None
    section_cy: str | None = None
    note: str | None = None

    def label(self, lang: str = "en") -> str:
        return pick(self.title, self.title_cy, lang)

    @property
    def citation(self) -> str:
        return f"{self.legislation} {self.section}"

    def citation_label(self, lang: str = "en") -> str:
        """The Act and section in ``lang`` (Welsh titles where the register gives them)."""
        act = pick(self.legislation, self.legislation_cy, lang)
        return f"{act} {pick(self.section, self.section_cy, lang)}"


@dataclass(frozen=True)
class Discharge:
    """A body (or an organisation acting alone) discharging a duty in some council areas."""

    duty: str
    body: str
    areas: tuple[str, ...]
    illustrative: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Seat:
    """A person's seat on a body and the hours it takes a year (None: estimate it)."""

    person: str
    body: str
    role: str = "member"
    hours_per_year: float | None = None
    illustrative: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Workstream:
    """A strand of a review's work."""

    id: str
    title: str
    lead: str | None = None
    title_cy: str | None = None
    illustrative: bool = False
    note: str | None = None

    def label(self, lang: str = "en") -> str:
        return pick(self.title, self.title_cy, lang)


@dataclass(frozen=True)
class Recommendation:
    """A numbered recommendation put to the board and what it decided."""

    id: str
    text: str
    workstream: str | None = None
    decision: str = "proposed"
    decided_on: dt.date | None = None
    text_cy: str | None = None
    illustrative: bool = False
    note: str | None = None

    def label(self, lang: str = "en") -> str:
        return pick(self.text, self.text_cy, lang)


@dataclass(frozen=True)
class Action:
    """One tracked action: owner, due date, status, RAG and the actions it waits for."""

    id: str
    title: str
    recommendation: str | None = None
    workstream: str | None = None
    owner: str | None = None
    due: dt.date | None = None
    status: str = "not-started"
    rag: str | None = None
    depends_on: tuple[str, ...] = ()
    decision: str | None = None
    created_on: dt.date | None = None
    title_cy: str | None = None
    decision_cy: str | None = None
    illustrative: bool = False
    note: str | None = None

    def label(self, lang: str = "en") -> str:
        return pick(self.title, self.title_cy, lang)

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES


@dataclass(frozen=True)
class Milestone:
    """A dated point the review must reach."""

    id: str
    title: str
    due: dt.date
    workstream: str | None = None
    done_on: dt.date | None = None
    title_cy: str | None = None
    illustrative: bool = False
    note: str | None = None

    def label(self, lang: str = "en") -> str:
        return pick(self.title, self.title_cy, lang)


@dataclass(frozen=True)
class Change:
    """One entry in an action's history: a status, due date or RAG change, or an update."""

    action: str
    field: str
    changed_on: dt.date
    old: str | None = None
    new: str | None = None
    note: str | None = None
    note_cy: str | None = None
    illustrative: bool = False

    def note_label(self, lang: str = "en") -> str | None:
        return pick(self.note, self.note_cy, lang) if self.note else None


@dataclass(frozen=True)
class Review:
    """A review: who commissioned it, and its workstreams, recommendations and actions."""

    id: str
    title: str
    commissioned_by: str
    agreed_on: dt.date | None = None
    title_cy: str | None = None
    meetings: tuple[dt.date, ...] = ()
    workstreams: tuple[Workstream, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    actions: tuple[Action, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    history: tuple[Change, ...] = ()
    illustrative: bool = False
    note: str | None = None

    def label(self, lang: str = "en") -> str:
        return pick(self.title, self.title_cy, lang)

    def action(self, action_id: str) -> Action | None:
        return next((a for a in self.actions if a.id == action_id), None)


@dataclass(frozen=True)
class Register:
    """Everything one region keeps about its governance and its reviews."""

    region: str
    name: str
    councils: tuple[str, ...]
    name_cy: str | None = None
    source: str | None = None
    note: str | None = None
    organisations: tuple[Organisation, ...] = ()
    people: tuple[Person, ...] = ()
    bodies: tuple[Body, ...] = ()
    duties: tuple[Duty, ...] = ()
    discharges: tuple[Discharge, ...] = ()
    seats: tuple[Seat, ...] = ()
    reviews: tuple[Review, ...] = ()
    #: Council names by code, English and Welsh, filled in from the bundled geography.
    council_names: dict[str, tuple[str, str]] = field(default_factory=dict, compare=False)

    def label(self, lang: str = "en") -> str:
        return pick(self.name, self.name_cy, lang)

    def council_label(self, code: str, lang: str = "en") -> str:
        en, cy = self.council_names.get(code, (code, code))
        return cy if lang == "cy" else en

    def body(self, body_id: str) -> Body | None:
        return next((b for b in self.bodies if b.id == body_id), None)

    def review(self, review_id: str | None = None) -> Review | None:
        """A review by id, or the only (or first) one when no id is given."""
        if review_id is None:
            return self.reviews[0] if self.reviews else None
        return next((r for r in self.reviews if r.id == review_id), None)

    def party_label(self, party_id: str | None, lang: str = "en") -> str:
        """The name of a body, organisation or person by id (the id itself if unknown)."""
        if party_id is None:
            return ""
        for group in (self.bodies, self.organisations, self.people):
            for item in group:
                if item.id == party_id:
                    return item.label(lang)
        return party_id
