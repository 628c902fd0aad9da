"""Coverage, load and overlap on the small register of conftest.SMALL, against sums done by hand.

The register: councils Newport (N) and Torfaen (T); bodies psb (N, T; 4 meetings a
year), csp (N; parent psb; 6 meetings), apb (N, T; 5 meetings), vaw (N, T; meetings
not given); duties strategy, svd, vawdasv; people ann and bob (ncc), cai and dee
(police). Hours per meeting default to 3.
"""

from __future__ import annotations

import pytest

from diogel.governance.coverage import duty_coverage
from diogel.governance.model import Register
from diogel.governance.overlap import agenda_overlap
from diogel.governance.workload import officer_load

N, T = "W06000022", "W06000020"


def test_coverage_matrix_gaps_and_overlaps_by_hand(small: Register) -> None:
    cov = duty_coverage(small)
    # strategy: csp covers N (its footprint); nobody covers T.
    # svd: csp (N) and psb (N only) -> overlap in N, gap in T.
    # vawdasv: vaw covers both.
    expected = {
        (N, "strategy"): ("csp",), (N, "svd"): ("csp", "psb"), (N, "vawdasv"): ("vaw",),
        (T, "strategy"): (), (T, "svd"): (), (T, "vawdasv"): ("vaw",),
    }  # fmt: skip
    assert {(c.council, c.duty): c.bodies for c in cov.cells} == expected
    assert [(c.council, c.duty) for c in cov.gaps] == [(T, "strategy"), (T, "svd")]
    assert [(c.council, c.duty) for c in cov.overlaps] == [(N, "svd")]
    assert cov.councils_without_csp == (T,)
    assert cov.counts().to_dict() == {N: {"strategy": 1, "svd": 2, "vawdasv": 1},
                                      T: {"strategy": 0, "svd": 0, "vawdasv": 1}}  # fmt: skip
    shape = cov.as_dict(small)
    assert shape["totals"] == {"cells": 6, "covered": 3, "gaps": 2, "overlaps": 1}
    assert [c["name"] for c in shape["councils_without_csp"]] == ["Torfaen"]


def test_officer_load_by_hand(small: Register) -> None:
    load = officer_load(small)
    # ann: csp chair 30 recorded + apb 5 x 3 = 15 estimated + vaw unknown (0) = 45
    # bob: apb 15 + vaw 0 = 15; cai: psb 4 x 3 = 12 + csp 6 x 3 = 18 = 30; dee: vaw 12 recorded
    people = {p.person: (p.seats, p.chairs, p.hours, p.estimated_hours, p.unknown_seats)
              for p in load.people}  # fmt: skip
    assert people == {
        "ann": (3, 1, 45.0, 15.0, 1), "bob": (2, 0, 15.0, 15.0, 1),
        "cai": (2, 0, 30.0, 30.0, 0), "dee": (1, 0, 12.0, 0.0, 0),
    }  # fmt: skip
    assert [p.person for p in load.people] == ["ann", "cai", "bob", "dee"]
    orgs = {o.organisation: (o.people, o.seats, o.hours, o.estimated_hours, len(o.bodies), o.chairs)
            for o in load.organisations}  # fmt: skip
    assert orgs == {
        "ncc": (2, 5, 60.0, 30.0, 3, ("csp",)),
        "police": (2, 3, 42.0, 30.0, 3, ()),
    }
    assert officer_load(small, hours_per_meeting=2).people[0].hours == 30 + 5 * 2


def test_agenda_overlap_by_hand(small: Register) -> None:
    found = {(o.body_a, o.body_b): o for o in agenda_overlap(small)}
    # psb-apb and psb-vaw share only community-safety (one theme, no member): not listed
    assert list(found) == [("apb", "vaw"), ("csp", "apb"), ("csp", "vaw"), ("psb", "csp")]
    o = found[("apb", "vaw")]
    assert o.shared_themes == ("community-safety", "health-and-care")
    assert o.shared_members == ("ann", "bob")
    assert o.theme_similarity == pytest.approx(2 / 5)  # {cs, hc} of {sm, hc, cs, da, sg}
    assert o.member_similarity == pytest.approx(2 / 3)  # {ann, bob} of {ann, bob, dee}
    assert o.suggestions == ("align-plans", "joint-session")
    o = found[("csp", "apb")]
    assert (o.theme_similarity, o.member_similarity) == pytest.approx((1 / 5, 1 / 3))
    assert o.suggestions == ("shared-member-load",)
    assert found[("csp", "vaw")].member_similarity == pytest.approx(1 / 4)
    parent = found[("psb", "csp")]
    assert parent.related and parent.suggestions == ()
    assert parent.shared_duties == ("svd",) and parent.strength == 3
    assert parent.shared_areas == (N,)


def test_gwent_acceptance_coverage(gwent: Register) -> None:
    cov = duty_coverage(gwent)
    shape = cov.as_dict(gwent)
    assert [c["name"] for c in shape["councils"]] == [
        "Blaenau Gwent", "Caerphilly", "Monmouthshire", "Newport", "Torfaen",
    ]  # fmt: skip
    for council in shape["councils"]:
        assert len(council["duties"]) == len(gwent.duties)
        for duty in council["duties"]:
            assert duty["status"] == "gap" or duty["bodies"]
    assert [c["name"] for c in shape["councils_without_csp"]] == ["Monmouthshire", "Newport"]
    gaps = {(g["council"]["name"], g["duty"]["id"]) for g in shape["gaps"]}
    assert ("Monmouthshire", "cda-strategy") in gaps and ("Newport", "cda-strategy") in gaps


def test_gwent_apb_and_vawdasv_board_overlap_most(gwent: Register) -> None:
    """The seed: the APB and VAWDASV board agree their agendas could be aligned."""
    top = agenda_overlap(gwent)[0]
    assert (top.body_a, top.body_b) == ("gwent-apb", "gwent-vawdasv")
    assert "joint-session" in top.suggestions
