"""Check register records and build a :class:`Register`; every problem names file, line and fix.

All problems are gathered, then the first (in file order) is raised as one
:class:`RegisterError`, with a count of the others, so nothing half-checked is ever
stored.

Examples
--------
>>> from diogel.governance.sources import read_yaml_text
>>> text = '''
... region: demo
... name: Demo
... councils: [Newport]
... bodies:
...   - {id: psb, name: PSB, kind: psb, areas: all, parent: csp}
...   - {id: csp, name: CSP, kind: csp, areas: [Newport], parent: psb}
... '''
>>> build_register(read_yaml_text(text, "demo.yaml"))
Traceback (most recent call last):
...
diogel.governance.sources.RegisterError: demo.yaml, line 6: body 'psb' has parent 'csp', which leads back to it (psb -> csp -> psb). Hint: bodies must form a tree: change or remove one 'parent' in this loop
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, dataclass, field
from dataclasses import fields as dataclass_fields
from typing import Any

from diogel.errors import NotFoundError
from diogel.geography import Geography
from diogel.governance.fields import (
    AREAS,
    FORMAT,
    SPECS,
    BadValue,
    suggest,
)
from diogel.governance.model import (
    Body,
    Discharge,
    Duty,
    Organisation,
    Person,
    Register,
    Seat,
)
from diogel.governance.sources import Record, RegisterError


@dataclass
class Entry:
    """A record's converted values, kept beside the record for line numbers."""

    record: Record
    values: dict[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)


@dataclass
class Checker:
    """Gathers problems while a register is checked."""

    councils: tuple[str, ...] = ()
    geography: Geography | None = None
    problems: list[RegisterError] = field(default_factory=list)

    def problem(
        self,
        record: Record,
        name: str | None,
        message: str,
        hint: str | None,
        *,
        field: str | None = None,
    ) -> None:
        """Note a problem at the line of field ``name`` (the entry's line when None);
        ``field`` names the field concerned when it is absent, so has no line."""
        line = record.line_of(name) if name else record.line
        self.problems.append(RegisterError(record.file, line, message, hint, field=name or field))

    def convert(self, record: Record) -> Entry:
        """Check a record's fields against its section's spec and convert them."""
        spec = SPECS[record.section]
        values: dict[str, Any] = {}
        what = _WHAT[record.section]
        for name in record.fields:
            if name not in spec:
                self.problem(
                    record, name, f"'{name}' is not a field of {what}",
                    suggest(name, list(spec), "field").replace("use one of the fields",
                                                              f"the fields of {what} are"),
                )  # fmt: skip
        for name, (convert, required) in spec.items():
            raw = record.fields.get(name)
            if raw is None or raw == []:
                if required:
                    self.problem(
                        record, None, f"{what} entry has no '{name}'",
                        f"add a line '{name}: ...' to this entry", field=name,
                    )  # fmt: skip
                values[name] = convert(None) if callable(convert) else ()
                continue
            try:
                values[name] = self.areas(raw) if convert == AREAS else convert(raw)
            except BadValue as bad:
                self.problem(record, name, f"{name}: {bad.message}", bad.hint)
                values[name] = None if not isinstance(raw, list) else ()
        return Entry(record, values)

    def areas(self, raw: Any) -> tuple[str, ...]:
        """Council codes from names or codes; ``all`` means every council of the register."""
        names = [raw] if isinstance(raw, str) else list(raw)
        if [n.lower() for n in names] == ["all"]:
            if not self.councils:
                raise BadValue("'all' needs the register's councils", "list them under councils")
            return self.councils
        geo = self.geography or Geography.bundled()
        codes: list[str] = []
        for name in names:
            try:
                area = geo.resolve_area(name)
            except NotFoundError as exc:
                raise BadValue(f"'{name}' is not a Welsh council", exc.hint) from None
            if area.kind != "council":
                raise BadValue(f"'{name}' is a {area.kind}, not a council", "name a council")
            if self.councils and area.code not in self.councils:
                listed = ", ".join(self.council_name(c) for c in self.councils)
                raise BadValue(
                    f"{area.name_en} is not one of this register's councils",
                    f"add it under councils, or use one of: {listed}",
                )
            if area.code not in codes:
                codes.append(area.code)
        return tuple(codes)

    def council_name(self, code: str) -> str:
        return (self.geography or Geography.bundled()).resolve_area(code).name_en

    def unique(self, entries: Iterable[Entry], key: str, what: str) -> None:
        seen: dict[Any, Record] = {}
        for entry in entries:
            value = entry[key]
            if value is None:
                continue
            if value in seen:
                self.problem(
                    entry.record, key, f"{what} id '{value}' is used twice "
                    f"(also on line {seen[value].line_of(key)})", "give each one its own id",
                )  # fmt: skip
            else:
                seen[value] = entry.record

    def refer(self, entry: Entry, name: str, known: Mapping[str, Any], what: str) -> None:
        value = entry[name]
        if value is not None and value not in known:
            self.problem(
                entry.record,
                name,
                f"{name} '{value}' is not a {what} in this register",
                suggest(value, known, what) + f" (or add it under the {what} entries)",
            )

    def ordered(self) -> list[RegisterError]:
        """The problems in file order."""
        return sorted(self.problems, key=lambda p: (p.file, p.line))

    def raise_first(self) -> None:
        if not self.problems:
            return
        ordered = self.ordered()
        first = ordered[0]
        hint = first.hint or "fix it and load the file again"
        if len(ordered) > 1:
            more = len(ordered) - 1
            hint += f" ({more} more problem{'s' if more > 1 else ''} after this one)"
        raise RegisterError(first.file, first.line, first.detail, hint, first.field)


