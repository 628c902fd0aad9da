"""SQL for safe sharing: agencies, partnerships, memberships, datasets, agreements, audit.

Portable SQL only (``?`` parameters through the Store's generic methods), so DuckDB and
PostgreSQL run the same text. Names and codes always travel as parameters; the few
identifiers put into statements come from fixed sets in this module.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import Any

import pandas as pd

from diogel.storage.base import Store

#: Each body kind's table and key column.
BODY_TABLES = {"agency": ("share_agencies", "agency_id"),
               "partnership": ("share_partnerships", "partnership_id")}  # fmt: skip

#: Columns of an audit entry, in the order they are hashed.
AUDIT_COLUMNS = ("seq", "logged_at", "actor", "action", "dataset", "query", "row_count")


# -- organisations and people -----------------------------------------------------------


def add_agency(store: Store, agency_id: str, name: str, kind: str, now: dt.datetime) -> None:
    """Store an agency (the caller checks the id is free)."""
    store.execute(
        "INSERT INTO share_agencies (agency_id, name, kind, created_at) VALUES (?, ?, ?, ?)",
        [agency_id, name, kind, now],
    )


def add_partnership(
    store: Store,
    partnership_id: str,
    name: str,
    kind: str,
    parent_id: str | None,
    council_codes: Sequence[str],
    now: dt.datetime,
) -> None:
    """Store a partnership and the council areas it covers, in one transaction."""
    with store.transaction():
        store.execute(
            "INSERT INTO share_partnerships (partnership_id, name, kind, parent_id, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [partnership_id, name, kind, parent_id, now],
        )
        for code in council_codes:
            store.execute(
                "INSERT INTO share_partnership_areas (partnership_id, council_code) VALUES (?, ?)",
                [partnership_id, code],
            )


def body_exists(store: Store, kind: str, body_id: str) -> bool:
    """Whether an agency or partnership of that id is stored."""
    table, key = BODY_TABLES[kind]
    return bool(store.query_rows(f"SELECT 1 FROM {table} WHERE {key} = ?", [body_id]))


def agencies(store: Store) -> pd.DataFrame:
    """Agencies with their number of members."""
    return store.query(
        "SELECT a.agency_id, a.name, a.kind, (SELECT COUNT(*) FROM share_memberships m "
        "WHERE m.body_kind = 'agency' AND m.body_id = a.agency_id) AS members "
        "FROM share_agencies a ORDER BY a.agency_id"
    )


def partnerships(store: Store) -> list[tuple[Any, ...]]:
    """(partnership_id, name, kind, parent_id, [council codes]) by id."""
    rows = store.query_rows(
        "SELECT partnership_id, name, kind, parent_id FROM share_partnerships "
        "ORDER BY partnership_id"
    )
    areas = store.query_rows(
        "SELECT partnership_id, council_code FROM share_partnership_areas "
        "ORDER BY partnership_id, council_code"
    )
    return [(*r, [c for p, c in areas if p == r[0]]) for r in rows]


def set_membership(store: Store, username: str, kind: str, body_id: str, role: str) -> None:
    """Make ``username`` a member of a body with a role (replacing an earlier role)."""
    with store.transaction():
        store.execute(
            "DELETE FROM share_memberships WHERE username = ? AND body_kind = ? AND body_id = ?",
            [username, kind, body_id],
        )
        store.execute(
            "INSERT INTO share_memberships (username, body_kind, body_id, role) "
            "VALUES (?, ?, ?, ?)",
            [username, kind, body_id, role],
        )


def memberships(
    store: Store, username: str | None = None, *, body: tuple[str, str] | None = None
) -> pd.DataFrame:
    """Memberships (username, body_kind, body_id, role), of one person, of one body
    (``(kind, id)``), or of everyone."""
    clauses: list[str] = []
    params: list[object] = []
    if username is not None:
        clauses.append("username = ?")
        params.append(username)
    if body is not None:
        clauses.append("body_kind = ? AND body_id = ?")
        params.extend(body)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return store.query(
        f"SELECT username, body_kind, body_id, role FROM share_memberships {where} "
        "ORDER BY username, body_kind, body_id",
        params,
    )


def remove_membership(store: Store, username: str, kind: str, body_id: str) -> int:
    """End ``username``'s membership of a body; returns the memberships removed (0 or 1)."""
    with store.transaction():
        found = store.query_rows(
            "SELECT COUNT(*) FROM share_memberships WHERE username = ? AND body_kind = ? "
            "AND body_id = ?",
            [username, kind, body_id],
        )[0][0]
        store.execute(
            "DELETE FROM share_memberships WHERE username = ? AND body_kind = ? AND body_id = ?",
            [username, kind, body_id],
        )
    return int(found)


