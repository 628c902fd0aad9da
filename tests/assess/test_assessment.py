"""The strategic assessment's numbers and statements, against the source files."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from scipy import stats

from diogel.assess.assessment import build_assessment
from diogel.assess.model import Assessment, Section
from diogel.hub import load_police_uk
from diogel.i18n import translator
from diogel.periods import Period
from diogel.storage import open_store
from tests.conftest import POLICE_UK

pytestmark = pytest.mark.shared_data

GWENT = POLICE_UK / "street" / "gwent"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = tmp_path_factory.mktemp("assess") / "gwent.duckdb"
    s = open_store(str(db))
    load_police_uk(s, [GWENT])
    yield s
    s.close()


def _newport(months: list[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for m in months:
        path = GWENT / f"{m}-gwent-street.csv"
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh):
                if r["LSOA name"].startswith("Newport "):
                    counts[r["Crime type"]] += 1
    return counts


NOW = [f"2024-0{m}" for m in range(1, 7)]
BEFORE = [f"2023-0{m}" for m in range(1, 7)]


@pytest.fixture(scope="module")
def english(store) -> Assessment:  # type: ignore[no-untyped-def]
    return build_assessment(store, "Newport", Period.parse("2024-01", "2024-06"))


def _statements(a: Assessment) -> list:  # type: ignore[type-arg]
    out = []

    def walk(s: Section) -> None:
        out.extend(s.statements)
        for sub in s.subsections:
            walk(sub)

    for s in a.sections:
        walk(s)
    return out


def test_totals_equal_independent_counts(english: Assessment) -> None:
    now = _newport(NOW)
    assert english.totals["incidents"] == sum(now.values())
    assert english.totals["asb"] == now["Anti-social behaviour"]
    assert english.comparison_label == "January 2023 to June 2023"


def test_every_change_statement_matches_its_numbers(english: Assessment) -> None:
    now, before = _newport(NOW), _newport(BEFORE)
    checked = 0
    for s in _statements(english):
        if s.kind not in {"change", "total", "violence"}:
            continue
        f = s.facts
        if "category" in f:
            assert (f["before"], f["after"]) == (before[f["category"]], now[f["category"]])
        elif s.kind == "total":
            assert (f["before"], f["after"]) == (sum(before.values()), sum(now.values()))
        # six loaded months each side: under no change, after ~ Binomial(n, 1/2)
        p = stats.binomtest(f["after"], f["before"] + f["after"], 0.5).pvalue
        assert f["p_value"] == pytest.approx(p, rel=1e-9)
        assert f["significant"] == (p < 0.05)
        word = {"rose": " rose ", "fell": " fell ", "no change": "unchanged"}[f["direction"]]
        assert word in s.text
        assert ("unlikely to be chance" in s.text) == f["significant"]
        assert f["direction"] == ("rose" if f["after"] > f["before"] else "fell")
        checked += 1
    assert checked >= 5
    assert 5 <= len(english.summary) <= 7


def test_priority_scores_follow_the_documented_bands(english: Assessment) -> None:
    now = _newport(NOW)
    crimes = {k: v for k, v in now.items() if k != "Anti-social behaviour"}
    total = sum(crimes.values())
    (matrix,) = [s for s in english.sections if s.id == "priorities"]
    table = matrix.tables[0].frame
    for _, row in table.iterrows():
        name = row["Category"]
        category = next(c for c in crimes if c == name)
        share = crimes[category] / total
        expected = 4 if share >= 0.2 else 3 if share >= 0.1 else 2 if share >= 0.05 else 1
        assert row["Volume"] == expected, category
        assert row["Crimes"] == crimes[category]
    assert list(table["Score"]) == sorted(table["Score"], reverse=True)


def test_welsh_has_no_untranslated_message(store) -> None:  # type: ignore[no-untyped-def]
    cy = translator("cy")
    cy.misses.clear()
    a = build_assessment(store, "Casnewydd", Period.parse("2024-01", "2024-06"), lang="cy")
    assert cy.misses == set()
    assert a.title == "Asesiad strategol diogelwch cymunedol"
    assert a.subtitle == "Casnewydd, Ionawr 2024 i Fehefin 2024"
    assert all(s.text.startswith(("Cynyddodd", "Gostyngodd", "Ni newidiodd", "Roedd"))
               for s in a.summary)  # fmt: skip
    assert any("Yn cynnwys gwybodaeth sector cyhoeddus" in x for x in a.attribution)
    assert any("Open Government Licence v3.0" in x for x in a.attribution)


def test_no_data_for_the_period_is_a_clear_error(store) -> None:  # type: ignore[no-untyped-def]
    from diogel.errors import InputError

    with pytest.raises(InputError, match=r"no police\.uk data for Newport in 2030-01 to 2030-06"):
        build_assessment(store, "Newport", Period.parse("2030-01", "2030-06"))
