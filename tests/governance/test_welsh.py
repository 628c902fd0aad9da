"""Welsh: every word the governance map, tracker and paper show has a translation in governance.po."""

from __future__ import annotations

import ast
import re
from importlib import resources
from pathlib import Path

from babel.messages.pofile import read_po

from diogel.governance import model, overlap
from diogel.governance.model import Register

SRC = Path(__file__).resolve().parents[2] / "src" / "diogel"
SOURCES = [*sorted((SRC / "governance").glob("*.py")), SRC / "reports" / "governance_paper.py"]
LOCALE = resources.files("diogel") / "locale" / "cy" / "LC_MESSAGES"
VOCABULARIES = (
    model.BODY_KINDS, model.ORGANISATION_KINDS, model.THEMES, model.REQUIREMENTS,
    model.SEAT_ROLES, model.STATUSES, model.RAGS, model.DECISIONS, overlap.SUGGESTIONS,
)  # fmt: skip


def _catalogue(name: str) -> dict[str, str]:
    with (LOCALE / name).open("rb") as fh:
        return {str(m.id): str(m.string) for m in read_po(fh, locale="cy") if m.id}


def _used() -> dict[str, str]:
    """Literal messages given to the translator ``t`` (``t(...)``, ``t.ngettext(...)``)."""
    found: dict[str, str] = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            direct = isinstance(func, ast.Name) and func.id == "t"
            method = (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "t"
                and func.attr in {"gettext", "ngettext"}
            )
            count = 2 if method and func.attr == "ngettext" else 1  # type: ignore[union-attr]
            if direct or method:
                for arg in node.args[:count]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.setdefault(arg.value, f"{path.name}:{node.lineno}")
    for vocabulary in VOCABULARIES:
        for label in vocabulary.values():
            found.setdefault(label, "vocabulary")
    return found


def test_every_message_has_a_welsh_translation() -> None:
    catalogue = _catalogue("governance.po")
    used = _used()
    assert len(used) > 150, "messages not found: has the translator stopped being called t?"
    missing = {m: where for m, where in used.items() if not catalogue.get(m)}
    assert not missing, missing


def test_governance_po_has_no_unused_entries() -> None:
    unused = set(_catalogue("governance.po")) - set(_used())
    assert not unused, sorted(unused)


def test_placeholders_survive_translation() -> None:
    for msgid, msgstr in _catalogue("governance.po").items():
        assert set(re.findall(r"\{(\w+)\}", msgid)) == set(re.findall(r"\{(\w+)\}", msgstr)), msgid


def test_words_shared_with_other_catalogues_are_translated_the_same() -> None:
    """All catalogues merge into one dictionary, so a shared message must agree."""
    ours = _catalogue("governance.po")
    for item in LOCALE.iterdir():
        if item.name.endswith(".po") and item.name != "governance.po":
            theirs = _catalogue(item.name)
            clashes = {
                m: (ours[m], theirs[m]) for m in set(ours) & set(theirs) if ours[m] != theirs[m]
            }
            assert not clashes, (item.name, clashes)


def test_gwent_gives_welsh_for_everything_the_paper_shows(gwent: Register) -> None:
    review = gwent.reviews[0]
    gaps = [
        *(f"organisation {o.id}" for o in gwent.organisations if not o.name_cy),
        *(f"body {b.id}" for b in gwent.bodies if not b.name_cy),
        *(f"duty {d.id}" for d in gwent.duties if not (d.title_cy and d.legislation_cy and d.section_cy)),
        *(f"person {p.id}" for p in gwent.people if p.role and not p.role_cy),
        *(f"person {p.id}" for p in gwent.people if not p.role and not p.name_cy),
        *(f"workstream {w.id}" for w in review.workstreams if not w.title_cy),
        *(f"recommendation {r.id}" for r in review.recommendations if not r.text_cy),
        *(f"action {a.id}" for a in review.actions if not a.title_cy),
        *(f"action {a.id} decision" for a in review.actions if a.decision and not a.decision_cy),
        *(f"milestone {m.id}" for m in review.milestones if not m.title_cy),
        *(f"history of {h.action}" for h in review.history if h.note and not h.note_cy),
    ]  # fmt: skip
    assert not gaps, gaps
    assert gwent.name_cy and review.title_cy
