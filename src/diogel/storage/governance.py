"""SQL for the governance register and review tracker (tables from migration 200).

Rows travel as tuples in the column order of :data:`TABLES` (without ``region``, which
every function takes separately). Statements are portable: ``?`` parameters and
plain ``INSERT``/``UPDATE``/``DELETE``, so DuckDB and PostgreSQL run the same text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Final

from diogel.storage.base import Store

#: Each table's columns after ``region``, in the order rows are passed and returned.
TABLES: Final[dict[str, tuple[str, ...]]] = {
    "gov_councils": ("seq", "council_code"),
    "gov_organisations": ("seq", "org_id", "name", "name_cy", "kind", "illustrative", "note"),
    "gov_people": (
        "seq", "person_id", "name", "name_cy", "org_id", "role", "role_cy", "illustrative", "note",
    ),
    "gov_bodies": (
        "seq", "body_id", "name", "name_cy", "kind", "parent_id", "legal_basis", "chair_org",
        "secretariat_org", "meetings_per_year", "illustrative", "note",
    ),
    "gov_body_areas": ("body_id", "seq", "council_code"),
    "gov_body_themes": ("body_id", "seq", "theme"),
    "gov_duties": (
        "seq", "duty_id", "title", "title_cy", "legislation", "section_ref", "holders",
        "requires", "frequency", "note", "legislation_cy", "section_cy",
    ),
    "gov_discharges": (
        "seq", "duty_id", "body_id", "council_code", "area_seq", "illustrative", "note",
    ),
    "gov_seats": ("seq", "person_id", "body_id", "role", "hours_per_year", "illustrative", "note"),
    "gov_reviews": (
        "seq", "review_id", "title", "title_cy", "commissioned_by", "agreed_on", "illustrative",
        "note",
    ),
    "gov_meetings": ("review_id", "meeting_date"),
    "gov_workstreams": (
        "review_id", "seq", "workstream_id", "title", "title_cy", "lead_id", "illustrative", "note",
    ),
    "gov_recommendations": (
        "review_id", "seq", "recommendation_id", "text_en", "text_cy", "workstream_id",
        "decision", "decided_on", "illustrative", "note",
    ),
    "gov_actions": (
        "review_id", "seq", "action_id", "title", "title_cy", "recommendation_id",
        "workstream_id", "owner_id", "due", "status", "rag", "decision", "decision_cy",
        "created_on", "illustrative", "note",
    ),
    "gov_action_dependencies": ("review_id", "action_id", "seq", "depends_on"),
    "gov_milestones": (
        "review_id", "seq", "milestone_id", "title", "title_cy", "workstream_id", "due",
        "done_on", "illustrative", "note",
    ),
    "gov_history": (
        "review_id", "seq", "action_id", "field_name", "old_value", "new_value", "changed_on",
        "note", "note_cy", "illustrative",
    ),
}  # fmt: skip

#: How each table's rows are ordered when read back (the order they were written in).
_ORDER: Final = {
    "gov_councils": "seq",
    "gov_body_areas": "body_id, seq",
    "gov_body_themes": "body_id, seq",
    "gov_discharges": "seq, area_seq",
    "gov_meetings": "review_id, meeting_date",
    "gov_action_dependencies": "review_id, action_id, seq",
}
#: Rows written by one INSERT statement (well under PostgreSQL's 65,535 parameters).
INSERT_BATCH: Final = 250
#: Action columns an update may change.
ACTION_FIELDS: Final = frozenset({"due", "status", "rag"})


def replace_register(
    store: Store,
    region: str,
    header: Sequence[object],
    rows: Mapping[str, Sequence[Sequence[object]]],
    loaded_at: dt.datetime,
) -> int:
    """Replace everything stored for ``region`` in one transaction; returns rows written.

    ``header`` is (name, name_cy, source, note); ``rows`` maps table names of
    :data:`TABLES` to row tuples.
    """
    written = 0
    with store.transaction():
        delete_register(store, region)
        store.execute(
            "INSERT INTO gov_registers (region, name, name_cy, source, note, loaded_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [region, *header, loaded_at],
        )
        for table, columns in TABLES.items():
            given = list(rows.get(table, ()))
            one = f"({', '.join('?' * (len(columns) + 1))})"
            # many rows to a statement: a register is a few hundred rows, and one
            # statement each made every edit in the web app take a second
            for start in range(0, len(given), INSERT_BATCH):
                batch = given[start : start + INSERT_BATCH]
                store.execute(
                    f"INSERT INTO {table} (region, {', '.join(columns)}) "
                    f"VALUES {', '.join([one] * len(batch))}",
                    [value for row in batch for value in (region, *row)],
                )
                written += len(batch)
    return written


def delete_register(store: Store, region: str) -> None:
    """Remove a region's register and review tracker."""
    with store.transaction():
        for table in TABLES:
            store.execute(f"DELETE FROM {table} WHERE region = ?", [region])
        store.execute("DELETE FROM gov_registers WHERE region = ?", [region])


def registers(store: Store) -> list[tuple[Any, ...]]:
    """Stored registers: (region, name, name_cy, source, note, loaded_at), by region."""
    return store.query_rows(
        "SELECT region, name, name_cy, source, note, loaded_at FROM gov_registers ORDER BY region"
    )


def register_rows(store: Store, region: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row stored for ``region``, by table, in the order they were written."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table, columns in TABLES.items():
        order = _ORDER.get(table, "review_id, seq" if "review_id" in columns else "seq")
        out[table] = store.query_rows(
            f"SELECT {', '.join(columns)} FROM {table} WHERE region = ? ORDER BY {order}",
            [region],
        )
    return out


def update_action(
    store: Store, region: str, review_id: str, action_id: str, changes: Mapping[str, object]
) -> None:
    """Set some of an action's ``due``, ``status`` and ``rag``."""
    unknown = set(changes) - ACTION_FIELDS
    if unknown:  # pragma: no cover - a programming error, not a user's
        raise ValueError(f"cannot update action columns {sorted(unknown)}")
    if not changes:
        return
    assignments = ", ".join(f"{name} = ?" for name in changes)
    store.execute(
        f"UPDATE gov_actions SET {assignments} "
        "WHERE region = ? AND review_id = ? AND action_id = ?",
        [*changes.values(), region, review_id, action_id],
    )


def append_history(store: Store, region: str, review_id: str, row: Sequence[object]) -> int:
    """Add a history entry (columns of ``gov_history`` after ``review_id`` and ``seq``);
    returns its sequence number."""
    found = store.query_rows(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM gov_history WHERE region = ? AND review_id = ?",
        [region, review_id],
    )
    seq = int(found[0][0])
    columns = TABLES["gov_history"]
    store.execute(
        f"INSERT INTO gov_history (region, {', '.join(columns)}) "
        f"VALUES ({', '.join('?' * (len(columns) + 1))})",
        [region, review_id, seq, *row],
    )
    return seq