_WHAT = {
    "register": "the register", "organisations": "an organisation", "people": "a person",
    "bodies": "a body", "duties": "a duty", "discharges": "a discharge", "seats": "a seat",
    "reviews": "a review", "meetings": "a meeting", "workstreams": "a workstream",
    "recommendations": "a recommendation", "actions": "an action",
    "milestones": "a milestone", "history": "a history entry",
}  # fmt: skip


def build_register(records: list[Record], *, geography: Geography | None = None) -> Register:
    """Check records read from a register file and build the register.

    Parameters
    ----------
    records : list of Record
        From :func:`~diogel.governance.sources.read_yaml` or ``read_csv_folder``.
    geography : Geography, optional
        Resolves council names (default: the bundled Welsh councils).

    Raises
    ------
    RegisterError
        For the first problem found (the hint counts the others): an unknown field,
        body, duty, council, person or organisation; a duplicate id; a loop of parent
        bodies or of action dependencies; a date not in the form YYYY-MM-DD.
    """
    check = Checker(geography=geography or Geography.bundled())
    register = _build(check, records)
    check.raise_first()
    if register is None:  # pragma: no cover - only a register with problems is None
        raise RegisterError("register", 1, "the register could not be built")
    return register


def check_records(
    records: list[Record], *, geography: Geography | None = None
) -> tuple[Register | None, list[RegisterError]]:
    """Check records as :func:`build_register` does, but return every problem.

    For a form that shows all its problems at once rather than the first.

    Returns
    -------
    (Register or None, list of RegisterError)
        The register (None if there is any problem) and the problems in file order,
        each naming the field it concerns where there is one.
    """
    check = Checker(geography=geography or Geography.bundled())
    register = _build(check, records)
    return (None if check.problems else register), check.ordered()


def _build(check: Checker, records: list[Record]) -> Register | None:
    """Check every record, noting problems in ``check``; the register, or None if it
    cannot be built (its problems are in ``check``)."""
    from diogel.governance.validate_review import build_reviews

    geo = check.geography or Geography.bundled()
    by_section: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        by_section[record.section].append(record)
    head_records = by_section.get("register") or [Record("register", {}, "register", 1)]
    head = check.convert(head_records[0])
    if head["format"] not in (None, FORMAT):
        check.problem(
            head.record, "format", f"format '{head['format']}' is not one this Diogel reads",
            f"write 'format: {FORMAT}', or update Diogel",
        )  # fmt: skip
    check.councils = tuple(head["councils"] or ())
    if not check.councils:
        return None

    def entries(section: str) -> list[Entry]:
        return [check.convert(r) for r in by_section.get(section, [])]

    orgs, people, bodies = entries("organisations"), entries("people"), entries("bodies")
    duties, discharges, seats = entries("duties"), entries("discharges"), entries("seats")
    parties: dict[str, Entry] = {}
    for group, what in ((orgs, "an organisation"), (people, "a person"), (bodies, "a body")):
        for entry in group:
            key = entry["id"]
            if key is None:
                continue
            if key in parties:
                other = parties[key].record
                check.problem(
                    entry.record, "id", f"id '{key}' is already used on line "
                    f"{other.line_of('id')} ({other.file})",
                    f"ids must be unique across organisations, people and bodies; rename {what}",
                )  # fmt: skip
            else:
                parties[key] = entry
    check.unique(duties, "id", "duty")
    org_ids = {e["id"]: e for e in orgs if e["id"]}
    body_ids = {e["id"]: e for e in bodies if e["id"]}
    duty_ids = {e["id"]: e for e in duties if e["id"]}
    person_ids = {e["id"]: e for e in people if e["id"]}
    for entry in people:
        check.refer(entry, "organisation", org_ids, "organisation")
    for entry in bodies:
        check.refer(entry, "parent", body_ids, "body")
        check.refer(entry, "chair", org_ids, "organisation")
        check.refer(entry, "secretariat", org_ids, "organisation")
    _check_tree(check, bodies)
    _check_discharges(check, discharges, duty_ids, body_ids, org_ids)
    seen: dict[tuple[str, str], Record] = {}
    for entry in seats:
        check.refer(entry, "person", person_ids, "person")
        check.refer(entry, "body", body_ids, "body")
        key = (entry["person"], entry["body"])
        if key in seen:
            check.problem(
                entry.record, "body", f"{key[0]} already has a seat on {key[1]} "
                f"(line {seen[key].line})", "keep one seat per person per body",
            )  # fmt: skip
        seen[key] = entry.record
    reviews = build_reviews(check, by_section, body_ids, parties)
    if check.problems:
        return None
    return Register(
        region=head["region"],
        name=head["name"],
        name_cy=head["name_cy"],
        councils=check.councils,
        source=head["source"],
        note=head["note"],
        organisations=tuple(Organisation(**_fields(e, Organisation)) for e in orgs),
        people=tuple(Person(**_fields(e, Person)) for e in people),
        bodies=tuple(Body(**_fields(e, Body)) for e in bodies),
        duties=tuple(Duty(**_fields(e, Duty)) for e in duties),
        discharges=tuple(
            Discharge(**{**_fields(e, Discharge), "areas": _discharge_areas(e, body_ids)})
            for e in discharges
        ),
        seats=tuple(Seat(**_fields(e, Seat)) for e in seats),
        reviews=reviews,
        council_names={
            c: (geo.resolve_area(c).name("en"), geo.resolve_area(c).name("cy"))
            for c in check.councils
        },
    )


