"""The access policy: what a person may see of a dataset at a moment, from agreements.

Open data (police.uk, and boundaries) is readable by anyone signed in. Members of the
agency that owns a dataset see it whole (viewers: counts only). Anyone else sees only
what an agreement in force at that moment gives an agency or partnership they belong to,
as a recipient: its level, its fields, and its areas — narrowed to the partnership's
council areas when the grant comes through a partnership. An expired or revoked agreement grants nothing.
A dataset nobody has declared (other than police.uk) is shown to no one.
"""

from __future__ import annotations

import datetime as dt

from diogel.sharing.checks import LEVELS, ROLE_LEVEL
from diogel.storage import sharing as db
from diogel.storage.access_rules import Access, Grant
from diogel.storage.base import Store
from diogel.storage.web import user_by_name

#: Datasets that are open whether declared or not: police.uk, and loaded boundaries.
OPEN_PREFIX = ("police-uk-", "boundaries:")
#: Smallest count shown for special category data unless a dataset says otherwise.
DEFAULT_MIN_COUNT = 5


def _cap(level: str, role: str) -> str:
    most = ROLE_LEVEL.get(role, "aggregate")
    return min(level, most, key=LEVELS.index)


def decide(store: Store, username: str, dataset: str, at: dt.datetime) -> Access:
    """What ``username`` may see of ``dataset`` at ``at`` (naive UTC).

    Examples
    --------
    >>> from diogel.storage import open_store
    >>> s = open_store(":memory:")
    >>> decide(s, "ann", "police-uk-street", dt.datetime(2024, 1, 1)).grants[0].source
    'open'
    >>> decide(s, "ann", "partner:istv", dt.datetime(2024, 1, 1)).grants
    ()
    """
    declared = db.dataset_policy(store, dataset)
    if declared is None:
        if dataset.startswith(OPEN_PREFIX):
            return Access(dataset, "open", DEFAULT_MIN_COUNT, (Grant("open", "record"),))
        return Access(dataset, "undeclared", DEFAULT_MIN_COUNT, ())
    owner, sensitivity, min_count = declared
    if sensitivity == "open":
        return Access(dataset, "open", min_count, (Grant("open", "record"),))
    account = user_by_name(store, username)
    if account is not None and account.disabled:  # a disabled account reads nothing restricted
        return Access(dataset, sensitivity, min_count, ())
    grants = [
        Grant("owner", _cap("record", role)) for role in db.agency_roles(store, username, owner)
    ]
    for agreement_id, level, fields, kind, body_id, role in db.active_grants(
        store, username, dataset, at
    ):
        limit = db.agreement_areas(store, agreement_id)
        areas = frozenset(limit) if limit else None
        if kind == "partnership":
            covered = frozenset(db.partnership_areas(store, body_id))
            areas = covered if areas is None else areas & covered
        chosen = None if fields == "*" else frozenset(str(fields).split(","))
        grants.append(Grant(str(agreement_id), _cap(str(level), str(role)), chosen, areas))
    return Access(dataset, sensitivity, min_count, tuple(grants))
