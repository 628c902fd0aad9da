"""The data quality and methods section, and the licence attribution."""

from __future__ import annotations

import pandas as pd

from diogel.analysis.period_change import recording_change
from diogel.assess.gather import AreaData
from diogel.assess.model import Section, Table
from diogel.assess.words import category_name
from diogel.i18n import Translator
from diogel.storage import AreaFilter, Store

#: Months when lockdowns changed recorded crime; comparisons across them need care.
PANDEMIC = (pd.Period("2020-03", "M"), pd.Period("2021-12", "M"))

ATTRIBUTION_EN = (
    "Contains public sector information licensed under the Open Government Licence v3.0.",
    "Contains OS data © Crown copyright and database right.",
)
ATTRIBUTION_CY = (
    "Yn cynnwys gwybodaeth sector cyhoeddus a drwyddedir o dan y Drwydded Llywodraeth Agored v3.0.",
    "Yn cynnwys data'r Arolwg Ordnans © Hawlfraint y Goron a hawliau cronfa ddata.",
)


def attribution(t: Translator) -> list[str]:
    """The licence attribution, in the document's language first and then the other."""
    first, second = (
        (ATTRIBUTION_CY, ATTRIBUTION_EN) if t.lang == "cy" else (ATTRIBUTION_EN, ATTRIBUTION_CY)
    )
    return [*first, *second]


def quality_section(
    store: Store, data: AreaData, t: Translator, skip: set[str], methods: list[str]
) -> Section:
    paragraphs: list[str] = []
    files = data.files[data.files["dataset"] == "police-uk-street"]
    rows_in, stored, rejected = (int(files[c].sum()) for c in ("rows_in", "accepted", "rejected"))
    paragraphs.append(
        t(
            "This assessment uses {files} data.police.uk street-level files: {rows} rows were "
            "read, {stored} stored and {rejected} rejected (each rejected row is listed with "
            "its reason by 'diogel rejects').",
            files=t.format_int(len(files)),
            rows=t.format_int(rows_in),
            stored=t.format_int(stored),
            rejected=t.format_int(rejected),
        )
    )
    if data.force is not None:
        by_council = store.count_by(
            AreaFilter("force", data.force), data.period.start, data.period.end, ["council_code"]
        )
        unplaced = int(by_council.loc[by_council["council_code"].isna(), "count"].sum())
        total = int(by_council["count"].sum())
        if total:
            paragraphs.append(
                t(
                    "{n} of the force's {total} records for the period ({share}) had no "
                    "location and cannot be placed in any council; they are not counted here.",
                    n=t.format_int(unplaced),
                    total=t.format_int(total),
                    share=t.format_percent(unplaced / total, 1),
                )
            )
    methods_used = (
        data.incidents["lsoa_method"].value_counts()
        if "lsoa_method" in data.incidents
        else pd.Series(dtype=int)
    )
    harmonised = int(methods_used.get("merged", 0) + methods_used.get("split-point", 0))
    guessed = int(methods_used.get("split-largest", 0))
    if harmonised or guessed:
        paragraphs.append(
            t(
                "Neighbourhood boundaries changed in 2021. {n} records published with 2011 "
                "codes were moved to 2021 neighbourhoods with the ONS lookup (split areas by "
                "the crime's map point); {guessed} could only be assigned to the largest "
                "successor.",
                n=t.format_int(harmonised),
                guessed=t.format_int(guessed),
            )
        )
    wanted = pd.period_range(data.comparison.start, data.period.end, freq="M")
    in_use = [m for m in wanted
              if (pd.Period(data.comparison.start, "M") <= m <= pd.Period(data.comparison.end, "M"))
              or m >= pd.Period(data.period.start, "M")]  # fmt: skip
    missing = [m for m in in_use if m not in data.months_loaded]
    if missing:
        paragraphs.append(
            t(
                "No data was loaded for {months}; these months are left out of comparisons.",
                months=", ".join(t.month_year(m.year, m.month) for m in missing),
            )
        )
    if skip:
        paragraphs.append(
            t(
                "These months look incomplete (far fewer records than the months either "
                "side) and are left out of the tests of change: {months}.",
                months=", ".join(t.month_year(int(m[:4]), int(m[5:7])) for m in sorted(skip)),
            )
        )
    for category, ratio in recording_changes(data):
        paragraphs.append(
            t(
                "Recorded {category} changed {ratio}-fold between the comparison period and "
                "this one. A change this large usually reflects how crimes were recorded or "
                "published rather than crime itself; check with the force before drawing "
                "conclusions.",
                category=category_name(category, t),
                category_soft=t.soft(category_name(category, t)),
                ratio=t.format_number(ratio),
            )
        )
    if any(PANDEMIC[0] <= m <= PANDEMIC[1] for m in in_use):
        paragraphs.append(
            t(
                "The period or its comparison includes months of the COVID-19 pandemic "
                "(March 2020 to December 2021), when restrictions changed how much crime "
                "happened and was reported; read changes across those months with care."
            )
        )
    table = Table(
        "files",
        t("Files loaded"),
        pd.DataFrame(
            {
                t("File"): files["name"].to_numpy(),
                t("Rows"): files["rows_in"].astype(int).to_numpy(),
                t("Stored"): files["accepted"].astype(int).to_numpy(),
                t("Rejected"): files["rejected"].astype(int).to_numpy(),
            }
        ),
    )
    return Section(
        "quality",
        t("Data and methods"),
        paragraphs + methods + attribution(t),
        [],
        [],
        [table],
    )


