"""The assessment's partner-data section: records shared by partners, the Cardiff Model, near repeats.

``partner_data_section`` returns None when no partner data is loaded for the area and
period, so the assessment only gains the section when there is something to say. Health
counts follow the shared-data rules (counts from 1 to ``k - 1`` hidden, with secondary
suppression); council and fire counts are shown as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from diogel.analysis.near_repeat import KnoxResult, knox_test
from diogel.analysis.suppression import K, suppress_counts, suppress_table
from diogel.assess.cardiff import (
    HOUR_BAND,
    CardiffModel,
    _day_names,
    _hour_day_with_unknown,
    area_partner_events,
    build_cardiff_model,
    value_labels,
)
from diogel.assess.model import Figure, Section, Statement, Table
from diogel.errors import DiogelError, InputError
from diogel.geography import Area, Geography
from diogel.i18n import Translator
from diogel.periods import Period
from diogel.storage import Store
from diogel.storage.sharing import dataset_policy

#: Placed events a dataset needs before its near-repeat pattern is tested.
MIN_KNOX_EVENTS: Final = 20
#: The near-repeat window reported: within this many metres and days.
KNOX_DISTANCES: Final = (0.0, 100.0, 200.0, 400.0)
KNOX_DAYS: Final = (0.0, 7.0, 14.0, 28.0)
KNOX_SEED: Final = 1


def dataset_label(dataset: str, t: Translator) -> str:
    """A reader's name for a partner dataset."""
    names = {
        "partner:istv": t("A&E assault attendances (ISTV)"),
        "partner:asb": t("Council ASB incidents"),
        "partner:fire": t("Deliberate fires"),
    }
    return names.get(dataset, dataset.removeprefix("partner:"))


def partner_data_section(
    store: Store,
    area: Area,
    period: Period,
    t: Translator,
    geography: Geography | None = None,
    *,
    k: int = K,
) -> Section | None:
    """The partner-data section of the assessment, or None without partner data."""
    geo = geography or Geography.bundled()
    events = area_partner_events(
        store, area, period, geo, columns=("dataset", "agency", "theme", "month", "synthetic")
    )
    if events.empty:
        return None
    paragraphs = [
        t(
            "Partners shared {n} records about {area} for this period, beside the police data.",
            n=t.format_int(len(events)),
            area=area.name(t.lang),
            area_soft=t.soft(area.name(t.lang)),
        )
    ]
    synthetic = int(events["synthetic"].fillna(False).astype(bool).sum())
    if synthetic:
        paragraphs.append(
            t(
                "{n} of these records are synthetic test data, not real people: figures built "
                "from them show how the analysis works, not what happened.",
                n=t.format_int(synthetic),
            )
        )
    tables = [_by_month(events, t, _protected(store, events, k))]
    subsections = []
    if ((events["agency"] == "health") & (events["theme"] == "violence")).any():
        try:
            model = build_cardiff_model(store, area, period, geography=geo)
        except DiogelError:
            model = None
        if model is not None:
            subsections.append(_cardiff_section(model, t, k))
    statements = _near_repeats(store, area, period, geo, events, t)
    if statements:
        subsections.append(
            Section(
                "partners-near-repeat",
                t("Near repeats in partner data"),
                [
                    t(
                        "Partner records carry the date of each event, which police.uk data "
                        "does not, so they can show whether one event is followed by others "
                        "close by within days (the Knox test, 99 random reshuffles of the dates)."
                    )
                ],
                statements,
            )
        )
    return Section(
        "partners", t("Partner data"), paragraphs, [], [], tables, subsections=subsections
    )


def _protected(store: Store, events: pd.DataFrame, k: int) -> dict[str, int]:
    """The datasets whose small counts are hidden, each with its threshold: health data,
    and any dataset declared special category (with its own minimum count if higher)."""
    chosen = {str(d): k for d in events.loc[events["agency"] == "health", "dataset"].unique()}
    access = getattr(store, "access", None)  # a scoped store knows what it is reading
    for dataset in map(str, events["dataset"].unique()):
        if access is not None:
            found = access(dataset)
            special, least = found.sensitivity == "special", int(found.min_count)
        else:
            declared = dataset_policy(store, dataset)
            special = declared is not None and declared[1] == "special"
            least = declared[2] if declared is not None else k
        if special:
            chosen[dataset] = max(k, least)
    return chosen