# -- datasets ---------------------------------------------------------------------------


def set_dataset(
    store: Store,
    dataset: str,
    owner_agency: str,
    sensitivity: str,
    min_count: int,
    description: str | None,
) -> None:
    """Declare (or re-declare) who owns a dataset and how sensitive it is."""
    with store.transaction():
        store.execute("DELETE FROM share_datasets WHERE dataset = ?", [dataset])
        store.execute(
            "INSERT INTO share_datasets (dataset, owner_agency, sensitivity, min_count, "
            "description) VALUES (?, ?, ?, ?, ?)",
            [dataset, owner_agency, sensitivity, min_count, description],
        )


def dataset_policy(store: Store, dataset: str) -> tuple[str, str, int] | None:
    """(owner agency, sensitivity, min count) of a declared dataset, or None."""
    rows = store.query_rows(
        "SELECT owner_agency, sensitivity, min_count FROM share_datasets WHERE dataset = ?",
        [dataset],
    )
    return (str(rows[0][0]), str(rows[0][1]), int(rows[0][2])) if rows else None


def sensitivities(store: Store) -> dict[str, str]:
    """Sensitivity of every declared dataset, by name."""
    rows = store.query_rows("SELECT dataset, sensitivity FROM share_datasets")
    return {str(d): str(s) for d, s in rows}


def datasets(store: Store) -> pd.DataFrame:
    """Declared datasets with owner and sensitivity."""
    return store.query(
        "SELECT dataset, owner_agency, sensitivity, min_count, description "
        "FROM share_datasets ORDER BY dataset"
    )


# -- agreements -------------------------------------------------------------------------


def add_agreement(
    store: Store,
    header: Sequence[object],
    parties: Sequence[tuple[str, str, str]],
    shared: Sequence[tuple[str, str]],
    areas: Sequence[str],
    signatories: Sequence[tuple[str, str, dt.date]],
) -> None:
    """Store an agreement in one transaction.

    ``header`` is (agreement_id, title, purpose, legal_basis, level, starts_on, review_on,
    expires_on, retention_days, created_at); ``parties`` (kind, id, role); ``shared``
    (dataset, comma-separated fields or ``*``); ``signatories`` (name, agency, date).
    """
    agreement_id = header[0]
    with store.transaction():
        store.execute(
            "INSERT INTO share_agreements (agreement_id, title, purpose, legal_basis, level, "
            "starts_on, review_on, expires_on, retention_days, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            list(header),
        )
        for kind, party_id, role in parties:
            store.execute(
                "INSERT INTO share_agreement_parties VALUES (?, ?, ?, ?)",
                [agreement_id, kind, party_id, role],
            )
        for dataset, fields in shared:
            store.execute(
                "INSERT INTO share_agreement_datasets VALUES (?, ?, ?)",
                [agreement_id, dataset, fields],
            )
        for code in areas:
            store.execute("INSERT INTO share_agreement_areas VALUES (?, ?)", [agreement_id, code])
        for seq, (name, agency, signed_on) in enumerate(signatories, start=1):
            store.execute(
                "INSERT INTO share_agreement_signatories VALUES (?, ?, ?, ?, ?)",
                [agreement_id, seq, name, agency, signed_on],
            )


_AGREEMENT_COLUMNS = (
    "agreement_id, title, purpose, legal_basis, level, starts_on, review_on, expires_on, "
    "retention_days, created_at, revoked_at, revoked_by, revoke_reason"
)


def agreements(store: Store) -> pd.DataFrame:
    """Every agreement's header row."""
    return store.query(f"SELECT {_AGREEMENT_COLUMNS} FROM share_agreements ORDER BY agreement_id")


