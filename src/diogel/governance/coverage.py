"""The duty coverage matrix: for each council area and duty, which bodies discharge it.

A cell with no body is a gap; with more than one, an overlap (which may be deliberate,
but is worth a look). Council areas without a Community Safety Partnership are
reported on their own, because the CSP is where most community safety duties land.

Examples
--------
>>> from diogel.governance.model import Body, Discharge, Duty, Register
>>> reg = Register("x", "X", ("A", "B"),
...     bodies=(Body("csp-a", "CSP A", "csp", ("A",)), Body("psb", "PSB", "psb", ("A", "B"))),
...     duties=(Duty("d", "Strategy", "Act", "s.1", "councils"),),
...     discharges=(Discharge("d", "csp-a", ("A",)), Discharge("d", "psb", ("A",))))
>>> cov = duty_coverage(reg)
>>> [(c.council, c.status, c.bodies) for c in cov.cells]
[('A', 'overlap', ('csp-a', 'psb')), ('B', 'gap', ())]
>>> cov.councils_without_csp
('B',)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from diogel.governance.model import Register


@dataclass(frozen=True)
class Cell:
    """One council area and duty, and the bodies (or organisations) discharging it."""

    council: str
    duty: str
    bodies: tuple[str, ...]
    #: Bodies whose discharge of the duty here the register marks as illustrative.
    illustrative: frozenset[str] = frozenset()

    @property
    def status(self) -> str:
        """``"gap"`` (none), ``"covered"`` (one) or ``"overlap"`` (more than one)."""
        return {0: "gap", 1: "covered"}.get(len(self.bodies), "overlap")


@dataclass(frozen=True)
class Coverage:
    """The coverage matrix of a register, cell by cell (council by council, duty by duty)."""

    region: str
    councils: tuple[str, ...]
    duties: tuple[str, ...]
    cells: tuple[Cell, ...]
    councils_without_csp: tuple[str, ...]

    def cell(self, council: str, duty: str) -> Cell:
        return next(c for c in self.cells if c.council == council and c.duty == duty)

    @property
    def gaps(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.status == "gap")

    @property
    def overlaps(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.status == "overlap")

    def counts(self) -> pd.DataFrame:
        """Bodies discharging each duty (rows) in each council area (columns).

        >>> from diogel.governance import example_register
        >>> duty_coverage(example_register("gwent")).counts().loc["cda-strategy"].tolist()
        [1, 1, 0, 0, 1]
        """
        frame = pd.DataFrame(0, index=list(self.duties), columns=list(self.councils))
        for c in self.cells:
            frame.loc[c.duty, c.council] = len(c.bodies)
        return frame

    def as_dict(self, register: Register, lang: str = "en") -> dict[str, Any]:
        """JSON-ready: each council with every duty and who discharges it; gaps; overlaps."""

        def council(code: str) -> dict[str, str]:
            return {"code": code, "name": register.council_label(code, lang)}

        duties = {d.id: d for d in register.duties}

        def duty(duty_id: str) -> dict[str, str]:
            d = duties[duty_id]
            return {"id": d.id, "title": d.label(lang), "legislation": d.citation_label(lang)}

        def bodies(cell: Cell) -> list[dict[str, Any]]:
            return [
                {"id": b, "name": register.party_label(b, lang),
                 "illustrative": b in cell.illustrative}
                for b in cell.bodies
            ]  # fmt: skip

        return {
            "region": self.region,
            "councils": [
                {
                    **council(code),
                    "has_csp": code not in self.councils_without_csp,
                    "duties": [
                        {**duty(c.duty), "status": c.status, "bodies": bodies(c)}
                        for c in self.cells
                        if c.council == code
                    ],
                }
                for code in self.councils
            ],
            "councils_without_csp": [council(c) for c in self.councils_without_csp],
            "gaps": [{"council": council(c.council), "duty": duty(c.duty)} for c in self.gaps],
            "overlaps": [
                {"council": council(c.council), "duty": duty(c.duty), "bodies": bodies(c)}
                for c in self.overlaps
            ],
            "totals": {
                "cells": len(self.cells),
                "covered": sum(c.status == "covered" for c in self.cells),
                "gaps": len(self.gaps),
                "overlaps": len(self.overlaps),
            },
        }


def duty_coverage(register: Register) -> Coverage:
    """The council × duty coverage matrix of a register, with its gaps and overlaps.

    Parameters
    ----------
    register : Register
        A checked register (every discharge names a known duty and body).

    Returns
    -------
    Coverage
        One cell per council area and duty (in register order); bodies in each cell in
        the order their discharges are listed.
    """
    found: dict[tuple[str, str], list[str]] = {}
    marked: dict[tuple[str, str], set[str]] = {}
    for d in register.discharges:
        for council in d.areas:
            bodies = found.setdefault((council, d.duty), [])
            if d.body not in bodies:
                bodies.append(d.body)
            if d.illustrative:
                marked.setdefault((council, d.duty), set()).add(d.body)
    cells = tuple(
        Cell(
            council,
            duty.id,
            tuple(found.get((council, duty.id), ())),
            frozenset(marked.get((council, duty.id), ())),
        )
        for council in register.councils
        for duty in register.duties
    )
    with_csp = {c for b in register.bodies if b.kind == "csp" for c in b.areas}
    return Coverage(
        region=register.region,
        councils=register.councils,
        duties=tuple(d.id for d in register.duties),
        cells=cells,
        councils_without_csp=tuple(c for c in register.councils if c not in with_csp),
    )
