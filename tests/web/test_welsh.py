"""Every word of the web app in Welsh: the catalogue covers every message the pages and
routes use, and rendering every page in Welsh asks for nothing untranslated."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import log_in

WEB = Path(__file__).resolve().parents[2] / "src" / "diogel" / "web"
TEMPLATE_MESSAGE = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
#: Messages chosen at run time (job states, roles, page titles and navigation).
DYNAMIC = ("queued", "running", "done", "failed", "viewer", "analyst", "admin")


def template_messages() -> set[str]:
    found = set()
    for path in WEB.rglob("*.html"):
        for m in TEMPLATE_MESSAGE.finditer(path.read_text(encoding="utf-8")):
            found.add(m[1] if m[1] is not None else m[2])
    return found


def python_messages() -> set[str]:
    """First arguments of ``t(...)``/``_(...)`` calls, page titles and navigation labels."""
    found = set()
    for path in WEB.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            first = node.args[0]
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in {"t", "_", "gettext"} and isinstance(first, ast.Constant):
                found.add(first.value)
            if name == "page" and len(node.args) >= 3 and isinstance(node.args[2], ast.Constant):
                found.add(node.args[2].value)
    from diogel.web.app import ERROR_TITLES
    from diogel.web.render import NAV

    return found | {label for _, label, _ in NAV} | set(ERROR_TITLES.values())


def test_the_catalogue_has_every_message() -> None:
    from diogel.i18n import catalogue_messages

    welsh = catalogue_messages("cy")
    used = template_messages() | python_messages() | set(DYNAMIC)
    missing = sorted(m for m in used if m not in welsh)
    assert not missing, missing
    assert len(used) > 120


@pytest.mark.shared_data
def test_every_page_in_welsh_asks_for_nothing_untranslated(client: Any) -> None:
    from diogel.i18n import translator

    cy = translator("cy")
    before = set(cy.misses)
    log_in(client, "ann")
    pages = ["/?lang=cy", "/map", "/compare", "/data", "/assessments", "/admin/users",
             "/api/v1/docs", "/charts/trend.svg?area=Newport&from=2024-04&to=2024-05",
             "/charts/funnel.svg?area=Newport&from=2024-04&to=2024-05",
             "/?area=Atlantis", "/no-such-page"]  # fmt: skip
    for path in pages:
        got = client.get(path)
        assert got.status_code in (200, 404), path
        if "svg" not in path:
            assert '<html lang="cy">' in got.text, path
    new = cy.misses - before
    assert not new, sorted(new)
    page = client.get("/")
    assert "Dangosfwrdd" in page.text and "Neidio i&#39;r prif gynnwys" in page.text