def agreement(store: Store, agreement_id: str) -> dict[str, Any] | None:
    """One agreement with its parties, datasets, areas and signatories, or None."""
    rows = store.query_rows(
        f"SELECT {_AGREEMENT_COLUMNS} FROM share_agreements WHERE agreement_id = ?",
        [agreement_id],
    )
    if not rows:
        return None
    out = dict(zip([c.strip() for c in _AGREEMENT_COLUMNS.split(",")], rows[0], strict=True))
    one = [agreement_id]
    out["parties"] = store.query_rows(
        "SELECT party_kind, party_id, party_role FROM share_agreement_parties "
        "WHERE agreement_id = ? ORDER BY party_role, party_kind, party_id",
        one,
    )
    out["datasets"] = store.query_rows(
        "SELECT dataset, fields FROM share_agreement_datasets WHERE agreement_id = ? "
        "ORDER BY dataset",
        one,
    )
    out["areas"] = [
        r[0]
        for r in store.query_rows(
            "SELECT council_code FROM share_agreement_areas WHERE agreement_id = ? "
            "ORDER BY council_code",
            one,
        )
    ]
    out["signatories"] = store.query_rows(
        "SELECT name, agency_id, signed_on FROM share_agreement_signatories "
        "WHERE agreement_id = ? ORDER BY seq",
        one,
    )
    return out


def revoke_agreement(
    store: Store, agreement_id: str, at: dt.datetime, by: str, reason: str
) -> None:
    """Mark an agreement revoked from ``at`` (an earlier revocation is kept)."""
    store.execute(
        "UPDATE share_agreements SET revoked_at = ?, revoked_by = ?, revoke_reason = ? "
        "WHERE agreement_id = ? AND revoked_at IS NULL",
        [at, by, reason, agreement_id],
    )


#: Grants to one person for one dataset at a moment: through an agreement naming, as a
#: recipient, an agency or partnership the person belongs to.
_GRANTS = """
SELECT a.agreement_id, a.level, d.fields, m.body_kind, m.body_id, m.role
FROM share_agreements a
JOIN share_agreement_datasets d ON d.agreement_id = a.agreement_id
JOIN share_agreement_parties p ON p.agreement_id = a.agreement_id AND p.party_role = 'recipient'
JOIN share_memberships m ON m.body_kind = p.party_kind AND m.body_id = p.party_id
WHERE d.dataset = ? AND m.username = ?
  AND a.starts_on <= ? AND a.expires_on > ?
  AND (a.revoked_at IS NULL OR a.revoked_at > ?)
ORDER BY a.agreement_id, m.body_kind, m.body_id
"""


def active_grants(
    store: Store, username: str, dataset: str, at: dt.datetime
) -> list[tuple[Any, ...]]:
    """(agreement_id, level, fields, body_kind, body_id, role) in force at ``at``."""
    day = at.date()
    return store.query_rows(_GRANTS, [dataset, username, day, day, at])


def agreement_areas(store: Store, agreement_id: str) -> list[str]:
    """Council codes an agreement is limited to (empty: no limit of its own)."""
    rows = store.query_rows(
        "SELECT council_code FROM share_agreement_areas WHERE agreement_id = ?", [agreement_id]
    )
    return [str(r[0]) for r in rows]


def partnership_areas(store: Store, partnership_id: str) -> list[str]:
    """Council codes a partnership covers."""
    rows = store.query_rows(
        "SELECT council_code FROM share_partnership_areas WHERE partnership_id = ?",
        [partnership_id],
    )
    return [str(r[0]) for r in rows]


def agency_roles(store: Store, username: str, agency_id: str) -> list[str]:
    """The person's roles in an agency (empty when not a member)."""
    rows = store.query_rows(
        "SELECT role FROM share_memberships WHERE username = ? AND body_kind = 'agency' "
        "AND body_id = ?",
        [username, agency_id],
    )
    return [str(r[0]) for r in rows]


# -- audit log --------------------------------------------------------------------------


