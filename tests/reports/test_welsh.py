"""Welsh: every word the reports layer shows has a translation in reports.po."""

from __future__ import annotations

import ast
import re
from importlib import resources
from pathlib import Path

import pandas as pd
from babel.messages.pofile import read_po

from diogel.assess.model import Assessment, Figure, Section, Table
from diogel.i18n import translator
from diogel.reports.charts import chart_svg
from diogel.reports.html import render_html
from diogel.reports.pdf import render_pdf
from diogel.reports.tables import export_tables

SOURCE = Path(__file__).resolve().parents[2] / "src" / "diogel" / "reports"
LOCALE = resources.files("diogel") / "locale" / "cy" / "LC_MESSAGES"


def _catalogue(name: str) -> dict[str, str]:
    with (LOCALE / name).open("rb") as fh:
        return {str(m.id): str(m.string) for m in read_po(fh, locale="cy") if m.id}


def _used_messages() -> dict[str, str]:
    """Every literal message passed to the translator ``t`` in the reports source."""
    found: dict[str, str] = {}
    for path in sorted(SOURCE.glob("*.py")):
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


def test_rendering_in_welsh_asks_for_no_missing_message(welsh: Assessment, tmp_path: Path) -> None:
    t = translator("cy")
    render_html(welsh, translator=t)
    render_pdf(welsh, tmp_path / "a.pdf", translator=t)
    export_tables(welsh, tmp_path / "a.csv", translator=t)
    export_tables(welsh, tmp_path / "a.xlsx", translator=t)
    # words the sample does not reach: an empty chart, yes/no cells, a cut table
    chart_svg(Figure("e", "bar", "Gwag", "Dim", pd.DataFrame({"label": [], "value": []})), t)
    frame = pd.DataFrame({"Ie/Na": [True, False] * 40, "Rhif": range(80)})
    extra = Section("x", "Ychwanegol", tables=[Table("x", "Tabl hir", frame)])
    render_html(Assessment(**{**welsh.__dict__, "sections": [extra]}), translator=t)
    assert not t.misses, sorted(t.misses)


def test_every_message_in_the_source_has_a_welsh_translation() -> None:
    catalogue = _catalogue("reports.po")
    used = _used_messages()
    assert used, "no messages found: has the translator stopped being called t?"
    missing = {m: where for m, where in used.items() if not catalogue.get(m)}
    assert not missing, missing


def test_reports_po_has_no_unused_entries() -> None:
    unused = set(_catalogue("reports.po")) - set(_used_messages())
    assert not unused, sorted(unused)


def test_placeholders_survive_translation() -> None:
    for msgid, msgstr in _catalogue("reports.po").items():
        assert set(re.findall(r"\{(\w+)\}", msgid)) == set(re.findall(r"\{(\w+)\}", msgstr)), msgid


def test_words_shared_with_other_catalogues_are_translated_the_same() -> None:
    """All catalogues merge into one dictionary, so a shared message must agree."""
    ours = _catalogue("reports.po")
    for item in LOCALE.iterdir():
        if item.name.endswith(".po") and item.name != "reports.po":
            theirs = _catalogue(item.name)
            clashes = {
                m: (ours[m], theirs[m]) for m in set(ours) & set(theirs) if ours[m] != theirs[m]
            }
            assert not clashes, (item.name, clashes)