def _by_month(events: pd.DataFrame, t: Translator, protected: dict[str, int]) -> Table:
    """Records by dataset and month; protected rows suppressed (each row with its total)."""
    months = pd.PeriodIndex(pd.to_datetime(events["month"]), freq="M")
    counts = pd.crosstab(events["dataset"], months).sort_index(axis=0).sort_index(axis=1)
    k = max(protected.values(), default=K)
    rows = []
    for dataset, row in counts.iterrows():
        least = protected.get(str(dataset))
        cells = None if least is None else suppress_counts(row, k=least).display("*")["count"]
        values = [str(v) for v in [*row.to_numpy().tolist(), int(row.sum())]]
        if cells is not None:
            values = list(cells.to_numpy())
        rows.append([dataset_label(str(dataset), t), *values])
    columns = [
        t("Partner data"),
        *[t.month_year(m.year, m.month) for m in pd.PeriodIndex(counts.columns, freq="M")],
        t("Total"),
    ]
    note = t(
        "* hidden to protect small numbers in health data (counts from 1 to {k1}, and others "
        "that would give them away).",
        k1=k - 1,
    )
    return Table(
        "partners-by-month",
        t("Partner records by month"),
        pd.DataFrame(rows, columns=columns),
        note,
    )


def _cardiff_section(model: CardiffModel, t: Translator, k: int) -> Section:
    labels = value_labels(t)
    statements: list[Statement] = []
    u = model.unseen
    seen = suppress_counts(
        pd.Series({"seen": u.events - u.unseen, "unseen": u.unseen, "none": u.without_place}), k=k
    ).shown["count"]
    if seen["seen"] is not None and seen["unseen"] is not None and u.events:
        statements.append(
            Statement(
                "unseen",
                t(
                    "{share} of assaults treated in A&E with a known place happened where the "
                    "police recorded no violence within {radius} m: violence the police do not see.",
                    share=t.format_percent(u.share),
                    radius=t.format_int(u.radius),
                ),
                {"share": u.share, "unseen": u.unseen, "placed": u.events, "radius": u.radius},
            )
        )
    table = _hour_day_with_unknown(model, HOUR_BAND)
    timed = table.drop(index="unknown")
    band, day = (int(v) for v in np.unravel_index(int(np.argmax(timed.to_numpy())), timed.shape))
    label = str(list(timed.index)[band])
    start, end = label.split("-")
    if int(timed.to_numpy()[band, day]) >= k:
        statements.append(
            Statement(
                "peak",
                t(
                    "Assaults treated in A&E were most frequent on {day} between {start} and {end}.",
                    day=_day_names(t)[day],
                    day_soft=_lower_first(t.soft(_day_names(t)[day])),
                    start=f"{start}:00",
                    end=f"{end}:59",
                ),
                {"day": day, "band": label},
            )
        )
    weapons = suppress_counts(model.weapons.set_index("value")["count"], k=k)
    knife = weapons.shown["count"]["knife-or-sharp-object"]
    total = weapons.shown["count"]["Total"]
    if knife is not None and total:
        statements.append(
            Statement(
                "knife",
                t(
                    "A knife or sharp object was the main weapon in {share} of assaults treated in A&E.",
                    share=t.format_percent(knife / total),
                ),
                {"count": int(knife), "total": int(total)},
            )
        )
    hd = suppress_table(table, k=k).display("*")
    hd.index = [t("Time not recorded") if h == "unknown" else h for h in table.index] + [t("Total")]
    hd.columns = [*_day_names(t), t("Total")]
    hd = hd.reset_index(names=t("Hours"))
    shown = weapons.display("*").reset_index(names="code")
    weapon_table = pd.DataFrame(
        {
            t("Main weapon"): [
                t("Total") if c == "Total" else labels.get(str(c), str(c)) for c in shown["code"]
            ],
            t("Assaults"): shown["count"].to_numpy(),
        }
    )
    note = t(
        "* hidden to protect small numbers (counts from 1 to {k1}, and others that would give them away).",
        k1=k - 1,
    )
    grid = hd.iloc[:-1, :-1]  # the heat map leaves out the totals row and column
    heat = Figure(
        id="partners-heatmap",
        kind="heatmap",
        title=t("Assaults treated in A&E by time and day"),
        alt=t(
            "Heat map of assaults treated in A&E by hour band (down) and day of the week "
            "(across); darker cells had more assaults. Hidden small numbers are marked *."
        ),
        data=grid,
        spec={"rows": t("Hours"), "hidden": "*", "y_label": t("Hours")},
    )
    return Section(
        "partners-cardiff",
        t("Violence seen by A&E: the Cardiff Model"),
        [
            t(
                "Emergency departments record the time, place and weapon of assaults they treat "
                "(the ISTV dataset). Put beside police records they show when violence happens "
                "and where the police do not hear of it."
            )
        ],
        statements,
        [heat],
        [
            Table("partners-hour-day", t("Assaults treated in A&E by time and day"), hd, note),
            Table(
                "partners-weapons", t("Assaults treated in A&E by main weapon"), weapon_table, note
            ),
        ],
    )


