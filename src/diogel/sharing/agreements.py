"""Information sharing agreements: read from TOML, checked, stored, listed and revoked."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pandas as pd

from diogel.errors import N_, InputError, NotFoundError
from diogel.sharing import actors, checks
from diogel.storage import sharing as db
from diogel.storage.base import Store
from diogel.storage.partners import EVENT_COLUMNS
from diogel.storage.sqlstore import _INCIDENT_COLUMNS

#: Fields an agreement may name (columns of incidents and of partner events).
FIELDS = frozenset(EVENT_COLUMNS) | frozenset(_INCIDENT_COLUMNS)
#: Bookkeeping columns: which dataset and file a row came from, never chosen for sharing.
_BOOKKEEPING = frozenset({"dataset", "source", "file_id", "line"})
#: Partner datasets are named ``partner:<name>``; other datasets are incident sources.
PARTNER_PREFIX = "partner:"


#: "Named as a party more than once", for each kind of party.
_NAMED_TWICE: Final = {
    "agency": N_("agency '{party}' is named as a party more than once"),
    "partnership": N_("partnership '{party}' is named as a party more than once"),
}
#: "Names none", for each list an agreement must have.
_NONE_NAMED: Final = {"parties": N_("the agreement names no parties"),
                      "datasets": N_("the agreement names no datasets"),
                      "signatories": N_("the agreement names no signatories")}  # fmt: skip


def shareable_fields(dataset: str) -> tuple[str, ...]:
    """The fields an agreement may choose for ``dataset``, sorted: partner event columns
    for a partner dataset, incident columns for any other (bookkeeping columns left out).

    Examples
    --------
    >>> shareable_fields("partner:istv")[:4]
    ('agency', 'area_code', 'category', 'council_code')
    >>> "crime_id" in shareable_fields("police-uk-street"), "line" in FIELDS
    (True, True)
    """
    columns = EVENT_COLUMNS if dataset.startswith(PARTNER_PREFIX) else _INCIDENT_COLUMNS
    return tuple(sorted(set(columns) - _BOOKKEEPING))


@dataclass(frozen=True)
class Agreement:
    """A checked agreement, ready to store (see ``docs/sharing.md`` for the file format)."""

    agreement_id: str
    title: str
    purpose: str
    legal_basis: str
    level: str
    starts_on: dt.date
    review_on: dt.date | None
    expires_on: dt.date
    retention_days: int
    parties: tuple[tuple[str, str, str], ...]
    datasets: tuple[tuple[str, tuple[str, ...] | None], ...]
    areas: tuple[str, ...]
    signatories: tuple[tuple[str, str, dt.date], ...]


def read_agreement(path: str | Path) -> Agreement:
    """Read and check an agreement file (TOML)."""
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFoundError(
            "no agreement file '{path}'", hint="check the path", path=str(p)
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError("agreement file '{path}' is not valid TOML ({problem})", hint="fix it",
                         path=str(p), problem=str(exc)) from None  # fmt: skip
    return parse_agreement(raw)


def parse_agreement(raw: dict[str, Any]) -> Agreement:
    """Check an agreement given as a mapping (the TOML file's content)."""
    known = {"id", "title", "purpose", "legal_basis", "level", "starts", "review", "expires",
             "retention_days", "parties", "datasets", "areas", "signatories"}  # fmt: skip
    extra = sorted(set(raw) - known)
    if extra:
        raise InputError("unknown agreement keys {extra}", hint="use {known}", extra=extra,
                         known=", ".join(sorted(known)))  # fmt: skip
    for key in ("id", "title", "purpose", "legal_basis", "starts", "expires", "retention_days"):
        if key not in raw:
            raise InputError("the agreement has no '{key}'", hint="see docs/sharing.md", key=key)
    starts = checks.date(raw["starts"], N_("starts"))
    expires = checks.date(raw["expires"], N_("expires"))
    review = None if raw.get("review") is None else checks.date(raw["review"], N_("review"))
    if expires <= starts:
        raise InputError(
            "an agreement must expire after it starts",
            hint="make the expiry date ('expires') later than the start date ('starts')",
        )
    if review is not None and not starts <= review <= expires:
        raise InputError(
            "the review date must fall between start and expiry",
            hint="put the review date ('review') between the start and expiry dates",
        )
    days = raw["retention_days"]
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 36500:
        raise InputError(
            "retention days must be a whole number from 1 to 36500; received {days!r}",
            hint="e.g. 730 (two years)",
            days=days,
        )
    parties = tuple(
        (
            checks.choice(p.get("kind"), checks.BODY_KINDS, N_("party kind")),
            checks.identifier(p.get("id"), N_("party id")),
            checks.choice(p.get("role"), ("provider", "recipient"), N_("party role")),
        )
        for p in _tables(raw, "parties")
    )
    named = [(kind, party_id) for kind, party_id, _ in parties]
    twice = sorted({(k, p) for k, p in named if named.count((k, p)) > 1})
    if twice:  # the first of them: a Welsh message words each kind of party differently
        raise InputError(
            _NAMED_TWICE[twice[0][0]],
            hint="name each agency or partnership once, as provider or as recipient",
            party=twice[0][1],
        )
    roles = {role for _, _, role in parties}
    if roles != {"provider", "recipient"}:
        raise InputError(
            "an agreement needs at least one provider and one recipient",
            hint="name the providing and the receiving parties",
        )
    datasets = tuple(_dataset(d) for d in _tables(raw, "datasets"))
    names = [name for name, _ in datasets]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError("datasets {repeated} are named more than once", hint="name each once",
                         repeated=repeated)  # fmt: skip
    signatories = tuple(
        (
            checks.text(s.get("name"), N_("signatory name"), limit=200),
            checks.identifier(s.get("agency"), N_("signatory agency")),
            checks.date(s.get("signed"), N_("signed")),
        )
        for s in _tables(raw, "signatories")
    )
    return Agreement(
        checks.identifier(raw["id"], N_("agreement id")),
        checks.text(raw["title"], N_("title"), limit=300),
        checks.text(raw["purpose"], N_("purpose")),
        checks.text(raw["legal_basis"], N_("legal basis")),
        checks.choice(raw.get("level", "aggregate"), checks.LEVELS, N_("level")),
        starts, review, expires, days, parties, datasets,
        tuple(checks.areas(raw.get("areas", []))), signatories,
    )  # fmt: skip


def _tables(raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = raw.get(key)
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise InputError(
            _NONE_NAMED[key],
            hint="name at least one (in an agreement file, [[{key}]] tables: see docs/sharing.md)",
            key=key,
        )
    return items


def _dataset(item: dict[str, Any]) -> tuple[str, tuple[str, ...] | None]:
    name = checks.identifier(item.get("name"), N_("dataset"))
    fields = item.get("fields")
    if fields == "*":
        return name, None
    if not isinstance(fields, list) or not fields:
        raise InputError("dataset '{name}' needs the list of fields shared",
                         hint='e.g. fields = ["month"]', name=name)  # fmt: skip
    bad = sorted({str(f) for f in fields} - FIELDS)
    if bad:
        raise InputError("unknown fields {bad} for '{name}'", hint="choose from {fields}",
                         bad=bad, name=name, fields=sorted(FIELDS))  # fmt: skip
    return name, tuple(sorted(set(fields)))


def add_agreement(
    store: Store,
    agreement: Agreement,
    *,
    by: str = "system",
    on_behalf_of: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Store an agreement after checking it against what is registered: parties exist, each
    dataset is declared and its owner is a providing party, and the owner has signed.
    ``by`` (who added it) and ``on_behalf_of`` which user (if any, see
    :func:`diogel.sharing.actors.on_behalf_of`) are recorded in the audit log."""
    by = checks.text(by, N_("added by"), limit=200)
    behalf = actors.on_behalf_of(store, on_behalf_of)
    if db.agreement(store, agreement.agreement_id) is not None:
        raise InputError(
            "agreement '{agreement_id}' already exists",
            hint="agreements are never edited: revoke it and add a new one with another id",
            agreement_id=agreement.agreement_id,
        )
    for kind, party_id, _ in agreement.parties:
        if not db.body_exists(store, kind, party_id):
            raise NotFoundError(checks.NO_BODY[kind], hint="register it first", body_id=party_id)
    providers = {p for k, p, r in agreement.parties if k == "agency" and r == "provider"}
    signed = {agency for _, agency, _ in agreement.signatories}
    for dataset, _ in agreement.datasets:
        policy = db.dataset_policy(store, dataset)
        if policy is None:
            raise NotFoundError(
                "dataset '{dataset}' has no declared owner",
                hint="run 'diogel dataset-policy set {dataset} --owner AGENCY --sensitivity ...'",
                dataset=dataset,
            )
        if policy[0] not in providers:
            raise InputError(
                "only the owner of '{dataset}' ({owner}) can share it",
                hint="name the owning agency as a provider party",
                dataset=dataset, owner=policy[0],
            )  # fmt: skip
        if policy[0] not in signed:
            raise InputError(
                "the owner of '{dataset}' ({owner}) has not signed",
                hint="add a [[signatories]] entry for it",
                dataset=dataset, owner=policy[0],
            )  # fmt: skip
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    a = agreement
    db.add_agreement(
        store,
        (a.agreement_id, a.title, a.purpose, a.legal_basis, a.level, a.starts_on, a.review_on,
         a.expires_on, a.retention_days, now),
        a.parties,
        [(d, "*" if f is None else ",".join(f)) for d, f in a.datasets],
        a.areas,
        a.signatories,
    )  # fmt: skip
    detail = actors.noted({"agreement": a.agreement_id}, behalf)
    db.append_audit(store, now, by, "agreement", None, json.dumps(detail), 0)


def show_agreement(store: Store, agreement_id: str) -> dict[str, Any]:
    """One agreement in full."""
    found = db.agreement(store, checks.identifier(agreement_id, N_("agreement id")))
    if found is None:
        raise NotFoundError("no agreement '{agreement_id}'", hint="run 'diogel agreements list'",
                            agreement_id=agreement_id)  # fmt: skip
    return found


def list_agreements(store: Store, at: dt.datetime | None = None) -> pd.DataFrame:
    """Agreements with their state at ``at``: in force, not started, expired or revoked,
    and whether a review is due."""
    at = at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    frame = db.agreements(store)
    frame["state"] = [_state(r, at) for r in frame.itertuples()]
    frame["review_due"] = [
        _present(r.review_on) and _day(r.review_on) <= at.date() for r in frame.itertuples()
    ]
    return frame


def _present(value: Any) -> bool:
    return value is not None and not bool(pd.isna(value))


def _day(value: Any) -> dt.date:
    return pd.Timestamp(value).date()


def _state(row: Any, at: dt.datetime) -> str:
    if _present(row.revoked_at) and pd.Timestamp(row.revoked_at) <= at:
        return "revoked"
    if _day(row.starts_on) > at.date():
        return "not started"
    return "expired" if _day(row.expires_on) <= at.date() else "in force"


def revoke_agreement(
    store: Store,
    agreement_id: str,
    *,
    by: str,
    reason: str,
    on_behalf_of: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Revoke an agreement: from this moment it grants nothing. The agreement keeps
    ``by`` whom it was revoked; the audit log also records ``on_behalf_of`` which user
    (if any)."""
    behalf = actors.on_behalf_of(store, on_behalf_of)
    found = show_agreement(store, agreement_id)
    if found["revoked_at"] is not None:
        raise InputError("agreement '{agreement_id}' is already revoked", hint="nothing to do",
                         agreement_id=agreement_id)  # fmt: skip
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    db.revoke_agreement(
        store,
        agreement_id,
        now,
        checks.text(by, N_("revoked by"), limit=200),
        checks.text(reason, N_("reason")),
    )
    detail = actors.noted({"agreement": agreement_id}, behalf)
    db.append_audit(store, now, by, "revoke", None, json.dumps(detail), 0)
