"""Edit a register one entry at a time, with exactly the checks a register file gets.

An edit turns the register back into records (as if it had been written to a file),
adds, replaces or removes one entry, and checks the whole register again with
:func:`~diogel.governance.validate.check_records`. So an unknown body, duty or council,
a loop of parent bodies, or a number that is not a number is refused just as
``diogel governance load`` refuses it; and every problem of the edited entry names
the field it concerns, for a form to show beside that field.

Entries are found by their key: the ``id`` of an organisation, person, body or duty;
the duty and body of a discharge; the person and body of a seat.

Examples
--------
>>> from diogel.governance import example_register
>>> reg = example_register("gwent")
>>> new = put_entry(reg, "seats", {"person": "sharran-lloyd", "body": "safer-gwent",
...                                "hours_per_year": "20"})
>>> new.seats[-1]
Seat(person='sharran-lloyd', body='safer-gwent', role='member', hours_per_year=20.0, illustrative=False, note=None)
>>> put_entry(reg, "bodies", {"id": "gwent-psb", "parent": "safer-gwent"}, key=("gwent-psb",))
Traceback (most recent call last):
...
diogel.governance.edit.EditRefused: parent: body 'gwent-psb' has parent 'safer-gwent', which leads back to it (gwent-psb -> safer-gwent -> gwent-psb). Hint: bodies must form a tree: change or remove one 'parent' in this loop
>>> [(b.reason, b.ref) for b in removal_plan(reg, "organisations", ("mcc",)).blockers][:2]
[('member-of', 'sharran-lloyd'), ('member-of', 'monmouthshire-partnerships')]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from typing import Any, Final

from diogel.errors import InputError, NotFoundError
from diogel.geography import Geography
from diogel.governance.fields import SPECS, suggest
from diogel.governance.model import Register
from diogel.governance.sources import REVIEW_PARTS, RawValue, Record, RegisterError
from diogel.governance.validate import check_records

#: The sections that can be edited entry by entry, and the fields that identify an entry.
KEYS: Final[dict[str, tuple[str, ...]]] = {
    "organisations": ("id",),
    "people": ("id",),
    "bodies": ("id",),
    "duties": ("id",),
    "discharges": ("duty", "body"),
    "seats": ("person", "body"),
}
#: The file name the edited entry's record carries, so its problems can be told apart.
FORM: Final = "(the form)"
#: The file name every other record carries.
REGISTER: Final = "(the register)"
#: Why an entry cannot be removed: what else in the register still refers to it.
BLOCKERS: Final = {
    "parent": "it is the parent of body {ref}",
    "member-of": "{ref} works for it",
    "chair": "it chairs {ref}",
    "secretariat": "it is the secretariat of {ref}",
    "commissioned": "it commissioned review {ref}",
    "lead": "it leads workstream {ref}",
    "owner": "it owns action {ref}",
}
_WHAT: Final = {
    "organisations": "organisation", "people": "person", "bodies": "body", "duties": "duty",
    "discharges": "discharge", "seats": "seat",
}  # fmt: skip


@dataclass(frozen=True)
class Problem:
    """One problem with an edit: the field it concerns (None: the entry as a whole, or
    another entry it would break), what is wrong, and what to do.

    ``code`` is ``"required"`` for a required field left empty, ``"blocked"`` for an
    entry something else still refers to, and ``"invalid"`` otherwise.
    """

    field: str | None
    message: str
    hint: str | None = None
    code: str = "invalid"


class EditRefused(InputError):
    """An edit would leave the register with problems; nothing was changed.

    Examples
    --------
    >>> err = EditRefused([Problem("name", "this is required", code="required")])
    >>> str(err), err.problems[0].field
    ('name: this is required', 'name')
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        first = problems[0]
        where = f"{first.field}: " if first.field and first.code != "blocked" else ""
        super().__init__(where + first.message, hint=first.hint)
        self.problems = tuple(problems)

    def __reduce__(self) -> tuple[object, ...]:
        return (EditRefused, (self.problems,))


