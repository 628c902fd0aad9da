"""SQL for partner data: store a partner file's events, replace re-sent rows, read events back.

Portable SQL only (``?`` parameters, run through the Store's generic methods), so the same
statements serve DuckDB and PostgreSQL. A partner file is *current* while any of its
events are stored; the ``snapshots`` table records that (one row per file and month,
``force`` set to ``file-<id>``) so that ``diogel datasets`` lists partner files beside
police.uk ones.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from diogel.storage.base import Store

#: Columns a caller may read from ``partner_events``.
EVENT_COLUMNS = frozenset(
    {
        "dataset",
        "agency",
        "theme",
        "category",
        "occurred_on",
        "occurred_at",
        "has_time",
        "month",
        "reported_on",
        "reported_at",
        "record_key",
        "person_key",
        "location",
        "place",
        "location_method",
        "match_score",
        "x",
        "y",
        "has_location",
        "lsoa_code",
        "council_code",
        "area_code",
        "weapon",
        "location_type",
        "property_type",
        "site",
        "repeat_flag",
        "synthetic",
        "file_id",
        "line",
    }
)

#: Each event's secret random key (0-255) for the cell-key method
#: (``diogel.analysis.cell_key``): never in ``EVENT_COLUMNS``, so never read as a record.
NOISE_KEY: Final = "noise_key"
#: The column a count of special category events adds: the sum of its records' keys.
KEY_SUM: Final = "key_sum"
#: That sum, as SQL (BIGINT on both backends: DuckDB would sum SMALLINT to HUGEINT).
KEY_SUM_SQL: Final = f"CAST(SUM(COALESCE({NOISE_KEY}, 0)) AS BIGINT) AS {KEY_SUM}"

_SNAPSHOTS = """
INSERT INTO snapshots (dataset, force, month, file_id)
SELECT DISTINCT dataset, 'file-' || CAST(file_id AS TEXT), month, file_id
FROM partner_events WHERE dataset = ?
"""


@dataclass(frozen=True)
class PartnerFile:
    """What to store for one partner file (events and rejects already checked)."""

    dataset: str
    name: str
    sha256: str
    rows_in: int
    events: pd.DataFrame
    rejects: pd.DataFrame
    reviews: pd.DataFrame
    mapping: str
    mapping_sha256: str
    agency: str
    key_id: str | None
    area_code: str | None
    dedupe: str
    places: dict[str, int]


def loaded_before(store: Store, dataset: str, sha256: str) -> int | None:
    """The file id under which exactly these bytes were loaded into ``dataset``, if ever."""
    rows = store.query_rows(
        "SELECT MAX(file_id) FROM load_files WHERE dataset = ? AND sha256 = ?", [dataset, sha256]
    )
    return int(rows[0][0]) if rows and rows[0][0] is not None else None


def key_ids(store: Store, dataset: str) -> set[str]:
    """Fingerprints of the pseudonym keys used by the dataset's current files."""
    rows = store.query_rows(
        "SELECT DISTINCT p.key_id FROM partner_files p WHERE p.dataset = ? AND p.key_id IS NOT NULL "
        "AND EXISTS (SELECT 1 FROM partner_events e WHERE e.file_id = p.file_id)",
        [dataset],
    )
    return {str(r[0]) for r in rows}


