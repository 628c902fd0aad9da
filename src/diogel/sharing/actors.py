"""Who an audited change is recorded as: who made it and, if stated, on whose behalf.

The audit entry's ``actor`` is always who made the change (a signed-in web user, or
``cli:LOGIN`` for the operator of the command line). A change made at someone else's
request names them as ``on_behalf_of`` in the entry's details, and only an existing,
active Diogel user can be named, so the log never holds a name nobody can answer for.
"""

from __future__ import annotations

from typing import Final

from diogel.errors import N_, InputError, NotFoundError
from diogel.storage.base import Store

#: The key, in an audit entry's details (its ``query`` JSON), of the user a change was
#: made on behalf of.
ON_BEHALF_OF: Final = "on_behalf_of"

_HINT: Final = N_("name an active user shown by 'diogel users list', or leave it out")


def on_behalf_of(store: Store, name: object) -> str | None:
    """The user a change is made on behalf of, as the users table spells the name; None
    when nobody is named.

    Raises ``NotFoundError`` when no user has this name and ``InputError`` when the user
    is disabled: check before writing anything.

    Examples
    --------
    >>> from diogel.storage import open_store
    >>> s = open_store(":memory:")
    >>> on_behalf_of(s, None) is None
    True
    >>> on_behalf_of(s, "Caldicott Guardian")
    Traceback (most recent call last):
    ...
    diogel.errors.NotFoundError: no Diogel user called 'Caldicott Guardian' to act on behalf of. Hint: name an active user shown by 'diogel users list', or leave it out
    """
    from diogel.storage.web import user_by_name

    if name is None:
        return None
    if not isinstance(name, str) or not name.strip():
        raise InputError("the user acted on behalf of must be a user name; received {name!r}",
                         hint=_HINT, name=name)  # fmt: skip
    row = user_by_name(store, name.strip())
    if row is None:
        raise NotFoundError(
            "no Diogel user called '{name}' to act on behalf of", hint=_HINT, name=name
        )
    if row.disabled:
        raise InputError(
            "user '{username}' is disabled, so nothing can be done on their behalf",
            hint=_HINT,
            username=row.username,
        )
    return row.username


def noted(detail: dict[str, object], behalf: str | None) -> dict[str, object]:
    """An audit entry's details with the user acted on behalf of added (when there is one).

    Examples
    --------
    >>> noted({"agreement": "a1"}, "rhian")
    {'agreement': 'a1', 'on_behalf_of': 'rhian'}
    >>> noted({"agreement": "a1"}, None)
    {'agreement': 'a1'}
    """
    return detail if behalf is None else {**detail, ON_BEHALF_OF: behalf}
