"""Store and read back a region's register: one transaction per load, exactly as written.

Examples
--------
>>> from diogel.storage import open_store
>>> from diogel.governance import example_register
>>> store = open_store(":memory:")
>>> reg = example_register("gwent")
>>> save_register(store, reg) > 100
True
>>> read_register(store) == reg
True
>>> store.close()
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from diogel.errors import NotFoundError
from diogel.geography import Geography
from diogel.governance.model import (
    Action,
    Body,
    Change,
    Discharge,
    Duty,
    Milestone,
    Organisation,
    Person,
    Recommendation,
    Register,
    Review,
    Seat,
    Workstream,
)
from diogel.governance.sources import RawValue
from diogel.governance.tracker import plan_update
from diogel.storage import governance as sql
from diogel.storage.base import Store

Row = tuple[Any, ...]


def save_register(store: Store, register: Register, *, now: dt.datetime | None = None) -> int:
    """Replace the stored register of ``register.region`` with ``register`` (one
    transaction: on any failure nothing changes). Returns the rows written."""
    rows: dict[str, list[Row]] = defaultdict(list)
    rows["gov_councils"] = [(i, c) for i, c in enumerate(register.councils)]
    for i, o in enumerate(register.organisations):
        rows["gov_organisations"].append(
            (i, o.id, o.name, o.name_cy, o.kind, o.illustrative, o.note)
        )
    for i, p in enumerate(register.people):
        rows["gov_people"].append(
            (i, p.id, p.name, p.name_cy, p.organisation, p.role, p.role_cy, p.illustrative, p.note)
        )
    for i, b in enumerate(register.bodies):
        rows["gov_bodies"].append((
            i, b.id, b.name, b.name_cy, b.kind, b.parent, b.legal_basis, b.chair, b.secretariat,
            b.meetings_per_year, b.illustrative, b.note,
        ))  # fmt: skip
        rows["gov_body_areas"].extend((b.id, j, c) for j, c in enumerate(b.areas))
        rows["gov_body_themes"].extend((b.id, j, t) for j, t in enumerate(b.themes))
    for i, d in enumerate(register.duties):
        rows["gov_duties"].append((
            i, d.id, d.title, d.title_cy, d.legislation, d.section, d.holders,
            "; ".join(d.requires) or None, d.frequency, d.note, d.legislation_cy, d.section_cy,
        ))  # fmt: skip
    for i, x in enumerate(register.discharges):
        rows["gov_discharges"].extend(
            (i, x.duty, x.body, c, j, x.illustrative, x.note) for j, c in enumerate(x.areas)
        )
    for i, s in enumerate(register.seats):
        rows["gov_seats"].append(
            (i, s.person, s.body, s.role, s.hours_per_year, s.illustrative, s.note)
        )
    for i, r in enumerate(register.reviews):
        _review_rows(rows, i, r)
    header = (register.name, register.name_cy, register.source, register.note)
    when = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return sql.replace_register(store, register.region, header, rows, when)


def _review_rows(rows: dict[str, list[Row]], i: int, r: Review) -> None:
    rows["gov_reviews"].append(
        (i, r.id, r.title, r.title_cy, r.commissioned_by, r.agreed_on, r.illustrative, r.note)
    )
    rows["gov_meetings"].extend((r.id, d) for d in r.meetings)
    for j, w in enumerate(r.workstreams):
        rows["gov_workstreams"].append(
            (r.id, j, w.id, w.title, w.title_cy, w.lead, w.illustrative, w.note)
        )
    for j, c in enumerate(r.recommendations):
        rows["gov_recommendations"].append((
            r.id, j, c.id, c.text, c.text_cy, c.workstream, c.decision, c.decided_on,
            c.illustrative, c.note,
        ))  # fmt: skip
    for j, a in enumerate(r.actions):
        rows["gov_actions"].append((
            r.id, j, a.id, a.title, a.title_cy, a.recommendation, a.workstream, a.owner, a.due,
            a.status, a.rag, a.decision, a.decision_cy, a.created_on, a.illustrative, a.note,
        ))  # fmt: skip
        rows["gov_action_dependencies"].extend(
            (r.id, a.id, k, dep) for k, dep in enumerate(a.depends_on)
        )
    for j, m in enumerate(r.milestones):
        rows["gov_milestones"].append((
            r.id, j, m.id, m.title, m.title_cy, m.workstream, m.due, m.done_on, m.illustrative,
            m.note,
        ))  # fmt: skip
    for j, h in enumerate(r.history, 1):
        rows["gov_history"].append((
            r.id, j, h.action, h.field, h.old, h.new, h.changed_on, h.note, h.note_cy,
            h.illustrative,
        ))  # fmt: skip


def stored_regions(store: Store) -> list[str]:
    """The regions with a stored register."""
    return [str(r[0]) for r in sql.registers(store)]


def register_names(store: Store) -> dict[str, str]:
    """The name of each stored register, by region."""
    return {str(r[0]): str(r[1]) for r in sql.registers(store)}


def choose_region(store: Store, region: str | None = None) -> str:
    """``region`` if stored; with none given, the only stored region.

    Raises
    ------
    NotFoundError
        If no register is stored, ``region`` is not, or several are and none was named.
    """
    found = stored_regions(store)
    if region is not None:
        if region in found:
            return region
        raise NotFoundError(
            f"no governance register for region '{region}' is loaded",
            hint=f"loaded: {', '.join(found)}"
            if found
            else "load one: diogel governance load FILE",
        )
    if not found:
        raise NotFoundError(
            "no governance register is loaded",
            hint="load one first: diogel governance load FILE (or --example gwent)",
        )
    if len(found) > 1:
        raise NotFoundError(
            "more than one governance register is loaded",
            hint=f"choose with --region: {', '.join(found)}",
        )
    return found[0]


def read_register(
    store: Store, region: str | None = None, *, geography: Geography | None = None
) -> Register:
    """The stored register of ``region`` (default: the only one stored)."""
    region = choose_region(store, region)
    head = next(r for r in sql.registers(store) if r[0] == region)
    t = sql.register_rows(store, region)
    areas = _grouped(t["gov_body_areas"])
    themes = _grouped(t["gov_body_themes"])
    bodies = tuple(_body(r, areas, themes) for r in t["gov_bodies"])
    discharges: dict[int, list[Row]] = defaultdict(list)
    for r in t["gov_discharges"]:
        discharges[int(r[0])].append(r)
    geo = geography or Geography.bundled()
    councils = tuple(str(r[1]) for r in t["gov_councils"])
    return Register(
        region=region, name=head[1], name_cy=head[2], source=head[3], note=head[4],
        councils=councils,
        organisations=tuple(
            Organisation(id=r[1], name=r[2], name_cy=r[3], kind=r[4], illustrative=bool(r[5]),
                         note=r[6])
            for r in t["gov_organisations"]
        ),
        people=tuple(
            Person(id=r[1], name=r[2], name_cy=r[3], organisation=r[4], role=r[5], role_cy=r[6],
                   illustrative=bool(r[7]), note=r[8])
            for r in t["gov_people"]
        ),
        bodies=bodies,
        duties=tuple(
            Duty(id=r[1], title=r[2], title_cy=r[3], legislation=r[4], section=r[5], holders=r[6],
                 requires=tuple(r[7].split("; ")) if r[7] else (), frequency=r[8], note=r[9],
                 legislation_cy=r[10], section_cy=r[11])
            for r in t["gov_duties"]
        ),
        discharges=tuple(
            Discharge(duty=g[0][1], body=g[0][2], areas=tuple(x[3] for x in g),
                      illustrative=bool(g[0][5]), note=g[0][6])
            for _, g in sorted(discharges.items())
        ),
        seats=tuple(
            Seat(person=r[1], body=r[2], role=r[3], hours_per_year=r[4], illustrative=bool(r[5]),
                 note=r[6])
            for r in t["gov_seats"]
        ),
        reviews=tuple(_review(r, t) for r in t["gov_reviews"]),
        council_names={
            c: (geo.resolve_area(c).name("en"), geo.resolve_area(c).name("cy")) for c in councils
        },
    )  # fmt: skip


def _body(r: Row, areas: dict[str, tuple[str, ...]], themes: dict[str, tuple[str, ...]]) -> Body:
    return Body(
        id=r[1], name=r[2], name_cy=r[3], kind=r[4], parent=r[5], legal_basis=r[6],
        chair=r[7], secretariat=r[8], meetings_per_year=r[9], illustrative=bool(r[10]),
        note=r[11], areas=areas.get(r[1], ()), themes=themes.get(r[1], ()),
    )  # fmt: skip


def _grouped(rows: list[Row]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = defaultdict(list)
    for key, _seq, value in rows:
        out[key].append(value)
    return {k: tuple(v) for k, v in out.items()}


def _review(r: Row, t: dict[str, list[Row]]) -> Review:
    rid = r[1]

    def mine(table: str) -> list[Row]:
        return [x for x in t[table] if x[0] == rid]

    deps: dict[str, list[str]] = defaultdict(list)
    for x in mine("gov_action_dependencies"):
        deps[x[1]].append(x[3])
    return Review(
        id=rid, title=r[2], title_cy=r[3], commissioned_by=r[4], agreed_on=r[5],
        illustrative=bool(r[6]), note=r[7],
        meetings=tuple(x[1] for x in mine("gov_meetings")),
        workstreams=tuple(
            Workstream(id=x[2], title=x[3], title_cy=x[4], lead=x[5], illustrative=bool(x[6]),
                       note=x[7])
            for x in mine("gov_workstreams")
        ),
        recommendations=tuple(
            Recommendation(id=x[2], text=x[3], text_cy=x[4], workstream=x[5], decision=x[6],
                           decided_on=x[7], illustrative=bool(x[8]), note=x[9])
            for x in mine("gov_recommendations")
        ),
        actions=tuple(
            Action(id=x[2], title=x[3], title_cy=x[4], recommendation=x[5], workstream=x[6],
                   owner=x[7], due=x[8], status=x[9], rag=x[10], decision=x[11],
                   decision_cy=x[12], created_on=x[13], illustrative=bool(x[14]), note=x[15],
                   depends_on=tuple(deps.get(x[2], ())))
            for x in mine("gov_actions")
        ),
        milestones=tuple(
            Milestone(id=x[2], title=x[3], title_cy=x[4], workstream=x[5], due=x[6],
                      done_on=x[7], illustrative=bool(x[8]), note=x[9])
            for x in mine("gov_milestones")
        ),
        history=tuple(
            Change(action=x[2], field=x[3], old=x[4], new=x[5], changed_on=x[6], note=x[7],
                   note_cy=x[8], illustrative=bool(x[9]))
            for x in mine("gov_history")
        ),
    )  # fmt: skip


def update_action(
    store: Store,
    action_id: str,
    *,
    on: dt.date,
    region: str | None = None,
    review_id: str | None = None,
    status: str | None = None,
    due: str | dt.date | None = None,
    rag: str | None = None,
    note: str | None = None,
    note_cy: str | None = None,
) -> list[Change]:
    """Change an action's status, due date or RAG (or record an update with a note) and
    add each change to its history, in one transaction. Returns the history entries.

    Examples
    --------
    >>> from diogel.storage import open_store
    >>> from diogel.governance import example_register
    >>> store = open_store(":memory:")
    >>> _ = save_register(store, example_register("gwent"))
    >>> [(c.field, c.old, c.new) for c in update_action(
    ...     store, "6.2-b", on=dt.date(2023, 3, 20), status="in-progress", due="2023-04-28")]
    [('status', 'not-started', 'in-progress'), ('due', '2023-02-28', '2023-04-28')]
    >>> read_register(store).reviews[0].action("6.2-b").status
    'in-progress'
    >>> store.close()
    """
    chosen = choose_region(store, region)
    register = read_register(store, chosen)
    review, changes, columns = plan_update(
        register, review_id, action_id, on=on, status=status, due=due, rag=rag, note=note,
        note_cy=note_cy,
    )  # fmt: skip
    with store.transaction():
        sql.update_action(store, chosen, review.id, action_id, columns)
        for c in changes:
            sql.append_history(
                store, chosen, review.id,
                (c.action, c.field, c.old, c.new, c.changed_on, c.note, c.note_cy, c.illustrative),
            )  # fmt: skip
    return changes


def load_register_file(store: Store, path: str | Path) -> Register:
    """Read, check and store a register file (YAML or a CSV folder), replacing the
    stored register of its region. A file with any problem stores nothing."""
    from diogel.governance import read_register_file

    register = read_register_file(path)
    save_register(store, register)
    return register


def load_register_upload(store: Store, data: bytes, name: str) -> Register:
    """Read, check and store an uploaded register YAML file, replacing the stored
    register of its region; a file with any problem stores nothing."""
    from diogel.governance import read_register_upload

    register = read_register_upload(data, name)
    save_register(store, register)
    return register


def edit_register(
    store: Store,
    change: Callable[[Register], Register],
    region: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> Register:
    """Read the stored register, apply ``change`` and store the result, in one
    transaction: if ``change`` refuses (for example with
    :class:`~diogel.governance.edit.EditRefused`), nothing is written."""
    with store.transaction():
        current = read_register(store, region)
        changed = change(current)
        if changed.region != current.region:  # pragma: no cover - a programming error
            raise ValueError("an edit cannot move a register to another region")
        save_register(store, changed, now=now)
    return changed


def save_entry(
    store: Store,
    section: str,
    fields: Mapping[str, RawValue],
    *,
    key: Sequence[str] | None = None,
    region: str | None = None,
) -> Register:
    """Add an entry to a stored register (no ``key``) or change the entry with ``key``,
    checked as a register file is; see :func:`diogel.governance.edit.put_entry`.

    Examples
    --------
    >>> from diogel.storage import open_store
    >>> from diogel.governance import example_register
    >>> store = open_store(":memory:")
    >>> _ = save_register(store, example_register("gwent"))
    >>> reg = save_entry(store, "duties", {"id": "new-duty", "title": "A new duty",
    ...                  "legislation": "An Act 2024", "section": "s.1", "holders": "councils"})
    >>> read_register(store).duties[-1].title
    'A new duty'
    >>> save_entry(store, "bodies", {"id": "x", "name": "X", "kind": "csp", "areas": ["Cardiff"]})
    Traceback (most recent call last):
    ...
    diogel.governance.edit.EditRefused: areas: Cardiff is not one of this register's councils. Hint: add it under councils, or use one of: Blaenau Gwent, Caerphilly, Monmouthshire, Newport, Torfaen
    >>> store.close()
    """
    from diogel.governance.edit import put_entry

    return edit_register(store, lambda r: put_entry(r, section, fields, key=key), region)


def delete_entry(
    store: Store, section: str, key: Sequence[str], *, region: str | None = None
) -> Register:
    """Remove an entry (and what goes with it) from a stored register; see
    :func:`diogel.governance.edit.remove_entry`."""
    from diogel.governance.edit import remove_entry

    return edit_register(store, lambda r: remove_entry(r, section, key), region)