@dataclass(frozen=True)
class Removal:
    """What removing an entry takes with it, and what stops it.

    ``cascade`` lists the entries removed with it as (section, key) pairs: a body's
    discharges and seats, a duty's discharges, a person's seats, the discharges an
    organisation makes. ``blockers`` say what else still refers to it.
    """

    section: str
    key: tuple[str, ...]
    cascade: tuple[tuple[str, tuple[str, ...]], ...]
    blockers: tuple[Blocker, ...]

    def removed(self, section: str) -> int:
        """How many entries of ``section`` go with it."""
        return sum(s == section for s, _ in self.cascade)


@dataclass(frozen=True)
class Blocker:
    """Something still referring to an entry: ``reason`` is a key of :data:`BLOCKERS`,
    ``ref`` the id of what refers to it."""

    reason: str
    ref: str

    def message(self) -> str:
        return BLOCKERS[self.reason].format(ref=self.ref)


def entry_key(item: Any, section: str) -> tuple[str, ...]:
    """The key of an entry: its id, or (duty, body), or (person, body)."""
    return tuple(str(getattr(item, name)) for name in KEYS[section])


def find_entry(register: Register, section: str, key: Sequence[str]) -> Any:
    """The entry of ``section`` with ``key``.

    Raises
    ------
    NotFoundError
        If the section cannot be edited or has no such entry.
    """
    _check_section(section)
    wanted = tuple(key)
    for item in getattr(register, section):
        if entry_key(item, section) == wanted:
            return item
    known = ["+".join(entry_key(i, section)) for i in getattr(register, section)]
    raise NotFoundError(
        f"the register has no {_WHAT[section]} '{'+'.join(wanted)}'",
        hint=suggest("+".join(wanted), known, _WHAT[section]),
    )


def _check_section(section: str) -> None:
    if section not in KEYS:
        raise NotFoundError(
            f"'{section}' is not a part of the register that can be edited",
            hint=f"edit one of: {', '.join(KEYS)}",
        )


