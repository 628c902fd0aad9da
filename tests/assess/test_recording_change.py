"""A change so large that recording more likely changed than crime is said to be so.

police.uk's Gwent files hold about 12 criminal damage and arson crimes a month in Newport
up to September 2023 and about 200 a month from October 2023: the assessment must not
call that a rise "unlikely to be chance" in its summary, nor rank the category first for
it. The thresholds are checked by hand: rates per month, three-fold either way, at least
50 incidents in the busier period.
"""

from __future__ import annotations

import pandas as pd
import pytest

from diogel.analysis.period_change import compare_periods, recording_change
from diogel.assess.priorities import rank_priorities, reasons
from diogel.assess.words import change_statement
from diogel.i18n import translator


@pytest.mark.parametrize(
    ("before", "before_months", "after", "after_months", "expected"),
    [
        (50, 6, 150, 6, True),  # 8.33 -> 25.0 a month: exactly three-fold
        (50, 6, 149, 6, False),  # 24.83 / 8.33 = 2.98
        (150, 6, 50, 6, True),  # three-fold down
        (100, 12, 100, 4, True),  # 8.33 -> 25.0 a month, over periods of unequal length
        (100, 12, 99, 4, False),  # 24.75 / 8.33 = 2.97
        (0, 6, 50, 6, True),  # from none to 50
        (0, 6, 49, 6, False),  # too few in the busier period to tell
        (4, 6, 40, 6, False),  # ten-fold, but 40 < 50
        (70, 6, 1042, 6, True),  # Newport's criminal damage, Jan-Jun 2023 -> Jan-Jun 2024
    ],
)
def test_recording_change_thresholds(
    before: int, before_months: float, after: int, after_months: float, expected: bool
) -> None:
    assert recording_change(before, before_months, after, after_months) is expected


def test_statement_says_recording_not_chance_in_both_languages() -> None:
    c = compare_periods(70, 1042, before_months=6, after_months=6)
    assert c.significant  # the test of chance alone would call it real
    en = change_statement("Criminal damage and arson", c, translator("en"))
    assert en.text == (
        "Criminal damage and arson rose 1,389% (70 to 1,042); a change this large usually "
        "reflects how crimes were recorded or published rather than crime itself (see Data "
        "and methods)."
    )
    assert en.facts["recording_change"] is True
    cy = change_statement("Difrod troseddol a llosgi bwriadol", c, translator("cy"))
    assert cy.text.startswith("Cynyddodd difrod troseddol a llosgi bwriadol 1,389% (o 70 i 1,042)")
    assert "cofnodwyd" in cy.text and "siawns" not in cy.text

    new = change_statement("Other crime", compare_periods(0, 60, before_months=6, after_months=6),
                           translator("cy"))  # fmt: skip
    assert new.text.startswith("Cynyddodd other crime o ddim i 60; fel arfer mae newid mor fawr")

    ordinary = change_statement("Burglary", compare_periods(300, 360, before_months=6,
                                                            after_months=6), translator("en"))  # fmt: skip
    assert ordinary.text.endswith("this rise is unlikely to be chance.")
    assert ordinary.facts["recording_change"] is False


def test_the_analysis_sentence_and_json_say_so_too() -> None:
    """``diogel trends`` prints the comparison's own sentence and ``--json`` its fields."""
    c = compare_periods(70, 1042, before_months=6, after_months=6)
    assert c.recording_change is True
    assert c.sentence == (
        "rose 1,389% (70 to 1,042); a change this large usually reflects how crimes were "
        "recorded or published rather than crime itself"
    )
    small = compare_periods(4, 40, before_months=6, after_months=6)  # ten-fold, too few
    assert small.recording_change is False and small.sentence.endswith("unlikely to be chance")


def test_a_recording_change_does_not_raise_a_category_in_the_matrix() -> None:
    """Two categories of equal volume and spread: one rose 20% (unlikely to be chance,
    trend 4), the other fifteen-fold (trend 2, not scored). The first ranks above."""
    lsoas = ["W01000001", "W01000002"]
    incidents = pd.DataFrame(
        {
            "category": ["Burglary"] * 120 + ["Criminal damage and arson"] * 120,
            "lsoa_code": (lsoas * 60) * 2,
        }
    )
    changes = {
        "Burglary": compare_periods(500, 600, before_months=6, after_months=6),
        "Criminal damage and arson": compare_periods(8, 120, before_months=6, after_months=6),
    }
    assert changes["Burglary"].significant and changes["Criminal damage and arson"].significant
    ranked = rank_priorities(incidents, changes, lsoas)
    scores = {p.category: p.scores["trend"] for p in ranked}
    assert scores == {"Burglary": 4, "Criminal damage and arson": 2}
    assert [p.category for p in ranked] == ["Burglary", "Criminal damage and arson"]
    damage = next(p for p in ranked if p.category == "Criminal damage and arson")
    assert "a rise of 1,400% that more likely reflects how crimes were recorded (not scored)" in (
        reasons(damage, translator("en"))
    )
    assert "cynnydd o 1,400%" in reasons(damage, translator("cy"))
