"""Load per officer and per organisation: seats, chairs and the hours seats take a year.

A seat's hours are what the register records; when it records none, they are
estimated as the body's meetings a year times :data:`HOURS_PER_MEETING` (and marked
estimated). A body with no meeting frequency gives an estimate of zero, marked unknown.

Examples
--------
>>> from diogel.governance.model import Body, Organisation, Person, Register, Seat
>>> reg = Register("x", "X", ("A",),
...     organisations=(Organisation("o", "Org"),),
...     people=(Person("p", "Pat", "o"),),
...     bodies=(Body("b1", "B1", "csp", ("A",), meetings_per_year=4),
...             Body("b2", "B2", "apb", ("A",))),
...     seats=(Seat("p", "b1", "chair"), Seat("p", "b2", hours_per_year=10)))
>>> load = officer_load(reg)
>>> p = load.people[0]
>>> (p.seats, p.chairs, p.hours, p.estimated_hours)
(2, 1, 22.0, 12.0)
>>> load.organisations[0].hours
22.0
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Final

from diogel.governance.model import Register

#: Hours a seat takes per meeting when the register gives none: a two-hour meeting and
#: an hour reading papers.
HOURS_PER_MEETING: Final = 3.0


@dataclass(frozen=True)
class SeatLoad:
    """One seat and its hours a year."""

    person: str
    body: str
    role: str
    hours: float
    basis: str  # "recorded", "estimated" or "unknown"


@dataclass(frozen=True)
class PersonLoad:
    """An officer's seats, chairs and hours a year."""

    person: str
    organisation: str
    bodies: tuple[str, ...]
    seats: int
    chairs: int
    hours: float
    estimated_hours: float
    unknown_seats: int


@dataclass(frozen=True)
class OrganisationLoad:
    """An organisation's people, seats and hours, and the bodies it chairs or services."""

    organisation: str
    people: int
    seats: int
    bodies: tuple[str, ...]
    hours: float
    estimated_hours: float
    chairs: tuple[str, ...]
    secretariats: tuple[str, ...]


@dataclass(frozen=True)
class Load:
    """Load per officer and per organisation, heaviest first."""

    seats: tuple[SeatLoad, ...]
    people: tuple[PersonLoad, ...]
    organisations: tuple[OrganisationLoad, ...]
    hours_per_meeting: float

    def as_dict(self, register: Register, lang: str = "en") -> dict[str, Any]:
        """JSON-ready, with names beside ids."""
        name = register.party_label
        return {
            "hours_per_meeting": self.hours_per_meeting,
            "people": [
                {
                    "id": p.person,
                    "name": name(p.person, lang),
                    "organisation": name(p.organisation, lang),
                    "seats": p.seats,
                    "chairs": p.chairs,
                    "hours": p.hours,
                    "estimated_hours": p.estimated_hours,
                    "bodies": [name(b, lang) for b in p.bodies],
                }
                for p in self.people
            ],
            "organisations": [
                {
                    "id": o.organisation,
                    "name": name(o.organisation, lang),
                    "people": o.people,
                    "seats": o.seats,
                    "bodies": len(o.bodies),
                    "hours": o.hours,
                    "estimated_hours": o.estimated_hours,
                    "chairs": [name(b, lang) for b in o.chairs],
                    "secretariat_for": [name(b, lang) for b in o.secretariats],
                }
                for o in self.organisations
            ],
        }


def officer_load(register: Register, *, hours_per_meeting: float = HOURS_PER_MEETING) -> Load:
    """Seats and hours per officer and per organisation.

    Parameters
    ----------
    register : Register
        A checked register.
    hours_per_meeting : float
        Hours per meeting for seats whose hours the register does not give.

    Returns
    -------
    Load
        People and organisations sorted by hours, then seats (most first), then id.
    """
    bodies = {b.id: b for b in register.bodies}
    seat_loads = []
    for seat in register.seats:
        body = bodies[seat.body]
        if seat.hours_per_year is not None:
            hours, basis = float(seat.hours_per_year), "recorded"
        elif body.meetings_per_year is not None:
            hours, basis = float(body.meetings_per_year) * hours_per_meeting, "estimated"
        else:
            hours, basis = 0.0, "unknown"
        seat_loads.append(SeatLoad(seat.person, seat.body, seat.role, hours, basis))
    by_person: dict[str, list[SeatLoad]] = defaultdict(list)
    for s in seat_loads:
        by_person[s.person].append(s)
    people = []
    for person in register.people:
        mine = by_person.get(person.id, [])
        people.append(
            PersonLoad(
                person=person.id,
                organisation=person.organisation,
                bodies=tuple(s.body for s in mine),
                seats=len(mine),
                chairs=sum(s.role == "chair" for s in mine),
                hours=sum(s.hours for s in mine),
                estimated_hours=sum(s.hours for s in mine if s.basis == "estimated"),
                unknown_seats=sum(s.basis == "unknown" for s in mine),
            )
        )
    organisations = []
    for org in register.organisations:
        staff = [p for p in people if p.organisation == org.id]
        seen: list[str] = []
        for p in staff:
            seen.extend(b for b in p.bodies if b not in seen)
        organisations.append(
            OrganisationLoad(
                organisation=org.id,
                people=sum(p.seats > 0 for p in staff),
                seats=sum(p.seats for p in staff),
                bodies=tuple(seen),
                hours=sum(p.hours for p in staff),
                estimated_hours=sum(p.estimated_hours for p in staff),
                chairs=tuple(b.id for b in register.bodies if b.chair == org.id),
                secretariats=tuple(b.id for b in register.bodies if b.secretariat == org.id),
            )
        )

    def heaviest(item: Any) -> tuple[float, int, str]:
        key = item.person if isinstance(item, PersonLoad) else item.organisation
        return (-item.hours, -item.seats, key)

    return Load(
        seats=tuple(seat_loads),
        people=tuple(sorted(people, key=heaviest)),
        organisations=tuple(sorted(organisations, key=heaviest)),
        hours_per_meeting=hours_per_meeting,
    )
