"""Agencies, partnerships, people's memberships and datasets' owners and sensitivity."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Final

import pandas as pd

from diogel.errors import N_, InputError, NotFoundError
from diogel.sharing import actors, checks
from diogel.storage import sharing as db
from diogel.storage.base import Store

#: "Not a member" for each kind of body (a Welsh message words each kind differently).
_NOT_A_MEMBER: Final = {"agency": N_("{username} is not a member of agency '{body_id}'"),
                        "partnership": N_("{username} is not a member of partnership '{body_id}'")}  # fmt: skip
#: Where to find the bodies of each kind.
_LIST_THEM: Final = {"agency": N_("run 'diogel agencies list'"),
                     "partnership": N_("run 'diogel partnerships list'")}  # fmt: skip


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def add_agency(store: Store, agency_id: str, name: str, kind: str) -> None:
    """Register an agency (police force, council, health board, fire service, ...).

    Examples
    --------
    >>> from diogel.storage import open_store
    >>> s = open_store(":memory:")
    >>> add_agency(s, "gwent-police", "Gwent Police", "police")
    >>> list(db.agencies(s)["agency_id"])
    ['gwent-police']
    """
    agency_id = checks.identifier(agency_id, N_("agency id"))
    name = checks.text(name, N_("agency name"), limit=200)
    kind = checks.choice(kind, checks.AGENCY_KINDS, N_("agency kind"))
    if db.body_exists(store, "agency", agency_id):
        raise InputError(
            "agency '{agency_id}' already exists", hint="choose another id", agency_id=agency_id
        )
    db.add_agency(store, agency_id, name, kind, _now())


def add_partnership(
    store: Store,
    partnership_id: str,
    name: str,
    kind: str,
    council_codes: Sequence[str],
    *,
    parent: str | None = None,
) -> None:
    """Register a partnership (a CSP, a region, the national network) and its council areas."""
    partnership_id = checks.identifier(partnership_id, N_("partnership id"))
    name = checks.text(name, N_("partnership name"), limit=200)
    kind = checks.choice(kind, checks.PARTNERSHIP_KINDS, N_("partnership kind"))
    codes = checks.areas(council_codes)
    if not codes:
        raise InputError("a partnership needs at least one council area", hint="add --area W06...")
    if db.body_exists(store, "partnership", partnership_id):
        raise InputError("partnership '{partnership_id}' already exists",
                         hint="choose another id", partnership_id=partnership_id)  # fmt: skip
    if parent is not None:
        _must_exist(store, "partnership", checks.identifier(parent, N_("parent partnership")))
    db.add_partnership(store, partnership_id, name, kind, parent, codes, _now())


def _audited(
    store: Store,
    by: str,
    action: str,
    detail: dict[str, object],
    dataset: str | None = None,
    behalf: str | None = None,
) -> None:
    """One audit entry for a change to who may read what (same transaction as the change)."""
    text = json.dumps(actors.noted(detail, behalf), sort_keys=True)
    db.append_audit(store, _now(), by, action, dataset, text, 0)


def add_member(
    store: Store,
    username: str,
    kind: str,
    body_id: str,
    role: str,
    *,
    by: str = "system",
    on_behalf_of: str | None = None,
) -> None:
    """Make a person (web user name) a member of an agency or partnership with a role
    (``viewer`` sees counts only; ``analyst`` and ``ig-lead`` what agreements allow).
    The change, ``by`` whom and ``on_behalf_of`` which user (if any, see
    :func:`diogel.sharing.actors.on_behalf_of`), is an entry in the audit log."""
    username = checks.username(username)
    kind = checks.choice(kind, checks.BODY_KINDS, N_("body kind"))
    body_id = checks.identifier(body_id, checks.BODY_ID[kind])
    role = checks.choice(role, tuple(checks.ROLE_LEVEL), N_("role"))
    by = checks.text(by, N_("changed by"), limit=200)
    behalf = actors.on_behalf_of(store, on_behalf_of)
    _must_exist(store, kind, body_id)
    with store.transaction():
        db.set_membership(store, username, kind, body_id, role)
        detail: dict[str, object] = {"user": username, kind: body_id, "role": role}
        _audited(store, by, "membership", detail, behalf=behalf)


def set_dataset_policy(
    store: Store,
    dataset: str,
    owner: str,
    sensitivity: str,
    *,
    min_count: int = 5,
    description: str | None = None,
    by: str = "system",
    on_behalf_of: str | None = None,
) -> None:
    """Declare the agency that owns a dataset, its sensitivity and (for special category
    data) the smallest count that may be shown; audited, with ``by`` whom and
    ``on_behalf_of`` which user (if any)."""
    dataset = checks.identifier(dataset, N_("dataset"))
    owner = checks.identifier(owner, N_("owner agency"))
    sensitivity = checks.choice(sensitivity, checks.SENSITIVITIES, N_("sensitivity"))
    if isinstance(min_count, bool) or not isinstance(min_count, int) or not 2 <= min_count <= 100:
        raise InputError("min count must be 2 to 100; received {min_count!r}",
                         hint="NHS uses 5", min_count=min_count)  # fmt: skip
    if description is not None:
        description = checks.text(description, N_("description"))
    by = checks.text(by, N_("changed by"), limit=200)
    behalf = actors.on_behalf_of(store, on_behalf_of)
    _must_exist(store, "agency", owner)
    with store.transaction():
        db.set_dataset(store, dataset, owner, sensitivity, min_count, description)
        detail = {"owner": owner, "sensitivity": sensitivity, "min_count": min_count}
        _audited(store, by, "dataset-policy", detail, dataset, behalf)


def remove_member(
    store: Store,
    username: str,
    kind: str,
    body_id: str,
    *,
    by: str = "system",
    on_behalf_of: str | None = None,
) -> None:
    """End a person's membership (and so their role) in an agency or partnership;
    audited, with ``by`` whom and ``on_behalf_of`` which user (if any).

    Examples
    --------
    >>> from diogel.storage import open_store
    >>> s = open_store(":memory:")
    >>> add_agency(s, "gwent-police", "Gwent Police", "police")
    >>> add_member(s, "ann", "agency", "gwent-police", "analyst")
    >>> remove_member(s, "ann", "agency", "gwent-police")
    >>> len(members_of(s, "agency", "gwent-police"))
    0
    """
    username = checks.username(username)
    kind = checks.choice(kind, checks.BODY_KINDS, N_("body kind"))
    body_id = checks.identifier(body_id, checks.BODY_ID[kind])
    by = checks.text(by, N_("changed by"), limit=200)
    behalf = actors.on_behalf_of(store, on_behalf_of)
    _must_exist(store, kind, body_id)
    with store.transaction():
        if not db.remove_membership(store, username, kind, body_id):
            raise NotFoundError(_NOT_A_MEMBER[kind], hint="nothing to remove",
                                username=username, body_id=body_id)  # fmt: skip
        _audited(store, by, "membership-end", {"user": username, kind: body_id}, behalf=behalf)


def memberships(store: Store, username: str | None = None) -> pd.DataFrame:
    """Memberships of one person (or of everyone)."""
    return db.memberships(store, None if username is None else checks.username(username))


def members_of(store: Store, kind: str, body_id: str) -> pd.DataFrame:
    """The members of one agency or partnership and their roles, by user name."""
    kind = checks.choice(kind, checks.BODY_KINDS, N_("body kind"))
    body_id = checks.identifier(body_id, checks.BODY_ID[kind])
    _must_exist(store, kind, body_id)
    return db.memberships(store, body=(kind, body_id))


def list_agencies(store: Store) -> pd.DataFrame:
    """Agencies (agency_id, name, kind, members), by id."""
    return db.agencies(store)


def list_partnerships(store: Store) -> pd.DataFrame:
    """Partnerships (partnership_id, name, kind, parent_id, areas, members), by id;
    ``areas`` is the list of council codes each covers."""
    rows = db.partnerships(store)
    frame = pd.DataFrame(rows, columns=["partnership_id", "name", "kind", "parent_id", "areas"])
    parents = frame["parent_id"].astype(object)
    frame["parent_id"] = parents.where(parents.notna(), None)  # None, not NaN, for no parent
    counts = db.memberships(store).query("body_kind == 'partnership'")["body_id"].value_counts()
    frame["members"] = [int(counts.get(p, 0)) for p in frame["partnership_id"]]
    return frame


def list_datasets(store: Store) -> pd.DataFrame:
    """Declared datasets (dataset, owner_agency, sensitivity, min_count, description)."""
    return db.datasets(store)


def _must_exist(store: Store, kind: str, body_id: str) -> None:
    if not db.body_exists(store, kind, body_id):
        raise NotFoundError(checks.NO_BODY[kind], hint=_LIST_THEM[kind], body_id=body_id)
