"""Welsh for every error the sharing library raises: each message and hint is a template
(never text built beforehand) with a translation in sharing.po, and the library's errors
read in Welsh through the translator while the CLI keeps their English."""

from __future__ import annotations

import ast
import pickle
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from diogel import errors
from diogel.errors import DiogelError, InputError, NotFoundError
from diogel.i18n import Translator, catalogue_messages, translator
from diogel.sharing.agreements import add_agreement, parse_agreement
from diogel.sharing.audit import parse_anchor
from diogel.sharing.registry import add_agency, add_member, remove_member, set_dataset_policy
from tests.sharing.conftest import agreement_spec, build_world

SOURCE = Path(__file__).resolve().parents[2] / "src" / "diogel" / "sharing"
LOCALE = resources.files("diogel") / "locale" / "cy" / "LC_MESSAGES"
#: The error classes the library may raise, by name.
ERRORS = {
    name
    for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, DiogelError)
}
#: The health board named twice, as provider and as recipient.
TWICE = [{"kind": "agency", "id": "abuhb", "role": "provider"},
         {"kind": "agency", "id": "abuhb", "role": "recipient"}]  # fmt: skip
PLACEHOLDER = re.compile(r"\{(\w+)(?:![rsa])?\}")
#: Why a message must be a template (shown when one is not).
RULE = (
    "raise errors with an English template and its values, "
    'InputError("{what} {value!r} is not known", what=N_("role"), value=value), '
    "choose among N_-marked templates for wording that varies, and add the Welsh to "
    "src/diogel/locale/cy/LC_MESSAGES/sharing.po"
)


def _catalogue(name: str) -> dict[str, str]:
    with (LOCALE / name).open("rb") as fh:
        return {str(m.id): str(m.string) for m in read_po(fh, locale="cy") if m.id}


def _module_names(trees: dict[str, ast.Module]) -> dict[str, ast.expr]:
    """The value of each module-level name of the library (tables of messages, hints)."""
    names: dict[str, ast.expr] = {}
    for tree in trees.values():
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if isinstance(target, ast.Name):
                names[target.id] = value
    return names