def store_partner_file(store: Store, item: PartnerFile, loaded_at: dt.datetime) -> tuple[int, int]:
    """Store one partner file inside the caller's transaction; returns (file id, rows replaced).

    Rows of earlier files with the same record pseudonym (``dedupe = "record"``), or in
    the same months (``dedupe = "months"``), are replaced by this file's rows.
    """
    file_id = store.next_id("load_file_seq")
    months = sorted(pd.to_datetime(item.events["month"]).dt.date.unique())
    store.execute(
        "INSERT INTO load_files (file_id, dataset, kind, name, sha256, force, month_from, "
        "month_to, rows_in, accepted, rejected, loaded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            file_id,
            item.dataset,
            "partner",
            item.name,
            item.sha256,
            None,
            months[0] if months else None,
            months[-1] if months else None,
            item.rows_in,
            len(item.events),
            len(item.rejects),
            loaded_at,
        ],
    )
    events = item.events.assign(
        dataset=item.dataset, agency=item.agency, area_code=item.area_code, file_id=file_id
    )
    events[NOISE_KEY] = noise_keys(len(events))
    store.insert_frame("partner_events", _plain(events))
    before = _count(store, item.dataset)
    if item.dedupe == "record":
        # A re-sent record keeps the key it was first stored with, so its cells keep their
        # published values: fresh keys would give readers a second, independent
        # perturbation of the same counts to average. (Rows replaced by month have no
        # identity to carry a key by: they get new keys.)
        store.execute(
            f"UPDATE partner_events SET {NOISE_KEY} = kept.{NOISE_KEY} FROM ("
            f"SELECT record_key, MIN({NOISE_KEY}) AS {NOISE_KEY} FROM partner_events "
            "WHERE dataset = ? AND file_id <> ? AND record_key IS NOT NULL GROUP BY record_key"
            ") AS kept "
            "WHERE partner_events.file_id = ? AND partner_events.record_key = kept.record_key",
            [item.dataset, file_id, file_id],
        )
        store.execute(
            "DELETE FROM partner_events WHERE dataset = ? AND file_id <> ? AND record_key IN "
            "(SELECT record_key FROM partner_events WHERE file_id = ? AND record_key IS NOT NULL)",
            [item.dataset, file_id, file_id],
        )
    else:
        store.execute(
            "DELETE FROM partner_events WHERE dataset = ? AND file_id <> ? AND month IN "
            "(SELECT DISTINCT month FROM partner_events WHERE file_id = ?)",
            [item.dataset, file_id, file_id],
        )
    replaced = before - _count(store, item.dataset)
    store.execute("DELETE FROM snapshots WHERE dataset = ?", [item.dataset])
    store.execute(_SNAPSHOTS, [item.dataset])
    if len(item.rejects):
        rejects = item.rejects[["line", "reason", "raw"]].assign(file_id=file_id)
        store.insert_frame("rejects", _plain(rejects))
    if len(item.reviews):
        cols = ["line", "text", "candidate", "score", "reason"]
        store.insert_frame("place_reviews", _plain(item.reviews[cols].assign(file_id=file_id)))
    store.execute(
        "INSERT INTO partner_files (file_id, dataset, mapping, mapping_sha256, agency, key_id, "
        "area_code, matched, review, unmatched, replaced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            file_id,
            item.dataset,
            item.mapping,
            item.mapping_sha256,
            item.agency,
            item.key_id,
            item.area_code,
            item.places.get("gazetteer", 0),
            item.places.get("review", 0),
            item.places.get("unmatched", 0),
            replaced,
        ],
    )
    return file_id, replaced


def noise_keys(n: int) -> np.ndarray:
    """``n`` secret record keys for the cell-key method: whole numbers from 0 to 255, each
    equally likely, from the operating system's cryptographic random source (never from a
    seed, so nobody can work them out)."""
    return np.frombuffer(secrets.token_bytes(n), dtype=np.uint8).astype(np.int16)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """A fresh frame with text columns as Python strings.

    pandas' Arrow-backed string columns, once concatenated and sorted, can reach the
    PostgreSQL backend's CSV writer as sliced ``large_string`` arrays that it writes as the
    wrong bytes; plain object columns are written correctly by both backends.
    """
    text = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c].dtype)]
    return frame.astype(dict.fromkeys(text, object)).reset_index(drop=True)


def _count(store: Store, dataset: str) -> int:
    rows = store.query_rows("SELECT COUNT(*) FROM partner_events WHERE dataset = ?", [dataset])
    return int(rows[0][0])


