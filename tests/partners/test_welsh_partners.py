"""Welsh: every word the partner data outputs show has a translation in partners.po."""

from __future__ import annotations

import ast
import re
from importlib import resources
from pathlib import Path

from babel.messages.pofile import read_po

from diogel.i18n import catalogue_messages

SRC = Path(__file__).resolve().parents[2] / "src" / "diogel"
OURS = [SRC / "assess" / "cardiff.py", SRC / "assess" / "partner_section.py"]
LOCALE = resources.files("diogel") / "locale" / "cy" / "LC_MESSAGES"


def _catalogue(name: str) -> dict[str, str]:
    with (LOCALE / name).open("rb") as fh:
        return {str(m.id): str(m.string) for m in read_po(fh, locale="cy") if m.id}


def _used() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in OURS:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "t"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found[node.args[0].value] = f"{path.name}:{node.lineno}"
    return found


def test_every_message_has_a_welsh_translation() -> None:
    used = _used()
    assert len(used) > 30
    merged = catalogue_messages("cy")
    missing = {m: where for m, where in used.items() if not merged.get(m)}
    assert not missing, missing


def test_partners_po_has_no_unused_entries() -> None:
    unused = set(_catalogue("partners.po")) - set(_used())
    assert not unused, sorted(unused)


def test_placeholders_survive_translation() -> None:
    for msgid, msgstr in _catalogue("partners.po").items():
        given = set(re.findall(r"\{(\w+)\}", msgid))
        allowed = given | {f"{g}_soft" for g in given}
        assert set(re.findall(r"\{(\w+)\}", msgstr)) <= allowed, msgid


def test_words_shared_with_other_catalogues_are_translated_the_same() -> None:
    ours = _catalogue("partners.po")
    for item in LOCALE.iterdir():
        if item.name.endswith(".po") and item.name != "partners.po":
            theirs = _catalogue(item.name)
            clashes = {
                m: (ours[m], theirs[m]) for m in set(ours) & set(theirs) if ours[m] != theirs[m]
            }
            assert not clashes, (item.name, clashes)
