"""The priority matrix: categories ranked by volume, harm, trend and concentration.

Scoring, in the spirit of MoRiLE (each dimension scored 1 to 4, scores added, highest
total first; anti-social behaviour has its own section and no severity weight, so it is
not ranked here):

- **Volume**: the category's share of recorded crime: 20% or more scores 4, 10% 3, 5% 2,
  less 1.
- **Harm**: its share of Crime Severity Score harm, with the same bands.
- **Trend**: a rise unlikely to be chance scores 4; a rise of 10% or more that could be
  chance 3; little change 2; a fall unlikely to be chance 1. A change so large that it
  more likely reflects how crimes were recorded (three-fold or more either way) scores 2:
  it says nothing yet about crime.
- **Concentration**: the share of its crimes in the busiest tenth of the area's
  neighbourhoods (LSOAs): 50% or more scores 4, 35% 3, 25% 2, less 1. Concentrated
  problems suit place-based responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from diogel.analysis.harm import harm_totals
from diogel.analysis.period_change import PeriodComparison
from diogel.assess.model import Figure, Section, Table
from diogel.assess.words import category_name
from diogel.i18n import Translator
from diogel.schema import ASB_CATEGORY

SHARE_BANDS: Final = (0.20, 0.10, 0.05)
CONCENTRATION_BANDS: Final = (0.50, 0.35, 0.25)
RISE_WORTH_NOTING: Final = 10.0


@dataclass(frozen=True)
class Priority:
    category: str
    incidents: int
    volume_share: float
    harm_share: float
    change: PeriodComparison | None
    concentration: float
    scores: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.scores.values())


def _band(value: float, bands: tuple[float, ...]) -> int:
    for score, edge in zip((4, 3, 2), bands, strict=True):
        if value >= edge:
            return score
    return 1


def _trend_score(change: PeriodComparison | None) -> int:
    if change is None or change.pct_change is None or change.recording_change:
        return 2
    if change.direction == "rose" and change.significant:
        return 4
    if change.direction == "rose" and change.pct_change >= RISE_WORTH_NOTING:
        return 3
    if change.direction == "fell" and change.significant:
        return 1
    return 2


def rank_priorities(
    incidents: pd.DataFrame, changes: dict[str, PeriodComparison | None], lsoa_codes: list[str]
) -> list[Priority]:
    """Score every crime category of the period (see the module notes)."""
    crimes = incidents[incidents["category"] != ASB_CATEGORY]
    if crimes.empty:
        return []
    volume = crimes["category"].value_counts()
    harm = harm_totals(crimes).table.set_index("category")["share_of_harm"]
    tenth = max(1, int(np.ceil(0.1 * max(len(lsoa_codes), 1))))
    out = []
    for category, n in volume.items():
        cat = str(category)
        per_lsoa = crimes.loc[crimes["category"] == cat].groupby("lsoa_code").size()
        per_lsoa = per_lsoa.reindex(lsoa_codes, fill_value=0) if lsoa_codes else per_lsoa
        top = np.sort(per_lsoa.to_numpy())[::-1][:tenth].sum()
        concentration = float(top / per_lsoa.sum()) if per_lsoa.sum() else 0.0
        share = float(n / len(crimes))
        harm_share = float(harm.get(cat, 0.0))
        change = changes.get(cat)
        scores = {
            "volume": _band(share, SHARE_BANDS),
            "harm": _band(harm_share, SHARE_BANDS),
            "trend": _trend_score(change),
            "concentration": _band(concentration, CONCENTRATION_BANDS),
        }
        out.append(Priority(cat, int(n), share, harm_share, change, concentration, scores))
    return sorted(out, key=lambda p: (-p.total, -p.harm_share, p.category))


def reasons(p: Priority, t: Translator) -> str:
    """Why a category scored as it did, in words."""
    parts = []
    if p.scores["volume"] >= 3:
        parts.append(t("high volume ({share} of crime)", share=t.format_percent(p.volume_share)))
    if p.scores["harm"] >= 3:
        parts.append(t("high harm ({share} of harm)", share=t.format_percent(p.harm_share)))
    if p.change is not None and p.scores["trend"] == 4:
        parts.append(t("rising ({pct}, unlikely to be chance)",
                       pct=t.format_percent((p.change.pct_change or 0) / 100)))  # fmt: skip
    elif p.change is not None and p.scores["trend"] == 3:
        parts.append(t("rising ({pct}, could be chance)",
                       pct=t.format_percent((p.change.pct_change or 0) / 100)))  # fmt: skip
    elif p.scores["trend"] == 1:
        parts.append(t("falling"))
    elif p.change is not None and p.change.pct_change is not None and p.change.recording_change:
        pct = t.format_percent(abs(p.change.pct_change) / 100)
        parts.append(
            t("a rise of {pct} that more likely reflects how crimes were recorded (not scored)",
              pct=pct)
            if p.change.direction == "rose"
            else t("a fall of {pct} that more likely reflects how crimes were recorded (not "
                   "scored)", pct=pct)
        )  # fmt: skip
    if p.scores["concentration"] >= 3:
        parts.append(
            t(
                "concentrated ({share} in the busiest tenth of neighbourhoods)",
                share=t.format_percent(p.concentration),
            )
        )
    return "; ".join(parts) if parts else t("lower on every measure")


def priority_section(priorities: list[Priority], t: Translator) -> Section:
    table = pd.DataFrame(
        {
            t("Rank"): range(1, len(priorities) + 1),
            t("Category"): [category_name(p.category, t, start=True) for p in priorities],
            t("Crimes"): [p.incidents for p in priorities],
            t("Volume"): [p.scores["volume"] for p in priorities],
            t("Harm"): [p.scores["harm"] for p in priorities],
            t("Trend"): [p.scores["trend"] for p in priorities],
            t("Concentration"): [p.scores["concentration"] for p in priorities],
            t("Score"): [p.total for p in priorities],
            t("Why"): [reasons(p, t) for p in priorities],
        }
    )
    figure = Figure(
        id="priority-matrix",
        kind="matrix",
        title=t("Priority matrix: share of crime against share of harm"),
        alt=t(
            "Scatter chart placing each crime category by its share of recorded crime "
            "(across) and its share of harm (up); the table ranks them."
        ),
        data=pd.DataFrame(
            {
                "label": [category_name(p.category, t, start=True) for p in priorities],
                "x": [round(100 * p.volume_share, 1) for p in priorities],
                "y": [round(100 * p.harm_share, 1) for p in priorities],
            }
        ),
        spec={"x_label": t("Share of recorded crime (%)"), "y_label": t("Share of harm (%)")},
    )
    paragraphs = [
        t(
            "Each crime category is scored from 1 to 4 on volume, harm (Crime Severity "
            "Score), trend and concentration, and the scores are added; the method is "
            "described under Data and methods. Anti-social behaviour is covered in its own "
            "section."
        )
    ]
    return Section(
        "priorities",
        t("Priority matrix"),
        paragraphs,
        [],
        [figure],
        [Table("priorities", t("Categories ranked"), table)],
    )
