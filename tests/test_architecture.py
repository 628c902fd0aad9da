"""Imports point downward only: analysis is pure; nothing imports the web app or the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "diogel"

#: For each layer, the layers it must never import.
FORBIDDEN = {
    "analysis": {"storage", "reports", "web", "cli", "hub", "assess", "ingest"},
    "storage": {"ingest", "analysis", "assess", "reports", "web", "cli", "hub"},
    "ingest": {"storage", "analysis", "assess", "reports", "web", "cli", "hub"},
    "geography": {"storage", "ingest", "analysis", "assess", "reports", "web", "cli", "hub"},
    "assess": {"reports", "web", "cli"},
    "reports": {"web", "cli"},
}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "diogel" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_downward(path: Path) -> None:
    layer = path.relative_to(SRC).parts[0].removesuffix(".py")
    imported = _imports(path)
    bad = imported & FORBIDDEN.get(layer, set())
    assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"
    if layer not in {"cli", "web"}:
        assert not imported & {"cli", "web"}, f"{path.relative_to(SRC)} imports the CLI or web app"
