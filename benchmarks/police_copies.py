"""Synthetic national-size police.uk data for the benchmarks: copies of the real files.

Each copy gives its force its own name in both "Reported by" and "Falls within" (the force
a row is stored under), so the copies are distinct force-months and none replaces another.
"""

from __future__ import annotations

from pathlib import Path

STREET = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "police-uk" / "street"


def replicate(target: Path, rows_wanted: int) -> int:
    """Write copies of the street files into ``target`` until at least ``rows_wanted``
    rows; returns the rows written."""
    files = sorted(STREET.rglob("*.csv"))
    per_pass = sum(f.read_bytes().count(b"\n") - 1 for f in files)
    copies = max(1, -(-rows_wanted // per_pass))
    rows = 0
    for c in range(copies):
        for f in files:
            force = f.parent.name
            tag = f"Copy{c:02d}"
            data = f.read_bytes()
            for name in {force.title(), force.replace("-", " ").title()}:  # Dyfed-Powys
                data = data.replace(f"{name} Police".encode(), f"{name} {tag} Police".encode())
            (target / f"{f.name[:7]}-{force}-{tag.lower()}-street.csv").write_bytes(data)
            rows += data.count(b"\n") - 1
    return rows