def entry_hash(prev_hash: str, entry: Sequence[object]) -> str:
    """SHA-256 of the previous hash and an entry's fields (in :data:`AUDIT_COLUMNS` order).

    Examples
    --------
    >>> h = entry_hash("0" * 64, [1, dt.datetime(2024, 1, 1), "ann", "read", "d", "{}", 3])
    >>> len(h), h == entry_hash("0" * 64, [1, "2024-01-01T00:00:00", "ann", "read", "d", "{}", 3])
    (64, True)
    """
    fields = [v.isoformat() if isinstance(v, dt.datetime) else v for v in entry]
    text = json.dumps([prev_hash, *fields], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def append_audit(
    store: Store,
    at: dt.datetime,
    actor: str,
    action: str,
    dataset: str | None,
    query: str,
    rows: int,
) -> int:
    """Append one entry chained to the last; returns its number."""
    at = at.replace(tzinfo=None)
    with store.transaction():
        # Updating the head first serialises concurrent appenders (a row lock on the server).
        store.execute("UPDATE share_audit_head SET seq = seq + 1 WHERE id = 1")
        seq, prev = store.query_rows("SELECT seq, hash FROM share_audit_head WHERE id = 1")[0]
        seq = int(seq)
        digest = entry_hash(str(prev), [seq, at, actor, action, dataset, query, int(rows)])
        store.execute(
            "INSERT INTO share_audit (seq, logged_at, actor, action, dataset, query, row_count, "
            "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [seq, at, actor, action, dataset, query, int(rows), prev, digest],
        )
        store.execute("UPDATE share_audit_head SET hash = ? WHERE id = 1", [digest])
    return seq


def audit_entries(store: Store, after: int = 0) -> list[tuple[Any, ...]]:
    """Audit entries after number ``after``: (*AUDIT_COLUMNS, prev_hash, hash), in order."""
    return store.query_rows(
        f"SELECT {', '.join(AUDIT_COLUMNS)}, prev_hash, hash FROM share_audit WHERE seq > ? "
        "ORDER BY seq",
        [after],
    )


def audit_newest(store: Store, limit: int, offset: int = 0) -> list[tuple[Any, ...]]:
    """Up to ``limit`` audit entries, newest first, skipping the ``offset`` newest:
    (*AUDIT_COLUMNS, prev_hash, hash)."""
    return store.query_rows(
        f"SELECT {', '.join(AUDIT_COLUMNS)}, prev_hash, hash FROM share_audit "
        "ORDER BY seq DESC LIMIT ? OFFSET ?",
        [int(limit), int(offset)],
    )


def audit_count(store: Store) -> int:
    """Entries stored in the audit log."""
    return int(store.query_rows("SELECT COUNT(*) FROM share_audit")[0][0])


def audit_head(store: Store) -> tuple[int, str]:
    """(number, hash) of the last entry appended (0 and the genesis hash when none)."""
    seq, digest = store.query_rows("SELECT seq, hash FROM share_audit_head WHERE id = 1")[0]
    return int(seq), str(digest)


# -- retention --------------------------------------------------------------------------


def retention_periods(store: Store) -> list[tuple[str, int, str]]:
    """(dataset, longest retention in days, agreement giving it) for each shared dataset."""
    rows = store.query_rows(
        "SELECT d.dataset, a.retention_days, a.agreement_id FROM share_agreement_datasets d "
        "JOIN share_agreements a ON a.agreement_id = d.agreement_id "
        "ORDER BY d.dataset, a.retention_days DESC, a.agreement_id"
    )
    best: dict[str, tuple[str, int, str]] = {}
    for dataset, days, agreement_id in rows:
        best.setdefault(str(dataset), (str(dataset), int(days), str(agreement_id)))
    return list(best.values())


def count_before(store: Store, dataset: str, cutoff: dt.date) -> int:
    """Records of a dataset from months before ``cutoff``."""
    total = 0
    for table, column in (("partner_events", "dataset"), ("incidents", "source")):
        total += int(
            store.query_rows(
                f"SELECT COUNT(*) FROM {table} WHERE {column} = ? AND month < ?", [dataset, cutoff]
            )[0][0]
        )
    return total


def delete_before(store: Store, dataset: str, cutoff: dt.date) -> int:
    """Delete a dataset's records from months before ``cutoff`` (partner events and
    incidents); returns the rows deleted. Runs inside the caller's transaction."""
    deleted = 0
    for table, column in (("partner_events", "dataset"), ("incidents", "source")):
        where = f"FROM {table} WHERE {column} = ? AND month < ?"
        count = int(store.query_rows(f"SELECT COUNT(*) {where}", [dataset, cutoff])[0][0])
        if count:
            store.execute(f"DELETE {where}", [dataset, cutoff])
            deleted += count
    # Partner files stay listed while any of their months is still stored.
    store.execute("DELETE FROM snapshots WHERE dataset = ? AND month < ?", [dataset, cutoff])
    return deleted
