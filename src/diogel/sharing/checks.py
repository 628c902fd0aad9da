"""Checks of the names, codes and choices people give the sharing commands."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Final

from diogel.errors import InputError

AGENCY_KINDS: Final = ("police", "council", "health-board", "fire-service", "probation",
                       "housing", "education", "third-sector", "other")  # fmt: skip
PARTNERSHIP_KINDS: Final = ("csp", "region", "national", "other")
#: Open (police.uk), official, personal (pseudonymised) and special category (e.g. health).
SENSITIVITIES: Final = ("open", "official", "personal", "special")
LEVELS: Final = ("aggregate", "pseudonymised", "record")
#: A member's role and the most it may see: viewers only counts.
ROLE_LEVEL: Final = {"viewer": "aggregate", "analyst": "record", "ig-lead": "record"}

_ID = re.compile(r"[a-z0-9][a-z0-9._:-]{0,63}")
_USER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
_AREA = re.compile(r"[EWSN]\d{8}")


def identifier(value: object, what: str) -> str:
    """A lower-case id: letters, digits and ``. _ : -``, up to 64 characters.

    Examples
    --------
    >>> identifier("gwent-police", "agency id")
    'gwent-police'
    """
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise InputError(
            f"{what} {value!r} is not a valid id",
            hint="use lower-case letters, digits and . _ : - (up to 64), e.g. 'gwent-police'",
        )
    return value


def username(value: object) -> str:
    """A user name as the web accounts spell it."""
    if not isinstance(value, str) or not _USER.fullmatch(value):
        raise InputError(
            f"user name {value!r} is not valid",
            hint="letters, digits and . _ @ - (up to 64), as in 'diogel users list'",
        )
    return value


def text(value: object, what: str, *, limit: int = 2000) -> str:
    """Free text without control characters, not empty."""
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise InputError(f"{what} must be text of 1 to {limit} characters", hint=f"give the {what}")
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise InputError(f"{what} contains control characters", hint="remove them")
    return value.strip()


def choice(value: object, choices: Iterable[str], what: str) -> str:
    """One of a fixed set of words."""
    options = tuple(choices)
    if value not in options:
        raise InputError(f"{what} {value!r} is not known", hint=f"choose from {', '.join(options)}")
    return str(value)


def areas(values: Iterable[object]) -> list[str]:
    """Council (GSS) codes such as ``W06000022``, without repeats, sorted."""
    out = set()
    for value in values:
        if not isinstance(value, str) or not _AREA.fullmatch(value):
            raise InputError(
                f"area {value!r} is not a council code", hint="use GSS codes such as W06000022"
            )
        out.add(value)
    return sorted(out)


def date(value: object, what: str) -> dt.date:
    """A date from a TOML date or YYYY-MM-DD text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"{what} {value!r} is not a date", hint="write YYYY-MM-DD") from None
