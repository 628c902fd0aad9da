"""What the sharing admin pages share: the words for the library's codes, form reading,
errors shown beside a form, and the redirect after a change."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final
from urllib.parse import urlencode

import pandas as pd
from fastapi import Request
from fastapi.responses import RedirectResponse

from diogel.errors import DiogelError
from diogel.i18n import translator
from diogel.sharing import checks
from diogel.web.security import state_of

#: The words shown for each code of the library (English messages, translated in the page).
AGENCY_KINDS: Final = {
    "police": "Police force", "council": "Council", "health-board": "Health board",
    "fire-service": "Fire and rescue service", "probation": "Probation service",
    "housing": "Housing provider", "education": "Education", "third-sector": "Third sector",
    "other": "Other",
}  # fmt: skip
PARTNERSHIP_KINDS: Final = {
    "csp": "Community safety partnership", "region": "Regional partnership",
    "national": "National network", "other": "Other",
}  # fmt: skip
SENSITIVITIES: Final = {
    "open": "Open", "official": "Official", "personal": "Personal",
    "special": "Special category",
}  # fmt: skip
SENSITIVITY_HINTS: Final = {
    "open": "Anyone signed in may see it, as with police.uk data.",
    "official": "Seen only by its owner and under a sharing agreement.",
    "personal": "About people: seen only by its owner and under a sharing agreement.",
    "special": "Health and other special category data: small counts are always hidden.",
}  # fmt: skip
LEVELS: Final = {
    "aggregate": "Counts only", "pseudonymised": "Pseudonymised records",
    "record": "Full records",
}  # fmt: skip
LEVEL_HINTS: Final = {
    "aggregate": "Recipients see counts, never rows.",
    "pseudonymised": "Rows with record keys replaced and free text left out.",
    "record": "Rows with the fields chosen below.",
}  # fmt: skip
ROLES: Final = {"viewer": "Viewer (counts only)", "analyst": "Analyst",
                "ig-lead": "Information governance lead"}  # fmt: skip
STATES: Final = {"in force": "In force", "not started": "Not yet started",
                 "expired": "Expired", "revoked": "Revoked"}  # fmt: skip
PARTY_ROLES: Final = {"provider": "Provider", "recipient": "Recipient"}
BODY_KINDS: Final = {"agency": "Agency", "partnership": "Partnership"}
AUDIT_ACTIONS: Final = {"read": "Read", "denied": "Refused", "agreement": "Agreement added",
                        "revoke": "Agreement revoked", "retention": "Retention deletion"}  # fmt: skip
AUDIT_PROBLEMS: Final = {"altered": "Entry {seq} was altered.",
                         "missing": "Entry {seq} is missing.",
                         "head": "Entry {seq} does not match the exported anchor."}  # fmt: skip

#: Every code of the library has its words (a test holds the two together).
COVERED: Final = (
    (AGENCY_KINDS, checks.AGENCY_KINDS), (PARTNERSHIP_KINDS, checks.PARTNERSHIP_KINDS),
    (SENSITIVITIES, checks.SENSITIVITIES), (SENSITIVITY_HINTS, checks.SENSITIVITIES),
    (LEVELS, checks.LEVELS), (LEVEL_HINTS, checks.LEVELS), (ROLES, tuple(checks.ROLE_LEVEL)),
)  # fmt: skip


def words() -> dict[str, Any]:
    """The label tables, for templates."""
    return {
        "agency_kinds": AGENCY_KINDS, "partnership_kinds": PARTNERSHIP_KINDS,
        "sensitivities": SENSITIVITIES, "sensitivity_hints": SENSITIVITY_HINTS,
        "levels": LEVELS, "level_hints": LEVEL_HINTS, "roles": ROLES, "states": STATES,
        "party_roles": PARTY_ROLES, "body_kinds": BODY_KINDS, "audit_actions": AUDIT_ACTIONS,
    }  # fmt: skip


def all_messages() -> set[str]:
    """Every English message of the tables above (for the Welsh catalogue's test)."""
    found = {m for table in words().values() for m in table.values()}
    return found | set(AUDIT_PROBLEMS.values())


def problem(error: DiogelError, lang: str) -> dict[str, Any]:
    """A library error as the form shows it, in the page's language: its message (first
    letter capitalised) and hint, and whether it could only be given in English.

    Examples
    --------
    >>> from diogel.errors import N_, InputError
    >>> err = InputError("{what} {value!r} is not a date", hint="write YYYY-MM-DD",
    ...                  what=N_("expires"), value="soon")
    >>> problem(err, "en")
    {'message': "Expires 'soon' is not a date.", 'hint': 'write YYYY-MM-DD', 'english': False}
    >>> problem(err, "cy")
    {'message': "Dyddiad dod i ben: nid yw 'soon' yn ddyddiad.", 'hint': 'ysgrifennwch BBBB-MM-DD (blwyddyn-mis-diwrnod)', 'english': False}
    """
    shown = translator(lang).error(error)
    text = shown.message[:1].upper() + shown.message[1:]
    return {"message": text if text.endswith(".") else text + ".", "hint": shown.hint,
            "english": shown.english}  # fmt: skip


async def form_data(request: Request) -> dict[str, list[str]]:
    """The posted form as lists of strings by name (a dependency of the routes that read
    fields named at run time, such as one checkbox group per dataset)."""
    form = await request.form()
    out: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            out.setdefault(key, []).append(value)
    return out


def first(form: dict[str, list[str]], key: str) -> str:
    """The first value posted under ``key`` (empty when none), without surrounding blanks."""
    values = form.get(key) or [""]
    return values[0].strip()


def whole(text: str) -> Any:
    """A whole number typed in a form, or the text as typed, for the library to refuse
    with its own message (so typed as ``Any``).

    Examples
    --------
    >>> whole(" 730 "), whole("two years")
    (730, 'two years')
    """
    stripped = text.strip()
    return int(stripped) if stripped.isdigit() and len(stripped) < 10 else stripped


def councils(request: Request, lang: str) -> list[dict[str, str]]:
    """The 22 Welsh councils (code, name in the page's language), by name."""
    frame = state_of(request).geography.councils
    column = "name_cy" if lang == "cy" else "name_en"
    rows = [{"code": str(r["code"]), "name": str(r[column])} for r in frame.to_dict("records")]
    return sorted(rows, key=lambda r: r["name"])


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def day(value: Any) -> dt.date | None:
    """A date column's value as a date (None for a missing one, NaT included).

    Examples
    --------
    >>> day(pd.NaT), day(None), day("2024-06-01"), day(pd.Timestamp("2024-06-01 10:00"))
    (None, None, datetime.date(2024, 6, 1), datetime.date(2024, 6, 1))
    """
    return None if _missing(value) else pd.Timestamp(value).date()


def moment(value: Any) -> str:
    """A stored time to the minute, as ``2024-06-01 12:00`` (empty for a missing one).

    Examples
    --------
    >>> moment(pd.NaT), moment(dt.datetime(2024, 6, 1, 12, 0, 5))
    ('', '2024-06-01 12:00')
    """
    return "" if _missing(value) else f"{pd.Timestamp(value):%Y-%m-%d %H:%M}"


def done(path: str, **query: str) -> RedirectResponse:
    """The redirect after a change (post, redirect, get), with what was done in the query."""
    return RedirectResponse(path + (f"?{urlencode(query)}" if query else ""), status_code=303)
