"""Safe sharing: agencies, partnerships, agreements, the access policy, audit and retention.

``scoped(store, principal)`` is the one way to read shared data on behalf of a person.
"""

from __future__ import annotations

import datetime as dt

from diogel.storage.access import ScopedStore
from diogel.storage.access_rules import Access, Principal
from diogel.storage.base import Store


def scoped(store: Store, principal: Principal | str, now: dt.datetime | None = None) -> ScopedStore:
    """A read-only view of ``store`` limited to what ``principal`` may see.

    Parameters
    ----------
    store : Store
        The database.
    principal : Principal or str
        The person reading (a web user name).
    now : datetime, optional
        Judge every read at this moment (naive UTC) instead of the clock.

    Examples
    --------
    >>> from diogel.storage import open_store
    >>> view = scoped(open_store(":memory:"), "ann")
    >>> view.access("police-uk-street").is_open
    True
    """
    from diogel.sharing.perturb import protect_long
    from diogel.sharing.policy import decide

    who = Principal(principal) if isinstance(principal, str) else principal
    return ScopedStore(store, who, policy=decide, suppress=protect_long, now=now)


__all__ = ["Access", "Principal", "ScopedStore", "scoped"]