def _raw(value: Any) -> RawValue:
    """A value as the text a register file would hold (codes for council areas)."""
    if value is None or value is False or value == ():
        return None
    if value is True:
        return "true"
    if isinstance(value, tuple | list):
        return [str(_raw(v)) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def entry_fields(item: Any, section: str) -> dict[str, RawValue]:
    """An entry's fields as text, in the order of its section (council areas by code).

    >>> from diogel.governance.model import Body
    >>> entry_fields(Body("psb", "PSB", "psb", ("W06000022",), meetings_per_year=4.0), "bodies")
    {'id': 'psb', 'name': 'PSB', 'kind': 'psb', 'areas': ['W06000022'], 'meetings_per_year': '4'}
    """
    names = {f.name for f in dataclass_fields(item)}
    out: dict[str, RawValue] = {}
    for name in SPECS[section]:
        if name in names:
            value = _raw(getattr(item, name))
            if value is not None:
                out[name] = value
    return out


def register_records(register: Register) -> list[Record]:
    """The register as the records a file holding it would give (one line per record)."""
    records = [
        Record(
            "register",
            {
                "region": register.region, "name": register.name, "name_cy": register.name_cy,
                "councils": list(register.councils), "source": register.source,
                "note": register.note,
            },
            REGISTER,
            1,
        )
    ]  # fmt: skip

    def add(section: str, fields: dict[str, RawValue]) -> None:
        line = len(records) + 1
        records.append(Record(section, fields, REGISTER, line, dict.fromkeys(fields, line)))

    for section in KEYS:
        for item in getattr(register, section):
            add(section, entry_fields(item, section))
    for review in register.reviews:
        add("reviews", entry_fields(review, "reviews"))
        for day in review.meetings:
            add("meetings", {"review": review.id, "date": day.isoformat()})
        for part in REVIEW_PARTS[1:]:
            for item in getattr(review, part):
                add(part, {"review": review.id, **entry_fields(item, part)})
    return records


def _clean(value: RawValue) -> RawValue:
    """Form text: surrounding spaces dropped, empty text and empty lists as None."""
    if isinstance(value, list):
        items = [v.strip() for v in value if v and v.strip()]
        return items or None
    if value is None:
        return None
    return value.strip() or None


def _label(record: Record) -> str:
    """How an entry is named in a problem about it (not the one being edited)."""
    f = record.fields
    if record.section == "discharges":
        return f"the discharge of duty {f.get('duty')} by {f.get('body')}"
    if record.section == "seats":
        return f"the seat of {f.get('person')} on {f.get('body')}"
    if record.section in _WHAT:
        return f"{_WHAT[record.section]} {f.get('id')}"
    return f"{record.section} entry {f.get('id') or ''}".strip()


def _check(
    records: list[Record],
    form: Record | None,
    geography: Geography | None,
    problems: list[Problem] | None = None,
) -> tuple[Register, list[Problem]]:
    """Check records; the register, or the problems (``problems`` found already, then
    the form's, by field, then those of other entries)."""
    problems = list(problems or [])
    taken = any(p.field == "id" for p in problems)
    missing: set[str] = set()
    if form is not None:
        for name, (_convert, required) in SPECS[form.section].items():
            if required and form.fields.get(name) is None:
                missing.add(name)
                problems.append(Problem(name, "this is required", code="required"))
    built, found = check_records(records, geography=geography)
    by_line = {r.line: r for r in records if r.file == REGISTER}
    for p in found:
        if taken and (p.field == "id" or p.file != FORM):
            continue  # a reused id: said on the form; what it would break elsewhere is noise
        problems.extend(_problem(p, missing, by_line))
    if problems or built is None:
        raise EditRefused(problems or [Problem(None, "the register could not be checked")])
    return built, problems


#: "(also line 12)" and the like: lines of a file that, for an edit, was never written.
_LINE_NOTE: Final = re.compile(r" \((?:also )?(?:on )?line \d+\)")


def _problem(p: RegisterError, missing: set[str], by_line: Mapping[int, Record]) -> list[Problem]:
    p = RegisterError(p.file, p.line, _LINE_NOTE.sub("", p.detail), p.hint, p.field)
    if p.file == FORM:
        if p.field in missing:
            return []  # already reported, in words fit for a form
        detail = p.detail.removeprefix(f"{p.field}: ") if p.field else p.detail
        return [Problem(p.field, detail, p.hint)]
    other = by_line.get(p.line)
    where = _label(other) if other is not None else "the register"
    return [Problem(None, f"{where}: {p.detail}", p.hint)]


def put_entry(
    register: Register,
    section: str,
    fields: Mapping[str, RawValue],
    *,
    key: Sequence[str] | None = None,
    geography: Geography | None = None,
) -> Register:
    """The register with an entry added (no ``key``) or changed (the entry with ``key``).

    Parameters
    ----------
    register : Register
        A checked register.
    section : str
        One of :data:`KEYS`.
    fields : mapping
        Field values as text (lists for areas, themes and requirements). When changing
        an entry, fields not given keep their values and empty ones are cleared; an id
        cannot be changed (remove the entry and add it again).
    key : sequence of str, optional
        The entry to change.

    Raises
    ------
    EditRefused
        With every problem the change would make, by field.
    NotFoundError
        If ``section`` cannot be edited or has no entry with ``key``.
    """
    _check_section(section)
    given = {name: _clean(value) for name, value in fields.items()}
    records = register_records(register)
    early: list[Problem] = []
    if key is None:
        values = given
        new_id = values.get("id")
        if isinstance(new_id, str) and "id" in KEYS[section]:
            early += _id_taken(register, section, new_id)
        index = len(records)
        previous = [r for r in records if r.section == section]
        if previous:  # next to its section, so that the order of entries is kept
            index = records.index(previous[-1]) + 1
    else:
        item = find_entry(register, section, key)
        values = {**entry_fields(item, section), **given}
        if section in {"organisations", "people", "bodies", "duties"} and values["id"] != key[0]:
            raise EditRefused([Problem(
                "id", f"the id of {_WHAT[section]} '{key[0]}' cannot be changed",
                "remove the entry and add it again with the new id",
            )])  # fmt: skip
        index = next(
            i for i, r in enumerate(records)
            if r.section == section and tuple(str(r.fields.get(n)) for n in KEYS[section])
            == tuple(key)
        )  # fmt: skip
        del records[index]
    names = list(values)
    form = Record(section, values, FORM, 1, {n: i + 2 for i, n in enumerate(names)})
    records.insert(index, form)
    built, _ = _check(records, form, geography, early)
    return built


def _id_taken(register: Register, section: str, new_id: str) -> list[Problem]:
    """A problem if a new entry's id is in use (ids of organisations, people and bodies
    are shared; duties have their own)."""
    shared = ("organisations", "people", "bodies")
    for other in shared if section in shared else (section,):
        for item in getattr(register, other):
            if item.id == new_id:
                return [Problem(
                    "id", f"the id '{new_id}' is already used by {_WHAT[other]} "
                    f"{item.label()}", "choose another id",
                )]  # fmt: skip
    return []


def removal_plan(register: Register, section: str, key: Sequence[str]) -> Removal:
    """What removing the entry with ``key`` would take with it, and what stops it.

    Raises
    ------
    NotFoundError
        If ``section`` cannot be edited or has no entry with ``key``.
    """
    find_entry(register, section, key)
    key = tuple(key)
    cascade: list[tuple[str, tuple[str, ...]]] = []
    blockers: list[Blocker] = []
    the_id = key[0]
    if section in {"bodies", "organisations"}:
        cascade += [("discharges", entry_key(d, "discharges"))
                    for d in register.discharges if d.body == the_id]  # fmt: skip
    if section == "bodies":
        cascade += [("seats", entry_key(s, "seats")) for s in register.seats if s.body == the_id]
        blockers += [Blocker("parent", b.id) for b in register.bodies if b.parent == the_id]
    if section == "duties":
        cascade += [("discharges", entry_key(d, "discharges"))
                    for d in register.discharges if d.duty == the_id]  # fmt: skip
    if section == "people":
        cascade += [("seats", entry_key(s, "seats")) for s in register.seats if s.person == the_id]
    if section == "organisations":
        blockers += [
            Blocker("member-of", p.id) for p in register.people if p.organisation == the_id
        ]
        blockers += [Blocker("chair", b.id) for b in register.bodies if b.chair == the_id]
        blockers += [Blocker("secretariat", b.id) for b in register.bodies
                     if b.secretariat == the_id]  # fmt: skip
    if section in {"bodies", "organisations", "people"}:
        for review in register.reviews:
            if review.commissioned_by == the_id:
                blockers.append(Blocker("commissioned", review.id))
            blockers += [Blocker("lead", w.id) for w in review.workstreams if w.lead == the_id]
            blockers += [Blocker("owner", a.id) for a in review.actions if a.owner == the_id]
    return Removal(section, key, tuple(cascade), tuple(blockers))


def remove_entry(
    register: Register,
    section: str,
    key: Sequence[str],
    *,
    geography: Geography | None = None,
) -> Register:
    """The register without the entry with ``key`` (and what goes with it, see
    :func:`removal_plan`).

    Raises
    ------
    EditRefused
        If something else still refers to the entry (``code="blocked"``), naming it.
    NotFoundError
        If ``section`` cannot be edited or has no entry with ``key``.
    """
    plan = removal_plan(register, section, key)
    if plan.blockers:
        raise EditRefused([
            Problem(None, f"{_WHAT[section]} '{'+'.join(plan.key)}' cannot be removed: "
                    f"{b.message()}", _unblock_hint(b), code="blocked")
            for b in plan.blockers
        ])  # fmt: skip
    gone = {(section, plan.key), *plan.cascade}
    records = [
        r for r in register_records(register)
        if r.section not in KEYS
        or (r.section, tuple(str(r.fields.get(n)) for n in KEYS[r.section])) not in gone
    ]  # fmt: skip
    built, _ = _check(records, None, geography)
    return built


def _unblock_hint(blocker: Blocker) -> str:
    return {
        "parent": "give that body another parent (or none) first",
        "member-of": "move that person to another organisation, or remove them, first",
        "chair": "give that body another chair first",
        "secretariat": "give that body another secretariat first",
        "commissioned": "a review's commissioning body cannot be removed while it is loaded",
        "lead": "give that workstream another lead first",
        "owner": "give that action another owner first",
    }[blocker.reason]
