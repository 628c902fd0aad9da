"""Enforcement of sharing agreements: a read-only store scoped to one person at one moment.

Every read of incidents and partner events made through a :class:`ScopedStore` asks the
access policy what this person may see of the dataset *at the moment of the read*, then
filters rows (dataset, partnership and agreement areas) and fields, answers counts only
where an agreement gives aggregates, perturbs (cell-key method) and suppresses small counts
of special category data, and appends an audit entry for every read of data that is not
open. Raw SQL and writes are not offered, so code handed a ScopedStore cannot go around it.

The policy (``diogel.sharing.policy``) and the rule for special category counts
(``diogel.sharing.perturb``) are passed in by ``diogel.sharing.scoped``, which keeps
this module free of analysis code; build ScopedStores with that function.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any, Final

import pandas as pd

from diogel.errors import AccessDenied, InputError, NotFoundError
from diogel.storage.access_rules import (
    _EVENT_AREA,
    _NEVER_GROUPED,
    KEYS,
    Access,
    Grant,
    Policy,
    Principal,
    Suppressor,
    _area_clause,
    _area_text,
    _areas,
    _concat,
    _event_filters,
    _level,
    _names,
    _plain,
    _rekey,
    _value_filters,
    _whole,
)
from diogel.storage.base import AreaFilter, Store
from diogel.storage.partners import EVENT_COLUMNS, KEY_SUM_SQL
from diogel.storage.sharing import append_audit
from diogel.storage.sqlstore import _GROUPABLE, _INCIDENT_COLUMNS, select_files

#: Store methods that write or run raw SQL: a ScopedStore refuses them by name.
_BYPASS: Final = frozenset(
    {"execute", "query", "query_rows", "insert_frame", "next_id", "transaction", "load_files",
     "insert_rejects", "apply_outcome_events", "replace_boundaries", "record_file",
     "current_checksums", "migrate", "con", "conn"}
)  # fmt: skip


class ScopedStore:
    """The reads of a Store, limited to what ``principal`` may see (see the module).

    Parameters
    ----------
    store : Store
        The database.
    principal : Principal
        Who is reading.
    policy, suppress : callable
        The access policy and the small-number rule (``diogel.sharing.scoped`` supplies them).
    now : datetime, optional
        The moment of every read (naive UTC); by default the clock at each read, so an
        agreement that expires or is revoked stops giving access at once.
    """

    def __init__(
        self,
        store: Store,
        principal: Principal,
        *,
        policy: Policy,
        suppress: Suppressor,
        now: dt.datetime | None = None,
    ) -> None:
        _plain(principal.username, "user name")
        self._store = store
        self.principal = principal
        self._policy = policy
        self._suppress = suppress
        self._now = now
        self.url = store.url
        #: Restricted datasets this view has read rows or counts of (for documents made
        #: from them: who may see the document, and when it must be withdrawn).
        self.restricted_reads: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        if name in _BYPASS:
            raise AccessDenied(
                f"a scoped store does not offer '{name}': it would go around sharing agreements",
                hint="reading as a person (the web app, or the CLI's --as) allows reads "
                "through the sharing agreements only; run it as the database's operator instead",
            )
        raise AttributeError(name)

    def now(self) -> dt.datetime:
        """The moment reads are judged at."""
        if self._now is not None:
            return self._now
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def access(self, dataset: str) -> Access:
        """What the principal may see of ``dataset`` now."""
        return self._policy(self._store, self.principal.username, dataset, self.now())

    # -- pass-through reads of data that is not shared under agreements ------------------

    def schema_version(self) -> int:
        return self._store.schema_version()

    def months_loaded(self, force: str | None = None) -> list[dt.date]:
        return self._store.months_loaded(force)

    def boundary_layers(self) -> pd.DataFrame:
        return self._store.boundary_layers()

    def boundaries(self, layer: str) -> pd.DataFrame:
        return self._store.boundaries(layer)

    def close(self) -> None:
        """Nothing to do: the scoped store does not own the database connection."""

    # -- provenance and rejected rows ----------------------------------------------------

    def files(self, *, include_replaced: bool = False) -> pd.DataFrame:
        """Loaded files, as ``Store.files``, of the datasets the principal may see
        something of now (the name and counts of a restricted file are not shown to
        someone no agreement gives its data to)."""
        frame = self._store.files(include_replaced=include_replaced)
        seen: dict[str, bool] = {}
        exact: set[str] = set()
        for dataset in frame["dataset"].astype(str).unique():
            access = self.access(dataset)
            seen[dataset] = bool(access.grants)
            if access.is_open or _whole(access.grants):
                exact.add(dataset)
        keep = frame["dataset"].astype(str).map(seen).astype(bool)
        frame = frame[keep].reset_index(drop=True)
        # A file's row counts are exact counts of its records: someone who may see only
        # some areas, fields or aggregates of a restricted dataset gets them as NA, so
        # that a small file (or two files' difference) cannot reveal a small number.
        hidden = ~frame["dataset"].astype(str).isin(exact)
        if hidden.any():
            for column in ("rows_in", "accepted", "rejected"):
                frame[column] = frame[column].astype("Int64").mask(hidden)
        return frame

    def rejects(self, selector: str, *, open_only: bool = False) -> pd.DataFrame:
        """Rejected rows of a file (by id or name) or dataset, as ``Store.rejects``.

        A rejected row is the raw line as the partner sent it, so only someone who may see
        whole records of the dataset (its owner, or an agreement sharing every field at
        record level) gets the rows of a restricted dataset; each such read is audited.
        ``open_only`` refuses every restricted dataset, whoever asks.
        """
        _plain(selector, "file or dataset")
        # The same choice of files as the store makes, so that every file whose rows
        # would be returned is judged (a file name, too, not only an id or a dataset).
        chosen = select_files(self._store.files(include_replaced=True), selector)
        if chosen.empty:
            raise _not_found(selector)
        datasets = sorted({str(d) for d in chosen["dataset"]})
        for dataset in datasets:
            access = self.access(dataset)
            if not access.grants:  # the file is not visible at all: say nothing of it
                raise _not_found(selector)
            whole = _whole(access.grants)
            query: dict[str, object] = {"read": "rejects", "selector": selector}
            if not access.is_open and (open_only or not whole):
                self._deny(access, query, "the rejected rows")
        frame = _concat(
            [self._store.rejects(str(int(i)), open_only=open_only) for i in chosen["file_id"]],
            ["file", "line", "reason", "raw"],
        )
        for dataset in datasets:
            access = self.access(dataset)
            if not access.is_open:
                self._write_audit("read", dataset, {"read": "rejects", "selector": selector},
                                  len(frame))  # fmt: skip
        return frame

    # -- police.uk and other incident sources --------------------------------------------

    def count_incidents(
        self, area: AreaFilter, start: dt.date, end: dt.date, *, source: str = "police-uk-street"
    ) -> pd.DataFrame:
        """Counts by month and category, as ``Store.count_incidents`` (``count`` is NA where
        hidden, and ``suppressed`` and ``perturbed`` columns are added for special category
        data)."""
        return self.count_by(area, start, end, ["month", "category"], source=source)

    def count_by(
        self,
        area: AreaFilter,
        start: dt.date,
        end: dt.date,
        by: Sequence[str],
        *,
        source: str = "police-uk-street",
    ) -> pd.DataFrame:
        """Counts grouped by incident columns, within what the principal may see."""
        by = _names(by, _GROUPABLE, "grouping")
        _plain(source, "source")
        clause, params = _area_clause(area)
        return self._count(
            "incidents", "source", source, by, [clause], [*params, start, end],
            "council_code IN ({m})", {"area": _area_text(area), "start": start, "end": end},
        )  # fmt: skip

    def incidents(
        self,
        area: AreaFilter,
        start: dt.date,
        end: dt.date,
        *,
        columns: Sequence[str] = ("month", "category", "x", "y", "lsoa_code", "location"),
        source: str = "police-uk-street",
    ) -> pd.DataFrame:
        """Incident rows with some columns, within what the principal may see."""
        columns = _names(columns, frozenset(_INCIDENT_COLUMNS), "incident columns")
        _plain(source, "source")
        clause, params = _area_clause(area)
        return self._records(
            "incidents", "source", source, columns, [clause], [*params, start, end],
            "council_code IN ({m})", "month, file_id, line",
            {"area": _area_text(area), "start": start, "end": end},
        )  # fmt: skip

    # -- partner events ------------------------------------------------------------------

    def partner_datasets(self) -> list[str]:
        """Partner datasets the principal may see something of now."""
        rows = self._store.query_rows("SELECT DISTINCT dataset FROM partner_events ORDER BY 1")
        return [str(r[0]) for r in rows if self.access(str(r[0])).grants]

    def partner_events(
        self,
        start: dt.date,
        end: dt.date,
        *,
        area_codes: Sequence[str] | None = None,
        datasets: Sequence[str] | None = None,
        columns: Sequence[str] = ("dataset", "theme", "occurred_on", "occurred_at", "x", "y"),
        themes: Sequence[str] | None = None,
        agencies: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Partner event rows, as ``storage.partners.partner_events``; with ``datasets``
        None, only the datasets the principal may read rows of (asking for a dataset by
        name that the principal may not read is refused, and audited)."""
        columns = _names(columns, EVENT_COLUMNS, "partner event columns")
        chosen = self._datasets(datasets, lambda a: bool(a.for_records(columns)))
        frames = []
        for dataset in chosen:
            clauses, params = _event_filters(area_codes)
            more, values = _value_filters(themes=themes, agency=agencies)
            frames.append(self._records(
                "partner_events", "dataset", dataset, columns, [*clauses, *more],
                [*params, *values, start, end], _EVENT_AREA, "occurred_on, file_id, line",
                {"area_codes": area_codes, "themes": themes, "agencies": agencies,
                 "start": start, "end": end},
            ))  # fmt: skip
        return _concat(frames, columns)

    def count_partner_events(
        self,
        start: dt.date,
        end: dt.date,
        by: Sequence[str],
        *,
        area_codes: Sequence[str] | None = None,
        datasets: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Partner events counted by some columns, one dataset at a time (a ``dataset``
        column first); counts of special category data perturbed by the cell-key method
        (the same records always give the same value) and never from 1 to k-1."""
        by = [c for c in _names(by, EVENT_COLUMNS, "grouping") if c != "dataset"] or ["month"]
        chosen = self._datasets(datasets, lambda a: bool(a.for_counts(by)))
        frames = []
        for dataset in chosen:
            clauses, params = _event_filters(area_codes)
            frame = self._count(
                "partner_events", "dataset", dataset, by, clauses, [*params, start, end],
                _EVENT_AREA, {"area_codes": area_codes, "start": start, "end": end},
            )  # fmt: skip
            frames.append(frame.assign(dataset=dataset)[["dataset", *frame.columns]])
        return _concat(frames, ["dataset", *by, "count"])

    # -- the one path every read takes ---------------------------------------------------

    def _datasets(self, asked: Sequence[str] | None, usable: Callable[[Access], bool]) -> list[str]:
        if asked is None:
            rows = self._store.query_rows("SELECT DISTINCT dataset FROM partner_events ORDER BY 1")
            return [str(r[0]) for r in rows if usable(self.access(str(r[0])))]
        chosen = [asked] if isinstance(asked, str) else list(asked)
        _plain(chosen, "dataset")
        return chosen

    def _records(
        self,
        table: str,
        key: str,
        dataset: str,
        columns: list[str],
        clauses: list[str],
        params: list[object],
        area_sql: str,
        order: str,
        described: dict[str, object],
    ) -> pd.DataFrame:
        access = self.access(dataset)
        grants = access.for_records(columns)
        query = {"read": "records", "table": table, "columns": columns, **described}
        if not grants:
            self._deny(access, query, "rows with the columns asked for")
        where, extra = self._where(key, dataset, clauses, grants, area_sql)
        frame = self._store.query(
            f"SELECT {', '.join(columns)} FROM {table} WHERE {where} ORDER BY {order}",
            [*extra[:1], *params[:-2], *extra[1:], *params[-2:]],
        )
        level = _level(grants)
        if level == "pseudonymised":
            salt = ",".join(sorted(g.source for g in grants))
            for column in KEYS & set(frame.columns):
                frame[column] = frame[column].map(lambda v: _rekey(salt, v))
        self._audit(access, {**query, "level": level, "grants": [g.source for g in grants]}, frame)
        return frame

    def _count(
        self,
        table: str,
        key: str,
        dataset: str,
        by: list[str],
        clauses: list[str],
        params: list[object],
        area_sql: str,
        described: dict[str, object],
    ) -> pd.DataFrame:
        access = self.access(dataset)
        query = {"read": "counts", "table": table, "by": by, **described}
        if set(by) & _NEVER_GROUPED:
            raise InputError(
                f"counts cannot be grouped by {', '.join(sorted(set(by) & _NEVER_GROUPED))}",
                hint="group by what describes events (month, category, area), not records",
            )
        grants = access.for_counts(by)
        if not grants:
            self._deny(access, query, f"counts by {', '.join(by)}")
        where, extra = self._where(key, dataset, clauses, grants, area_sql)
        cols = ", ".join(by)
        # Special category partner events: each cell's key sum, for its perturbation.
        keyed = access.sensitivity == "special" and table == "partner_events"
        sums = f", {KEY_SUM_SQL}" if keyed else ""
        frame = self._store.query(
            f"SELECT {cols}, COUNT(*) AS count{sums} FROM {table} WHERE {where} "
            f"GROUP BY {cols} ORDER BY {cols}",
            [*extra[:1], *params[:-2], *extra[1:], *params[-2:]],
        )
        if access.sensitivity == "special":
            frame = self._suppress(frame, by, access.min_count)
        self._audit(access, {**query, "grants": [g.source for g in grants]}, frame)
        return frame

    def _where(
        self,
        key: str,
        dataset: str,
        clauses: list[str],
        grants: Sequence[Grant],
        area_sql: str,
    ) -> tuple[str, list[object]]:
        """``key = ? AND <caller's filters> AND <areas granted> AND month BETWEEN ? AND ?``;
        returns the text and [dataset, *area parameters]."""
        parts = [f"{key} = ?", *clauses]
        extra: list[object] = [dataset]
        areas = _areas(grants)
        if areas is not None:
            codes = sorted(areas)
            if codes:
                marks = ", ".join("?" for _ in codes)
                parts.append("(" + area_sql.format(m=marks) + ")")
                extra += codes * area_sql.count("{m}")
            else:
                parts.append("1 = 0")
        parts.append("month BETWEEN ? AND ?")
        return " AND ".join(parts), extra

    def _deny(self, access: Access, query: dict[str, object], what: str) -> None:
        if not access.is_open:
            self._write_audit("denied", access.dataset, query, 0)
        raise AccessDenied(
            f"{self.principal.username} may not see {what} of dataset '{access.dataset}'",
            hint="an agreement in force must share it with your agency or partnership; "
            "run 'diogel agreements list' or ask your information governance lead",
        )

    def _audit(self, access: Access, query: dict[str, object], frame: pd.DataFrame) -> None:
        if not access.is_open:
            self.restricted_reads.add(access.dataset)
            self._write_audit("read", access.dataset, query, len(frame))

    def note_read(self, dataset: str, query: dict[str, object], rows: int = 0) -> None:
        """Audit a read of restricted data made outside the store: a document built from
        it was opened or downloaded. Refused (and the refusal audited) when the person
        may no longer see anything of ``dataset``."""
        _plain(dataset, "dataset")
        access = self.access(dataset)
        if not access.grants:
            self._deny(access, query, "documents built from the data")
        if not access.is_open:
            self._write_audit("read", dataset, query, rows)

    def _write_audit(self, action: str, dataset: str, query: dict[str, object], rows: int) -> None:
        if self.principal.via is not None:
            query = {**query, "via": self.principal.via}
        text = json.dumps(query, default=str, sort_keys=True)
        append_audit(self._store, self.now(), self.principal.username, action, dataset, text, rows)


def _not_found(selector: str) -> NotFoundError:
    """The one answer for a file or dataset that is not loaded or not the reader's to see
    (the two are not told apart, so a restricted file's existence is not given away)."""
    return NotFoundError(
        f"no loaded dataset or file called '{selector}'",
        hint="run 'diogel datasets' to see the dataset names and file ids",
    )
