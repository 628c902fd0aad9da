"""What every governance page needs: the stored register, the page's language, the
words of the register's vocabularies, and the notice shown after a change."""

from __future__ import annotations

import re
from typing import Any, Final

from starlette.requests import Request

from diogel.governance.model import (
    BODY_KINDS,
    DECISIONS,
    ORGANISATION_KINDS,
    RAGS,
    REQUIREMENTS,
    SEAT_ROLES,
    STATUSES,
    THEMES,
    Register,
)
from diogel.governance.overlap import SUGGESTIONS
from diogel.governance.registry import read_register
from diogel.i18n import Translator, translator
from diogel.web.governance_forms import _
from diogel.web.security import choose_language, state_of

#: The vocabularies of a register, for templates to translate their labels.
WORDS: Final = {
    "body_kinds": BODY_KINDS, "organisation_kinds": ORGANISATION_KINDS, "themes": THEMES,
    "requirements": REQUIREMENTS, "seat_roles": SEAT_ROLES, "statuses": STATUSES, "rags": RAGS,
    "decisions": DECISIONS, "suggestions": SUGGESTIONS,
}  # fmt: skip
#: What a ``?done=`` after a change says (``{name}``: the entry it was about).
DONE: Final = {
    "imported": _("The register was loaded."),
    "added": _("Added: {name}."),
    "saved": _("Saved: {name}."),
    "removed": _("Removed: {name}."),
    "updated": _("Action {name} was updated and the change added to its history."),
}
_KEY: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,200}$")


def language(request: Request) -> tuple[str, Translator]:
    """The page's language and its translator."""
    lang = choose_language(request)
    return lang, translator(lang)


def stored_register(request: Request, region: str) -> Register:
    """The stored register of ``region`` (404 if there is none)."""
    return state_of(request).run(read_register, region)


def done_notice(request: Request, register: Register | None, t: Translator) -> str | None:
    """The notice after a change: ``?done=saved&item=csp-newport`` names what was saved
    (by its label when it is still in the register, else by its key)."""
    done = request.query_params.get("done")
    if done not in DONE:
        return None
    item = request.query_params.get("item", "")
    if not _KEY.match(item):
        item = ""
    name = item
    if register is not None and item:
        first = item.split("+")[0]
        name = register.party_label(first, t.lang)
        duty = next((d for d in register.duties if d.id == first), None)
        if duty is not None:
            name = duty.label(t.lang)
        if "+" in item:
            name = f"{name} – {register.party_label(item.split('+', 1)[1], t.lang)}"
    return t(DONE[done], name=name)


def area_names(register: Register, areas: tuple[str, ...], t: Translator) -> str:
    """Council areas by name, or "every council area" when a footprint covers them all."""
    if areas and set(areas) == set(register.councils):
        return t("All council areas")
    return ", ".join(register.council_label(c, t.lang) for c in areas)


def common(request: Request, register: Register | None, t: Translator) -> dict[str, Any]:
    """What every governance template is given."""
    return {
        "reg": register, "words": WORDS, "notice": done_notice(request, register, t),
        "areas_of": lambda areas: area_names(register, tuple(areas), t) if register else "",
    }  # fmt: skip
