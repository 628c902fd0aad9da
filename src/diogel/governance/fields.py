"""The fields of each register section and how each is checked and converted from text.

A converter takes the raw text (or list of texts) a reader found and returns the
value, or raises :class:`BadValue` with what is wrong and how to fix it.

Examples
--------
>>> to_date("2023-03-16")
datetime.date(2023, 3, 16)
>>> to_date("16/03/2023")
Traceback (most recent call last):
...
diogel.governance.fields.BadValue: '16/03/2023' is not a date in the form YYYY-MM-DD
>>> to_date("2023-3-5")
Traceback (most recent call last):
...
diogel.governance.fields.BadValue: '2023-3-5' is not a date in the form YYYY-MM-DD
>>> to_number("7.5"), to_flag("yes"), to_list("a")
(7.5, True, ('a',))
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from diogel.errors import InputError
from diogel.governance.model import (
    BODY_KINDS,
    DECISIONS,
    HISTORY_FIELDS,
    ORGANISATION_KINDS,
    RAGS,
    REQUIREMENTS,
    SEAT_ROLES,
    STATUSES,
    THEMES,
)
from diogel.governance.sources import RawValue

Converter = Callable[[RawValue], Any]

_ID: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_ISO: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DMY: Final = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_YMD: Final = re.compile(r"^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$")
#: The ``format`` a register file may declare.
FORMAT: Final = "diogel-governance/1"


class BadValue(Exception):
    """A field's value cannot be used; ``hint`` says how to fix it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class FieldError(InputError):
    """A value given for one named field (of a form or a command) cannot be used.

    >>> FieldError("due", "'soon' is not a date in the form YYYY-MM-DD").field
    'due'
    """

    def __init__(self, field: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.field = field

    def __reduce__(self) -> tuple[object, ...]:
        return (_field_error, (self.field, self.message, self.hint))


def _field_error(field: str, message: str, hint: str | None) -> FieldError:
    return FieldError(field, message, hint=hint)


def suggest(value: str, options: Iterable[str], what: str) -> str:
    """A hint naming the closest options, or the first few when none is close.

    >>> suggest("csp-newprot", ["csp-newport", "psb"], "body")
    "did you mean 'csp-newport'?"
    >>> suggest("zzz", ["a", "b"], "theme")
    'use one of the themes: a, b'
    >>> suggest("zzz", ["psb"], "body")
    'use one of the bodies: psb'
    """
    options = list(options)
    close = difflib.get_close_matches(value, options, n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    shown = ", ".join(options[:12]) + (", ..." if len(options) > 12 else "")
    if what.endswith("y") and not what.endswith(("ay", "ey", "oy")):
        plural = what[:-1] + "ies"
    else:
        plural = what + ("es" if what.endswith(("s", "x")) else "s")
    return f"use one of the {plural}: {shown}" if options else f"no {plural} are defined yet"


def _one(value: RawValue) -> str | None:
    if isinstance(value, list):
        if len(value) == 1:
            return value[0]
        raise BadValue("should be one value, not a list", "remove the brackets or dashes")
    return value


def to_text(value: RawValue) -> str | None:
    return _one(value)


def to_id(value: RawValue) -> str | None:
    text = _one(value)
    if text is not None and not _ID.match(text):
        raise BadValue(
            f"'{text}' is not a usable id",
            "use letters, digits, '.', '-' or '_' with no spaces, e.g. 'csp-newport'",
        )
    return text


def to_date(value: RawValue) -> dt.date | None:
    text = _one(value)
    if text is None:
        return None
    if _ISO.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise BadValue(f"'{text}' is not a real date", "check the month and day") from None
    hint = "write dates as YYYY-MM-DD, e.g. 2023-03-16"
    m, n = _DMY.match(text), _YMD.match(text)
    if m or n:
        if m:
            day, month, year = int(m[1]), int(m[2]), int(m[3])
            year += 2000 if year < 100 else 0
        elif n:
            year, month, day = int(n[1]), int(n[2]), int(n[3])
        with contextlib.suppress(ValueError):  # a day or month out of range: generic hint
            hint = f"write it as {dt.date(year, month, day).isoformat()} (YYYY-MM-DD)"
    raise BadValue(f"'{text}' is not a date in the form YYYY-MM-DD", hint)


def to_number(value: RawValue) -> float | None:
    text = _one(value)
    if text is None:
        return None
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        raise BadValue(f"'{text}' is not a number", "write a number such as 12 or 1.5") from None
    if number < 0 or number != number:
        raise BadValue(f"'{text}' must be zero or more")
    return number


def to_flag(value: RawValue) -> bool:
    text = _one(value)
    if text is None:
        return False
    lowered = text.lower()
    if lowered in {"true", "yes", "y", "1"}:
        return True
    if lowered in {"false", "no", "n", "0"}:
        return False
    raise BadValue(f"'{text}' is not yes or no", "write true or false")


def to_list(value: RawValue) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


def to_ids(value: RawValue) -> tuple[str, ...]:
    return tuple(i for v in to_list(value) if (i := to_id(v)) is not None)


def one_of(vocabulary: Mapping[str, str], what: str) -> Converter:
    """A converter accepting one key of ``vocabulary`` (case-insensitive)."""

    def convert(value: RawValue) -> str | None:
        text = _one(value)
        if text is None:
            return None
        key = text.strip().lower().replace("_", "-").replace(" ", "-")
        if key in vocabulary:
            return key
        raise BadValue(f"'{text}' is not a known {what}", suggest(key, vocabulary, what))

    return convert


def many_of(vocabulary: Mapping[str, str], what: str) -> Converter:
    single = one_of(vocabulary, what)

    def convert(value: RawValue) -> tuple[str, ...]:
        return tuple(single(v) for v in to_list(value))

    return convert


#: Fields every entry may carry.
_COMMON: Final[dict[str, Converter]] = {"illustrative": to_flag, "note": to_text}
#: Marks a field that must be present.
REQUIRED: Final = "required"
#: Areas and councils: resolved against the bundled geography by the validator.
AREAS: Final = "areas"

#: Each section's fields: name -> (converter or AREAS, required?).
SPECS: Final[dict[str, dict[str, tuple[Any, bool]]]] = {
    "register": {
        "format": (to_text, False), "region": (to_id, True), "name": (to_text, True),
        "name_cy": (to_text, False), "councils": (AREAS, True), "source": (to_text, False),
        "note": (to_text, False),
    },
    "organisations": {
        "id": (to_id, True), "name": (to_text, True), "name_cy": (to_text, False),
        "kind": (one_of(ORGANISATION_KINDS, "organisation kind"), False),
    },
    "people": {
        "id": (to_id, True), "name": (to_text, True), "name_cy": (to_text, False),
        "organisation": (to_id, True), "role": (to_text, False), "role_cy": (to_text, False),
    },
    "bodies": {
        "id": (to_id, True), "name": (to_text, True), "name_cy": (to_text, False),
        "kind": (one_of(BODY_KINDS, "body kind"), True), "areas": (AREAS, True),
        "parent": (to_id, False), "legal_basis": (to_text, False), "chair": (to_id, False),
        "secretariat": (to_id, False), "meetings_per_year": (to_number, False),
        "themes": (many_of(THEMES, "theme"), False),
    },
    "duties": {
        "id": (to_id, True), "title": (to_text, True), "title_cy": (to_text, False),
        "legislation": (to_text, True), "legislation_cy": (to_text, False),
        "section": (to_text, True), "section_cy": (to_text, False), "holders": (to_text, True), "requires": (many_of(REQUIREMENTS, "requirement"), False),
        "frequency": (to_text, False),
    },
    "discharges": {"duty": (to_id, True), "body": (to_id, True), "areas": (AREAS, False)},
    "seats": {
        "person": (to_id, True), "body": (to_id, True),
        "role": (one_of(SEAT_ROLES, "seat role"), False), "hours_per_year": (to_number, False),
    },
    "reviews": {
        "id": (to_id, True), "title": (to_text, True), "title_cy": (to_text, False),
        "commissioned_by": (to_id, True), "agreed_on": (to_date, False),
    },
    "meetings": {"review": (to_id, True), "date": (to_date, True)},
    "workstreams": {
        "review": (to_id, True), "id": (to_id, True), "title": (to_text, True),
        "title_cy": (to_text, False), "lead": (to_id, False),
    },
    "recommendations": {
        "review": (to_id, True), "id": (to_id, True), "text": (to_text, True),
        "text_cy": (to_text, False), "workstream": (to_id, False),
        "decision": (one_of(DECISIONS, "decision"), False), "decided_on": (to_date, False),
    },
    "actions": {
        "review": (to_id, True), "id": (to_id, True), "title": (to_text, True),
        "title_cy": (to_text, False), "recommendation": (to_id, False),
        "workstream": (to_id, False), "owner": (to_id, False), "due": (to_date, False),
        "status": (one_of(STATUSES, "status"), False), "rag": (one_of(RAGS, "RAG rating"), False),
        "depends_on": (to_ids, False), "decision": (to_text, False),
        "decision_cy": (to_text, False), "created_on": (to_date, False),
    },
    "milestones": {
        "review": (to_id, True), "id": (to_id, True), "title": (to_text, True),
        "title_cy": (to_text, False), "workstream": (to_id, False), "due": (to_date, True),
        "done_on": (to_date, False),
    },
    "history": {
        "review": (to_id, True), "action": (to_id, True),
        "field": (one_of(dict.fromkeys(HISTORY_FIELDS, ""), "history field"), True),
        "changed_on": (to_date, True), "old": (to_text, False), "new": (to_text, False),
        "note": (to_text, False), "note_cy": (to_text, False),
    },
}  # fmt: skip
for _section, _spec in SPECS.items():
    if _section not in {"register", "meetings"}:
        for _name, _convert in _COMMON.items():
            _spec.setdefault(_name, (_convert, False))

#: How each history field's old and new values are checked.
HISTORY_VALUES: Final[dict[str, Converter]] = {
    "status": one_of(STATUSES, "status"),
    "rag": one_of(RAGS, "RAG rating"),
    "due": to_date,
}
