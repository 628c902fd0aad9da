"""The forms that edit a governance register: their fields, options, and posted values.

Each editable part of a register (see :data:`diogel.governance.edit.KEYS`) has a form
here: the fields in the order they are shown, with a label, an input kind and a hint.
Labels are English gettext messages (marked with :func:`_`, so that the Welsh catalogue
test finds them); the template translates them. Checking the values is the library's
job: :func:`posted_fields` only turns the posted form into the texts
:func:`diogel.governance.edit.put_entry` takes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from starlette.datastructures import FormData

from diogel.governance.edit import Problem
from diogel.governance.model import (
    BODY_KINDS,
    ORGANISATION_KINDS,
    REQUIREMENTS,
    SEAT_ROLES,
    THEMES,
    Register,
)
from diogel.i18n import Translator


def _(message: str) -> str:
    """Mark a message for translation where it is defined; it is translated when shown."""
    return message


@dataclass(frozen=True)
class Field:
    """One input of a form.

    ``kind`` is ``text``, ``textarea``, ``number``, ``select``, ``checkboxes`` or
    ``checkbox``; ``options`` names the list a select or checkboxes choose from (see
    :func:`options`); an optional select offers "None" first.
    """

    name: str
    label: str
    kind: str = "text"
    hint: str | None = None
    required: bool = False
    options: str | None = None


_ID_HINT = _("Letters, digits, '.', '-' or '_', with no spaces, e.g. csp-newport. It cannot be changed later.")  # fmt: skip
_COMMON = (
    Field("illustrative", _("Illustrative: not taken from a source document"), "checkbox"),
    Field("note", _("Note"), "textarea", _("Where this comes from, or anything a reader should know.")),
)  # fmt: skip

#: Each section's form, in the order its fields are shown.
FORMS: Final[dict[str, tuple[Field, ...]]] = {
    "bodies": (
        Field("id", _("Identifier"), hint=_ID_HINT, required=True),
        Field("name", _("Name"), required=True),
        Field("name_cy", _("Name in Welsh")),
        Field("kind", _("Kind of body"), "select", required=True, options="body_kinds"),
        Field("areas", _("Council areas it covers"), "checkboxes", required=True,
              options="councils"),
        Field("parent", _("Parent body"), "select", _("The body it reports to."),
              options="bodies"),
        Field("legal_basis", _("Legal basis")),
        Field("chair", _("Organisation that chairs it"), "select", options="organisations"),
        Field("secretariat", _("Organisation that services it"), "select",
              options="organisations"),
        Field("meetings_per_year", _("Meetings a year"), "number",
              _("Used to estimate the hours of seats that record none.")),
        Field("themes", _("Themes"), "checkboxes", options="themes"),
        *_COMMON,
    ),
    "duties": (
        Field("id", _("Identifier"), hint=_ID_HINT, required=True),
        Field("title", _("Title"), required=True),
        Field("title_cy", _("Title in Welsh")),
        Field("legislation", _("Legislation"), required=True),
        Field("legislation_cy", _("Legislation in Welsh")),
        Field("section", _("Section of the Act"), required=True),
        Field("section_cy", _("Section in Welsh")),
        Field("holders", _("Who holds the duty"), required=True),
        Field("requires", _("What it requires"), "checkboxes", options="requirements"),
        Field("frequency", _("How often"), hint=_("For example: every three years.")),
        Field("note", _("Note"), "textarea"),
    ),
    "discharges": (
        Field("duty", _("Duty"), "select", required=True, options="duties"),
        Field("body", _("Body or organisation that discharges it"), "select", required=True,
              options="dischargers"),
        Field("areas", _("Council areas where it does so"), "checkboxes",
              _("Leave all unticked for every council area the body covers. An organisation "
                "acting alone needs its areas ticked."), options="councils"),
        *_COMMON,
    ),
    "organisations": (
        Field("id", _("Identifier"), hint=_ID_HINT, required=True),
        Field("name", _("Name"), required=True),
        Field("name_cy", _("Name in Welsh")),
        Field("kind", _("Kind of organisation"), "select", options="organisation_kinds"),
        *_COMMON,
    ),
    "people": (
        Field("id", _("Identifier"), hint=_ID_HINT, required=True),
        Field("name", _("Name or post"), required=True,
              hint=_("A name, or a post such as 'Community safety lead, Newport'.")),
        Field("name_cy", _("Name or post in Welsh")),
        Field("organisation", _("Organisation"), "select", required=True,
              options="organisations"),
        Field("role", _("Role")),
        Field("role_cy", _("Role in Welsh")),
        *_COMMON,
    ),
    "seats": (
        Field("person", _("Person"), "select", required=True, options="people"),
        Field("body", _("Body"), "select", required=True, options="bodies"),
        Field("role", _("Role on the body"), "select", options="seat_roles"),
        Field("hours_per_year", _("Hours a year"), "number",
              _("Leave empty to estimate it from the body's meetings a year.")),
        *_COMMON,
    ),
}  # fmt: skip

#: Page titles and the words for each section: (heading of its list, add, edit, remove).
TITLES: Final[dict[str, tuple[str, str, str, str]]] = {
    "bodies": (_("Boards and partnerships"), _("Add a body"), _("Change a body"),
               _("Remove a body")),
    "duties": (_("Statutory duties"), _("Add a duty"), _("Change a duty"), _("Remove a duty")),
    "discharges": (_("Who discharges each duty"), _("Add who discharges a duty"),
                   _("Change who discharges a duty"), _("Remove who discharges a duty")),
    "organisations": (_("Organisations"), _("Add an organisation"),
                      _("Change an organisation"), _("Remove an organisation")),
    "people": (_("People"), _("Add a person"), _("Change a person"), _("Remove a person")),
    "seats": (_("Seats on bodies"), _("Add a seat"), _("Change a seat"), _("Remove a seat")),
}  # fmt: skip

#: Why an entry cannot be removed (reasons of :data:`diogel.governance.edit.BLOCKERS`).
BLOCKED: Final = {
    "parent": _("It is the parent of {name}."),
    "member-of": _("{name} works for it."),
    "chair": _("It chairs {name}."),
    "secretariat": _("It services {name}."),
    "commissioned": _("It commissioned the review '{name}'."),
    "lead": _("It leads the workstream '{name}'."),
    "owner": _("It owns action {name}."),
}


def options(register: Register, t: Translator) -> dict[str, list[tuple[str, str]]]:
    """The choices of every select and checkbox group: (value, label) in the page's
    language."""
    lang = t.lang

    def vocabulary(words: Mapping[str, str]) -> list[tuple[str, str]]:
        return [(key, t(label)) for key, label in words.items()]

    bodies = [(b.id, b.label(lang)) for b in register.bodies]
    organisations = [(o.id, o.label(lang)) for o in register.organisations]
    return {
        "body_kinds": vocabulary(BODY_KINDS),
        "organisation_kinds": vocabulary(ORGANISATION_KINDS),
        "themes": vocabulary(THEMES),
        "requirements": vocabulary(REQUIREMENTS),
        "seat_roles": vocabulary(SEAT_ROLES),
        "councils": [(c, register.council_label(c, lang)) for c in register.councils],
        "bodies": bodies,
        "organisations": organisations,
        "people": [(p.id, p.label(lang)) for p in register.people],
        "duties": [(d.id, d.label(lang)) for d in register.duties],
        "dischargers": bodies + organisations,
    }


def form_fields(section: str, *, editing: bool) -> tuple[Field, ...]:
    """The fields a form shows (an entry's id is shown, not edited, once it exists)."""
    return tuple(f for f in FORMS[section] if not (editing and f.name == "id"))


def posted_fields(section: str, form: FormData, *, editing: bool) -> dict[str, Any]:
    """The posted values of a section's form as texts and lists of texts.

    Every field of the form is given (an empty one clears the value; an unticked box
    is ``None``), so that an edit is exactly what the form shows.
    """
    values: dict[str, Any] = {}
    for f in form_fields(section, editing=editing):
        if f.kind == "checkboxes":
            values[f.name] = [str(v) for v in form.getlist(f.name)]
        elif f.kind == "checkbox":
            values[f.name] = "true" if form.get(f.name) else None
        else:
            raw = form.get(f.name)
            values[f.name] = raw if isinstance(raw, str) else None
    return values


def shown_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values as a form shows them: lists for checkbox groups, text otherwise."""
    return {k: (v if isinstance(v, list) else ("" if v is None else str(v))) for k, v in values.items()}  # fmt: skip


def by_field(problems: tuple[Problem, ...], fields: tuple[Field, ...]) -> dict[str | None, list[Problem]]:  # fmt: skip
    """Problems by the form field they concern (None: the form as a whole)."""
    names = {f.name for f in fields}
    out: dict[str | None, list[Problem]] = {}
    for p in problems:
        out.setdefault(p.field if p.field in names else None, []).append(p)
    return out