def _marked(node: ast.expr, names: dict[str, ast.expr]) -> list[str] | None:
    """The messages an error's message or hint can be: a literal, an ``N_`` mark, or a
    module-level name or table of them; None for text built at run time."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Constant) and node.value is None:
        return []
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "N_":
        return _marked(node.args[0], {}) if len(node.args) == 1 else None
    if isinstance(node, ast.Name | ast.Attribute):
        name = node.id if isinstance(node, ast.Name) else node.attr
        return _marked(names[name], names) if name in names else None
    if isinstance(node, ast.Subscript):
        return _marked(node.value, names)
    if isinstance(node, ast.Dict):
        found: list[str] = []
        for value in node.values:
            each = _marked(value, names)
            if each is None:
                return None
            found += each
        return found
    return None


def _messages() -> tuple[dict[str, str], list[str]]:
    """Every message the library's errors can show, where it is written; and every error
    message or hint built at run time (which no catalogue can translate).

    Messages are the message and ``hint`` of each call of an error class (literal, or a
    module-level name or table of ``N_``-marked messages), and the argument of each
    ``N_`` (such as the words that fill ``{what}``).
    """
    trees = {p.name: ast.parse(p.read_text(encoding="utf-8")) for p in SOURCE.glob("*.py")}
    names = _module_names(trees)
    found: dict[str, str] = {}
    built: list[str] = []
    for file, tree in sorted(trees.items()):
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name == "N_":
                parts = [node]
            elif name in ERRORS:
                parts = node.args[:1] + [k.value for k in node.keywords if k.arg == "hint"]
            else:
                continue
            for part in parts:
                messages = _marked(part, names)
                if messages is None:
                    built.append(f"{file}:{node.lineno}: {ast.unparse(part)}")
                for message in messages or []:
                    found.setdefault(message, f"{file}:{node.lineno}")
    return found, built


def test_every_error_message_of_the_library_is_a_template() -> None:
    found, built = _messages()
    assert len(found) > 60, "messages not found: do errors still come from diogel.errors?"
    assert not built, f"{built}: {RULE}"


def test_every_error_message_of_the_library_has_welsh() -> None:
    welsh = _catalogue("sharing.po")
    found, _ = _messages()
    missing = {m: where for m, where in found.items() if not welsh.get(m)}
    assert not missing, f"{missing}: {RULE}"


def test_sharing_po_has_no_unused_entries() -> None:
    found, _ = _messages()
    unused = set(_catalogue("sharing.po")) - set(found)
    assert not unused, sorted(unused)


def test_placeholders_survive_translation() -> None:
    """The Welsh fills the same placeholders; ``{name_soft}`` is ``{name}`` mutated."""
    for msgid, msgstr in _catalogue("sharing.po").items():
        ours = set(PLACEHOLDER.findall(msgid))
        theirs = {p.removesuffix("_soft") for p in PLACEHOLDER.findall(msgstr)}
        assert ours == theirs, msgid
        assert re.sub(r"\{\w+(?:![rsa])?\}", "", msgstr).count("{") == 0, msgid


def test_words_shared_with_other_catalogues_are_translated_the_same() -> None:
    """All catalogues merge into one dictionary, so a shared message must agree."""
    ours = _catalogue("sharing.po")
    for item in LOCALE.iterdir():
        if item.name.endswith(".po") and item.name != "sharing.po":
            theirs = _catalogue(item.name)
            clashes = {m: (ours[m], theirs[m]) for m in set(ours) & set(theirs)
                       if ours[m] != theirs[m]}  # fmt: skip
            assert not clashes, (item.name, clashes)


# -- the errors themselves -------------------------------------------------------------


def _refusals(store: Any) -> list[DiogelError]:
    """Errors the library raises for mistakes a person makes."""
    build_world(store)
    attempts: list[tuple[Any, tuple[Any, ...], dict[str, Any]]] = [
        (add_agency, (store, "abuhb", "Aneurin Bevan", "health-board"), {}),
        (add_agency, (store, "Gwent Police", "Gwent Police", "police"), {}),
        (add_agency, (store, "x", "", "police"), {}),
        (add_agency, (store, "x", "X", "army"), {}),
        (remove_member, (store, "nobody", "partnership", "newport-csp"), {}),
        (add_member, (store, "ann", "agency", "nowhere", "analyst"), {}),
        (set_dataset_policy, (store, "partner:istv", "abuhb", "special"), {"min_count": 1}),
        (parse_agreement, (agreement_spec(expires="2023-01-01"),), {}),
        (parse_agreement, (agreement_spec(starts="next week"),), {}),
        (parse_agreement, (agreement_spec(parties=[]),), {}),
        (parse_agreement, (agreement_spec(parties=TWICE),), {}),
        (add_agreement, (store, parse_agreement(agreement_spec())), {}),
        (parse_anchor, ("12",), {}),
    ]
    caught = []
    for call, args, kwargs in attempts:
        with pytest.raises(DiogelError) as info:
            call(*args, **kwargs)
        caught.append(info.value)
    return caught


def test_the_librarys_errors_read_in_welsh_and_the_cli_keeps_english(store: Any) -> None:
    cy, en = translator("cy"), translator("en")
    for error in _refusals(store):
        shown = cy.error(error)
        assert not shown.english, error.template
        assert shown.message != error.message and shown.hint != error.hint, shown
        assert "{" not in shown.message + (shown.hint or ""), shown
        english = en.error(error)
        assert (english.message, english.hint) == (error.message, error.hint)
        assert str(error) == f"{error.message}. Hint: {error.hint}"


def test_words_take_their_welsh_mutation() -> None:
    error = InputError("{what} must be text of 1 to {limit} characters", hint="give the {what}",
                       what=errors.N_("reason"), limit=2000)  # fmt: skip
    shown = translator("cy").error(error)
    assert shown.message == "rheswm: rhaid rhoi testun o 1 i 2000 nod"
    assert shown.hint == "rhowch reswm"
    assert str(error) == "reason must be text of 1 to 2000 characters. Hint: give the reason"


def test_errors_keep_their_template_and_values_across_processes() -> None:
    error = NotFoundError("no agency called '{body_id}'", hint="register it first",
                          body_id="nowhere")  # fmt: skip
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is NotFoundError and str(again) == str(error)
    assert (again.template, again.values) == (error.template, error.values)
    plain = pickle.loads(pickle.dumps(InputError("50% {not a placeholder}", hint="as it is")))
    assert str(plain) == "50% {not a placeholder}. Hint: as it is"
    assert Translator("cy", catalogue_messages("cy")).error(plain).english
