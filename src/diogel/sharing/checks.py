"""Checks of the names, codes and choices people give the sharing commands.

Every error of the sharing library is raised with an English template and its values
(``InputError("{what} {value!r} is not known", what=N_("role"), value=...)``), never
with text built beforehand, so that the web pages can show it in Welsh; ``what``, the
name of the thing checked, is a word marked with ``N_`` for the same reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Final

from diogel.errors import N_, InputError, Term

AGENCY_KINDS: Final = ("police", "council", "health-board", "fire-service", "probation",
                       "housing", "education", "third-sector", "other")  # fmt: skip
PARTNERSHIP_KINDS: Final = ("csp", "region", "national", "other")
#: Open (police.uk), official, personal (pseudonymised) and special category (e.g. health).
SENSITIVITIES: Final = ("open", "official", "personal", "special")
LEVELS: Final = ("aggregate", "pseudonymised", "record")
#: A member's role and the most it may see: viewers only counts.
ROLE_LEVEL: Final = {"viewer": "aggregate", "analyst": "record", "ig-lead": "record"}

#: Kinds of body a person can be a member of, or an agreement can name as a party.
BODY_KINDS: Final = ("agency", "partnership")
#: The id of each kind of body, as a message names it.
BODY_ID: Final = {"agency": N_("agency id"), "partnership": N_("partnership id")}
#: "No such body" for each kind (a Welsh message words each kind differently).
NO_BODY: Final = {"agency": N_("no agency called '{body_id}'"),
                  "partnership": N_("no partnership called '{body_id}'")}  # fmt: skip

_ID = re.compile(r"[a-z0-9][a-z0-9._:-]{0,63}")
_USER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
_AREA = re.compile(r"[EWSN]\d{8}")


def identifier(value: object, what: Term) -> str:
    """A lower-case id: letters, digits and ``. _ : -``, up to 64 characters.

    Examples
    --------
    >>> from diogel.errors import N_
    >>> identifier("gwent-police", N_("agency id"))
    'gwent-police'
    >>> identifier("Gwent Police", N_("agency id"))
    Traceback (most recent call last):
    ...
    diogel.errors.InputError: agency id 'Gwent Police' is not a valid id. Hint: use lower-case letters, digits and . _ : - (up to 64), e.g. 'gwent-police'
    """
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise InputError(
            "{what} {value!r} is not a valid id",
            hint="use lower-case letters, digits and . _ : - (up to 64), e.g. 'gwent-police'",
            what=what, value=value,
        )  # fmt: skip
    return value


def username(value: object) -> str:
    """A user name as the web accounts spell it."""
    if not isinstance(value, str) or not _USER.fullmatch(value):
        raise InputError(
            "user name {value!r} is not valid",
            hint="letters, digits and . _ @ - (up to 64), as in 'diogel users list'",
            value=value,
        )
    return value


def text(value: object, what: Term, *, limit: int = 2000) -> str:
    """Free text without control characters, not empty."""
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise InputError("{what} must be text of 1 to {limit} characters",
                         hint="give the {what}", what=what, limit=limit)  # fmt: skip
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise InputError("{what} contains control characters", hint="remove them", what=what)
    return value.strip()


def choice(value: object, choices: Iterable[str], what: Term) -> str:
    """One of a fixed set of words."""
    options = tuple(choices)
    if value not in options:
        raise InputError("{what} {value!r} is not known", hint="choose from {options}",
                         what=what, value=value, options=", ".join(options))  # fmt: skip
    return str(value)


def areas(values: Iterable[object]) -> list[str]:
    """Council (GSS) codes such as ``W06000022``, without repeats, sorted."""
    out = set()
    for value in values:
        if not isinstance(value, str) or not _AREA.fullmatch(value):
            raise InputError(
                "area {value!r} is not a council code",
                hint="use GSS codes such as W06000022",
                value=value,
            )
        out.add(value)
    return sorted(out)


def date(value: object, what: Term) -> dt.date:
    """A date from a TOML date or YYYY-MM-DD text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(
            "{what} {value!r} is not a date", hint="write YYYY-MM-DD", what=what, value=value
        ) from None