def recording_changes(data: AreaData) -> list[tuple[str, float]]:
    """Categories whose monthly rate changed so much between the comparison period and
    this one that recording more likely changed than crime (see
    :func:`~diogel.analysis.period_change.recording_change`), with the factor of the change."""
    now = data.incidents["category"].value_counts()
    before = data.previous["category"].value_counts()
    out = []
    for category in sorted(set(now.index) | set(before.index)):
        a, b = int(before.get(category, 0)), int(now.get(category, 0))
        if recording_change(a, data.comparison.months, b, data.period.months):
            rates = sorted((a / data.comparison.months, b / data.period.months))
            out.append((str(category), round(rates[1] / max(rates[0], 1e-9), 1)))
    return out


def methods_text(t: Translator, comparison_default: bool) -> list[str]:
    """Every method and default the assessment used, in plain words."""
    out = [
        t(
            "Changes compare the monthly rate of recorded crime in the period with the "
            "comparison period by an exact test of two Poisson rates (the conditional binomial "
            "test); a change is called unlikely to be chance when p < 0.05."
        ),
        t(
            "Months above the expected range are found with a control chart: each month is "
            "compared with a seasonal Poisson model of the 36 months before it, allowing for "
            "extra variation; the limit is the 99.8% point."
        ),
        t(
            "Hot spots are grid cells of 250 m where incidents cluster more than chance "
            "allows: the Getis-Ord Gi* statistic over each cell and the eight around it, with "
            "the Benjamini-Hochberg correction for testing many cells (false discovery rate 5%)."
        ),
        t(
            "Rates are per 1,000 residents using ONS mid-2022 population estimates, with "
            "exact Poisson 95% intervals; councils are compared on a funnel plot with 95% and "
            "99.8% limits."
        ),
        t(
            "Harm weights each crime by the ONS Crime Severity Score for its police.uk "
            "category (the median weight of the offences in that category); anti-social "
            "behaviour has no weight."
        ),
        t(
            "Deprivation is the Welsh Index of Multiple Deprivation 2019, carried to 2021 "
            "neighbourhoods."
        ),
    ]
    if comparison_default:
        out.append(
            t(
                "The comparison period is the same months one year earlier, so that seasonal "
                "patterns do not distort the change."
            )
        )
    return out