def partner_events(
    store: Store,
    start: dt.date,
    end: dt.date,
    *,
    area_codes: Sequence[str] | None = None,
    themes: Sequence[str] | None = None,
    agencies: Sequence[str] | None = None,
    datasets: Sequence[str] | None = None,
    columns: Sequence[str] = ("dataset", "theme", "occurred_on", "occurred_at", "x", "y"),
) -> pd.DataFrame:
    """Partner events whose month is in ``start..end``.

    An event belongs to an area when it was placed in one of ``area_codes`` (council or
    LSOA codes), or when it has no place and its file was declared to cover that area.
    Given a scoped store (``diogel.sharing.scoped``), the read is its own: only what the
    person's agreements allow, and audited.
    """
    scoped = getattr(store, "partner_events", None)
    if scoped is not None:
        frame: pd.DataFrame = scoped(
            start, end, area_codes=area_codes, themes=themes, agencies=agencies,
            datasets=datasets, columns=columns,
        )  # fmt: skip
        return frame
    unknown = set(columns) - EVENT_COLUMNS
    if unknown:
        from diogel.errors import InputError

        raise InputError(
            f"unknown partner event columns {sorted(unknown)}",
            hint="choose from " + ", ".join(sorted(EVENT_COLUMNS)),
        )
    clauses = ["month BETWEEN ? AND ?"]
    params: list[object] = [start, end]
    if area_codes is not None:
        marks = ", ".join("?" for _ in area_codes) or "NULL"
        clauses.append(
            f"(council_code IN ({marks}) OR lsoa_code IN ({marks}) "
            f"OR (council_code IS NULL AND area_code IN ({marks})))"
        )
        params += [*area_codes, *area_codes, *area_codes]
    for column, values in (("theme", themes), ("agency", agencies), ("dataset", datasets)):
        if values is not None:
            clauses.append(f"{column} IN ({', '.join('?' for _ in values) or 'NULL'})")
            params += list(values)
    return store.query(
        f"SELECT {', '.join(columns)} FROM partner_events WHERE {' AND '.join(clauses)} "
        "ORDER BY occurred_on, file_id, line",
        params,
    )


def street_locations(
    store: Store, council_codes: Sequence[str], *, categories: Sequence[str] | None = None
) -> pd.DataFrame:
    """police.uk locations in some councils: ``location``, ``x``, ``y``, ``count``."""
    marks = ", ".join("?" for _ in council_codes) or "NULL"
    params: list[object] = list(council_codes)
    extra = ""
    if categories is not None:
        extra = f" AND category IN ({', '.join('?' for _ in categories) or 'NULL'})"
        params += list(categories)
    return store.query(
        "SELECT location, x, y, COUNT(*) AS count FROM incidents "
        f"WHERE source = 'police-uk-street' AND has_location AND council_code IN ({marks}){extra} "
        "GROUP BY location, x, y ORDER BY location, x, y",
        params,
    )


def partner_datasets(store: Store) -> pd.DataFrame:
    """One row per partner dataset: events stored, files, first and last month, synthetic rows."""
    return store.query(
        "SELECT dataset, MIN(agency) AS agency, COUNT(*) AS events, "
        "COUNT(DISTINCT file_id) AS files, MIN(month) AS month_from, MAX(month) AS month_to, "
        "SUM(CASE WHEN synthetic THEN 1 ELSE 0 END) AS synthetic, "
        "SUM(CASE WHEN has_location THEN 1 ELSE 0 END) AS placed "
        "FROM partner_events GROUP BY dataset ORDER BY dataset"
    )


def place_reviews(store: Store, dataset: str | None = None) -> pd.DataFrame:
    """Place texts matched with low confidence, for a person to check (current files only)."""
    where = "WHERE EXISTS (SELECT 1 FROM partner_events e WHERE e.file_id = r.file_id)"
    params: list[object] = []
    if dataset is not None:
        where += " AND f.dataset = ?"
        params.append(dataset)
    return store.query(
        "SELECT f.dataset, f.name AS file, r.line, r.text, r.candidate, r.score, r.reason "
        "FROM place_reviews r JOIN load_files f ON f.file_id = r.file_id "
        f"{where} ORDER BY f.dataset, r.file_id, r.line",
        params,
    )
