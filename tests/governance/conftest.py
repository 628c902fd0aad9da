"""Small registers written out by hand, so analysis results can be checked by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from diogel.governance import example_register, read_register_file
from diogel.governance.model import Register

#: A register small enough to work out on paper: two councils (Newport, Torfaen),
#: four bodies, three duties, four people in two organisations.
SMALL = """\
region: small
name: Small
councils: [Newport, Torfaen]
organisations:
  - {id: ncc, name: Newport City Council, kind: council}
  - {id: police, name: Gwent Police, kind: police}
people:
  - {id: ann, name: Ann, organisation: ncc}
  - {id: bob, name: Bob, organisation: ncc}
  - {id: cai, name: Cai, organisation: police}
  - {id: dee, name: Dee, organisation: police}
bodies:
  - id: psb
    name: PSB
    kind: psb
    areas: all
    meetings_per_year: 4
    themes: [well-being, community-safety]
  - id: csp
    name: Newport CSP
    kind: csp
    areas: [Newport]
    parent: psb
    chair: ncc
    meetings_per_year: 6
    themes: [community-safety, asb, serious-violence]
  - id: apb
    name: APB
    kind: apb
    areas: all
    meetings_per_year: 5
    themes: [substance-misuse, health-and-care, community-safety]
  - id: vaw
    name: VAWDASV board
    kind: vawdasv-board
    areas: all
    themes: [domestic-abuse, health-and-care, community-safety, safeguarding]
duties:
  - {id: strategy, title: Crime strategy, legislation: CDA 1998, section: ss.5-7, holders: councils}
  - {id: svd, title: Serious violence, legislation: PCSC Act 2022, section: Part 2, holders: partners}
  - {id: vawdasv, title: VAWDASV strategy, legislation: VAWDASV Act 2015, section: s.5, holders: LA and LHB}
discharges:
  - {duty: strategy, body: csp}
  - {duty: svd, body: csp}
  - {duty: svd, body: psb, areas: [Newport]}
  - {duty: vawdasv, body: vaw}
seats:
  - {person: ann, body: csp, role: chair, hours_per_year: 30}
  - {person: ann, body: apb}
  - {person: ann, body: vaw}
  - {person: bob, body: apb}
  - {person: bob, body: vaw}
  - {person: cai, body: psb}
  - {person: cai, body: csp}
  - {person: dee, body: vaw, hours_per_year: 12}
"""


@pytest.fixture
def small_path(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture
def small(small_path: Path) -> Register:
    return read_register_file(small_path)


@pytest.fixture(scope="session")
def gwent() -> Register:
    return example_register("gwent")