def _near_repeats(
    store: Store,
    area: Area,
    period: Period,
    geo: Geography,
    events: pd.DataFrame,
    t: Translator,
) -> list[Statement]:
    statements = []
    for dataset in sorted(events["dataset"].unique()):
        placed = area_partner_events(
            store, area, period, geo, columns=("occurred_on", "x", "y"), datasets=[dataset]
        ).dropna(subset=["x", "y"])
        if len(placed) < MIN_KNOX_EVENTS:
            continue
        try:
            result = knox_test(
                placed["x"].to_numpy(float),
                placed["y"].to_numpy(float),
                pd.to_datetime(placed["occurred_on"]).to_numpy(),
                distance_bands=KNOX_DISTANCES,
                time_bands=KNOX_DAYS,
                permutations=99,
                seed=KNOX_SEED,
            )
        except DiogelError:
            continue
        first = result.table.iloc[0]
        ratio, p = float(first["knox_ratio"]), float(first["p_value"])
        values = {
            "dataset": dataset_label(str(dataset), t),
            "metres": t.format_int(KNOX_DISTANCES[1]),
            "days": t.format_int(KNOX_DAYS[1]),
            "ratio": t.format_number(ratio) if np.isfinite(ratio) else "-",
            "p": t.format_number(p, 2),
        }
        text = (
            t(
                "{dataset}: events within {metres} m and {days} days of another were {ratio} times "
                "as common as chance would give (p = {p}).",
                **values,
            )
            if p <= 0.05 and ratio > 1
            else t(
                "{dataset}: no near-repeat pattern within {metres} m and {days} days "
                "(Knox ratio {ratio}, p = {p}).",
                **values,
            )
        )
        statements.append(
            Statement("near_repeat", text, {"dataset": dataset, "ratio": ratio, "p_value": p})
        )
    return statements


def _lower_first(text: str) -> str:
    """'Ddydd Sadwrn' -> 'ddydd Sadwrn' (a day name inside a Welsh sentence)."""
    return text[:1].lower() + text[1:]


def partner_near_repeat(
    store: Store,
    area: Area,
    period: Period,
    *,
    geography: Geography | None = None,
    datasets: Sequence[str] | None = None,
    themes: Sequence[str] | None = None,
    distance_bands: Sequence[float] = (0, 100, 200, 400),
    time_bands: Sequence[float] = (0, 7, 14, 28),
    permutations: int = 99,
    seed: int | None = None,
) -> KnoxResult:
    """The Knox near-repeat test on the dated, placed partner events of an area and period."""
    geo = geography or Geography.bundled()
    filters: dict[str, Any] = {}
    if datasets:
        filters["datasets"] = list(datasets)
    if themes:
        filters["themes"] = list(themes)
    events = area_partner_events(
        store, area, period, geo, columns=("occurred_on", "x", "y"), **filters
    )
    events = events.dropna(subset=["x", "y"])
    if len(events) < 2:
        raise InputError(
            f"{len(events)} placed partner events for {area.name_en} in {period.label}",
            hint="the Knox test needs at least two events with a place and a date",
        )
    return knox_test(
        events["x"].to_numpy(float),
        events["y"].to_numpy(float),
        pd.to_datetime(events["occurred_on"]).to_numpy(),
        distance_bands=distance_bands,
        time_bands=time_bands,
        permutations=permutations,
        seed=seed,
    )