def _fields(entry: Entry, cls: Any) -> dict[str, Any]:
    """The entry's values a record class takes, without ``None`` where it has defaults."""
    specs = {f.name: f for f in dataclass_fields(cls)}
    out = {k: v for k, v in entry.values.items() if k in specs and v is not None}
    for name, spec in specs.items():
        if name not in out and spec.default is MISSING and spec.default_factory is MISSING:
            out[name] = entry.values.get(name)
    return out


def _discharge_areas(entry: Entry, bodies: Mapping[str, Entry]) -> tuple[str, ...]:
    if entry["areas"]:
        return tuple(entry["areas"])
    body = bodies.get(entry["body"])
    return tuple(body["areas"]) if body is not None else ()


def _check_tree(check: Checker, bodies: list[Entry]) -> None:
    parent = {e["id"]: e["parent"] for e in bodies if e["id"]}
    entry_of = {e["id"]: e for e in bodies if e["id"]}
    reported: set[str] = set()
    for start in parent:
        path = [start]
        node = parent.get(start)
        while node is not None and node in parent and node not in path:
            path.append(node)
            node = parent.get(node)
        if node == start and start not in reported:
            reported.update(path)
            loop = " -> ".join([*path, start])
            check.problem(
                entry_of[start].record, "parent",
                f"body '{start}' has parent '{path[1] if len(path) > 1 else start}', "
                f"which leads back to it ({loop})",
                "bodies must form a tree: change or remove one 'parent' in this loop",
            )  # fmt: skip


def _check_discharges(
    check: Checker,
    discharges: list[Entry],
    duties: Mapping[str, Entry],
    bodies: Mapping[str, Entry],
    orgs: Mapping[str, Entry],
) -> None:
    seen: dict[tuple[str, str], Record] = {}
    dischargers = {**bodies, **orgs}
    for entry in discharges:
        check.refer(entry, "duty", duties, "duty")
        check.refer(entry, "body", dischargers, "body")
        body = bodies.get(entry["body"])
        if entry["body"] in orgs and not entry["areas"]:
            check.problem(
                entry.record, "body", f"{entry['body']} is an organisation, so this entry "
                "needs the council areas it discharges the duty in",
                "add 'areas: [...]' (or 'areas: all') to this entry",
            )  # fmt: skip
        if body is not None and entry["areas"]:
            outside = [a for a in entry["areas"] if a not in (body["areas"] or ())]
            if outside:
                names = ", ".join(check.council_name(a) for a in outside)
                check.problem(
                    entry.record, "areas", f"{entry['body']} does not cover {names}",
                    "add the area to the body's areas, or remove it here",
                )  # fmt: skip
        key = (entry["duty"], entry["body"])
        if key in seen:
            check.problem(
                entry.record, "duty", f"{key[1]} is listed twice as discharging {key[0]} "
                f"(also line {seen[key].line})", "merge the two entries' areas into one entry",
            )  # fmt: skip
        seen[key] = entry.record
