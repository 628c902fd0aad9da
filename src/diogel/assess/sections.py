"""The assessment's sections on the area, the overall picture, categories, violence, ASB."""

from __future__ import annotations

import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from diogel.analysis.alerts import control_chart_alerts, incomplete_months
from diogel.analysis.concentration import repeat_locations
from diogel.analysis.harm import harm_totals
from diogel.analysis.hotspots_time import hotspot_classify
from diogel.analysis.rates import by_deprivation_decile, funnel_compare
from diogel.assess.figures import (
    MAP_CELL_SIZE,
    MIN_MAP_POINTS,
    compare,
    density_map,
    gistar_map,
    repeat_table,
    trend_figure,
)
from diogel.assess.gather import AreaData, monthly, period_total
from diogel.assess.model import Figure, Section, Statement, Table
from diogel.assess.words import (
    OUTCOME_GROUP_ORDER,
    category_name,
    change_statement,
    outcome_group,
)
from diogel.geography import Geography
from diogel.i18n import Translator
from diogel.schema import ASB_CATEGORY, SERIOUS_VIOLENCE_CATEGORIES


def skipped_months(data: AreaData) -> list[str]:
    """Months that look incomplete in the area's monthly totals."""
    flags = incomplete_months(monthly(data))
    return [str(m) for m in flags.index[flags["likely_incomplete"]]]


# -- 2. the area ------------------------------------------------------------------------


def area_section(data: AreaData, geography: Geography, t: Translator) -> Section:
    lsoas = data.lsoas
    population = int(lsoas["population"].sum())
    paragraphs = [
        t(
            "{area} has {population} residents (ONS mid-2022 estimate) in {lsoas} "
            "neighbourhoods (Lower-layer Super Output Areas).",
            area=data.area.name(t.lang),
            area_soft=t.soft(data.area.name(t.lang)),
            population=t.format_int(population),
            lsoas=t.format_int(len(lsoas)),
        )
    ]
    tables: list[Table] = []
    figures: list[Figure] = []
    if len(lsoas):
        per_lsoa = data.incidents.groupby("lsoa_code").size()
        profile = by_deprivation_decile(per_lsoa, lsoas[["code", "population", "wimd_decile"]])
        most = profile.table.iloc[0]
        paragraphs.append(
            t(
                "{share} of residents live in the most deprived tenth of Welsh neighbourhoods "
                "(WIMD 2019 decile 1); over the period the crime rate there was {rate} per 1,000 residents, "
                "{ratio} times the rate across the area.",
                share=t.format_percent(float(most["share_of_population"])),
                rate=t.format_number(float(most["rate"])),
                ratio=t.format_number(float(most["relative_rate"])),
            )
        )
        table = profile.table
        figures.append(
            Figure(
                id="deprivation",
                kind="bar",
                title=t("Crime rate by deprivation decile"),
                alt=t(
                    "Bar chart of crimes per 1,000 residents in each WIMD decile, from 1 "
                    "(most deprived) to 10 (least deprived)."
                ),
                data=pd.DataFrame(
                    {
                        "label": [t("Decile {n}", n=int(d)) for d in table["wimd_decile"]],
                        "value": table["rate"].round(1).to_numpy(),
                        t("Residents"): table["population"].astype(np.int64).to_numpy(),
                        t("Incidents"): table["count"].astype(np.int64).to_numpy(),
                        t("Lower 95% limit"): table["lower"].round(1).to_numpy(),
                        t("Upper 95% limit"): table["upper"].round(1).to_numpy(),
                    }
                ),
                spec={
                    "x_label": t("Crimes per 1,000 residents"),
                    "value_label": t("Rate"),
                    "label_title": t("Deprivation decile"),
                },
            )
        )
    counts = data.council_counts
    if len(counts) > 1:
        councils = geography.councils.set_index("code")
        populations = geography.lsoas.groupby("council_code")["population"].sum()
        codes = [c for c in counts.index if c in councils.index]
        funnel = funnel_compare(
            counts.reindex(codes).to_numpy(), populations.reindex(codes).to_numpy()
        )
        names = [str(councils.loc[c, "name_cy" if t.lang == "cy" else "name_en"]) for c in codes]
        position_words = {
            "within": t("within the expected range"),
        }

        def position(p: str) -> str:
            if p in position_words:
                return position_words[p]
            side, level = p.split(" ", 1)
            return (
                t("above the {level} limit", level=level)
                if side == "above"
                else t("below the {level} limit", level=level)
            )

        comparison = pd.DataFrame(
            {
                "label": names,
                "population": funnel["population"].astype(np.int64).to_numpy(),
                "rate": funnel["rate"].round(1).to_numpy(),
                t("Incidents"): funnel["count"].astype(np.int64).to_numpy(),
                t("Compared with the others"): [position(p) for p in funnel["position"]],
            }
        )
        limit_cols = [c for c in funnel.columns if c.startswith(("lower_", "upper_"))]
        for col in limit_cols:
            comparison[col] = funnel[col].round(2).to_numpy()
        overall = float(counts.sum() / populations.reindex(codes).sum() * 1000)
        mine = comparison[[c == data.area.code for c in codes]]
        if len(mine):
            row = mine.iloc[0]
            paragraphs.append(
                t(
                    "Across the {n} Welsh councils with data for this period the rate was "
                    "{overall} crimes per 1,000 residents; {area} had {rate}, {position}.",
                    n=len(codes),
                    overall=t.format_number(overall),
                    area=data.area.name(t.lang),
                    area_soft=t.soft(data.area.name(t.lang)),
                    rate=t.format_number(float(row["rate"])),
                    position=row[t("Compared with the others")],
                )
            )
        figures.append(
            Figure(
                id="funnel",
                kind="funnel",
                title=t("Crime rates of Welsh councils: funnel plot"),
                alt=t(
                    "Funnel plot of crimes per 1,000 residents against population for {n} "
                    "councils, with 95% and 99.8% limits around the overall rate; the table "
                    "gives each council's rate and position.",
                    n=len(codes),
                ),
                data=comparison,
                spec={
                    "limits": limit_cols,
                    "overall": overall,
                    "highlight": data.area.name(t.lang),
                    "x_label": t("Residents"),
                    "y_label": t("Crimes per 1,000 residents"),
                },
            )
        )
    return Section("area", t("The area"), paragraphs, [], figures, tables)


# -- 3. the overall picture --------------------------------------------------------------


def overall_section(
    data: AreaData, t: Translator, skip: set[str]
) -> tuple[Section, list[Statement]]:
    series = monthly(data)
    total, months = period_total(series, data.period)
    statements: list[Statement] = []
    paragraphs = [
        t(
            "{total} crimes and incidents of anti-social behaviour were recorded in {area} "
            "in {months} months.",
            total=t.format_int(total),
            area=data.area.name(t.lang),
            in_area=t.in_place(data.area.name(t.lang)),
            months=t.format_int(months),
        )
    ]
    change = compare(series, data.period, data.comparison, skip)
    if change is not None:
        statements.append(
            change_statement(t("All recorded crime and ASB"), change, t, kind="total")
        )
    chart = control_chart_alerts(series) if series.notna().sum() > 24 else None
    alerts: list[str] = []
    if chart is not None:
        start, end = pd.Period(data.period.start, "M"), pd.Period(data.period.end, "M")
        for month, row in chart.alerts.iterrows():
            m = pd.Period(str(month), "M")
            if start <= m <= end:
                alerts.append(str(m))
                statements.append(
                    Statement(
                        "alert",
                        t(
                            "{month} was above the expected range: {count} incidents against "
                            "about {expected} expected.",
                            month=t.month_year(m.year, m.month),
                            count=t.format_int(row["count"]),
                            expected=t.format_int(row["expected"]),
                        ),
                        {
                            "month": str(m),
                            "count": int(row["count"]),
                            "upper_limit": float(row["upper_limit"]),
                        },
                    )
                )
    figures = [trend_figure("overall-trend", t("Incidents per month"), series, t, alerts=alerts)]
    loaded = series.dropna()
    if len(loaded) >= 12:
        by_month = loaded.groupby([m.month for m in loaded.index]).mean()
        figures.append(
            Figure(
                id="seasonal",
                kind="seasonal",
                title=t("Seasonal pattern: average incidents in each calendar month"),
                alt=t(
                    "Bar chart of the average number of incidents in each calendar month over "
                    "the months loaded; busiest month {busy}, quietest {quiet}.",
                    busy=t.month_name(int(str(by_month.idxmax()))),
                    quiet=t.month_name(int(str(by_month.idxmin()))),
                ),
                data=pd.DataFrame(
                    {
                        "month": [t.month_name(int(m)) for m in by_month.index],
                        "value": by_month.round(1).to_numpy(),
                    }
                ),
                spec={"y_label": t("Average incidents")},
            )
        )
    return Section(
        "overall", t("Overall picture"), paragraphs, list(statements), figures
    ), statements


# -- 4. priority categories --------------------------------------------------------------


def outcome_table(frame: pd.DataFrame, t: Translator, table_id: str) -> Table | None:
    """Outcomes of the period's crimes, grouped for a board."""
    crimes = frame[frame["crime_id"].fillna("") != ""]
    if crimes.empty:
        return None
    groups = crimes["outcome"].map(outcome_group).value_counts()
    rows = [(g, int(groups.get(g, 0))) for g in OUTCOME_GROUP_ORDER if groups.get(g, 0)]
    n = sum(v for _, v in rows)
    return Table(
        id=table_id,
        title=t("Latest outcomes"),
        frame=pd.DataFrame(
            {
                t("Outcome"): [t(g) for g, _ in rows],
                t("Crimes"): [v for _, v in rows],
                t("Share"): [t.format_percent(v / n) for _, v in rows],
            }
        ),
        note=t("Outcomes as last published; recent crimes are often still under investigation."),
    )


def category_section(
    data: AreaData,
    category: str,
    boundary: BaseGeometry,
    t: Translator,
    skip: set[str],
    index: int,
) -> tuple[Section, Statement | None]:
    name = category_name(category, t, start=True)
    series = monthly(data, [category])
    frame = data.incidents[data.incidents["category"] == category]
    statements: list[Statement] = []
    change = compare(series, data.period, data.comparison, skip)
    statement = None
    if change is not None:
        statement = change_statement(name, change, t)
        statement.facts["category"] = category
        statements.append(statement)
    harm = harm_totals(frame)
    paragraphs = []
    if harm.total_harm:
        paragraphs.append(
            t(
                "Weighted by the Crime Severity Score, these crimes carry a harm of {harm} "
                "(severity weight {weight} per crime).",
                harm=t.format_int(harm.total_harm),
                weight=t.format_number(float(harm.table["weight"].iloc[0])),
            )
        )
    figures = [trend_figure(f"cat{index}-trend", t("Incidents per month"), series, t)]
    tables = []
    map_fig, _ = gistar_map(f"cat{index}-map", t("Hot spots"), frame, boundary, t)
    if map_fig is not None:
        figures.append(map_fig)
    density = density_map(f"cat{index}-density", t("Density"), frame, boundary, t)
    if density is not None:
        figures.append(density)
    outcomes = outcome_table(frame, t, f"cat{index}-outcomes")
    if outcomes is not None:
        tables.append(outcomes)
    repeats = repeat_locations(frame, by=["location", "lsoa_code"], top=10)
    if len(repeats):
        tables.append(repeat_table(f"cat{index}-places", t("Top repeat locations"), repeats, t))
    return Section(f"category-{index}", name, paragraphs, statements, figures, tables), statement


# -- 5. serious violence ---------------------------------------------------------------


def violence_section(
    data: AreaData, boundary: BaseGeometry, t: Translator, skip: set[str]
) -> tuple[Section, Statement | None]:
    cats = list(SERIOUS_VIOLENCE_CATEGORIES)
    series = monthly(data, cats)
    frame = data.incidents[data.incidents["category"].isin(cats)]
    previous = data.previous[data.previous["category"].isin(cats)]
    statements = []
    change = compare(series, data.period, data.comparison, skip)
    statement = None
    if change is not None:
        statement = change_statement(t("Serious violence"), change, t, kind="violence")
        statements.append(statement)
    breakdown = frame["category"].value_counts()
    paragraphs = [
        t(
            "For the Serious Violence Duty this section takes violence and sexual offences, "
            "robbery and possession of weapons together. police.uk publishes the month of "
            "each crime but not the day or time: partner data such as A&E attendances is "
            "needed to see when violence happens."
        )
    ]
    tables = [
        Table(
            id="violence-breakdown",
            title=t("Serious violence by type"),
            frame=pd.DataFrame(
                {
                    t("Category"): [category_name(c, t, start=True) for c in breakdown.index],
                    t("Crimes"): breakdown.to_numpy(),
                }
            ),
        )
    ]
    figures = [trend_figure("violence-trend", t("Serious violence per month"), series, t)]
    map_now, _ = gistar_map("violence-map", t("Serious violence hot spots"), frame, boundary, t)
    if map_now is not None:
        figures.append(map_now)
    trend_table = hotspot_trends(frame, previous, boundary, t)
    if trend_table is not None:
        paragraphs.append(
            t(
                "Hot spots over time compares each 250 m cell's Gi* in every quarter (or month, "
                "for short periods) of the comparison period and this period (emerging hot "
                "spot analysis with a Mann-Kendall trend test); the table counts the cells in "
                "each class."
            )
        )
        tables.append(trend_table)
    top = frame.groupby("lsoa_code").size().sort_values(ascending=False).head(10)
    lsoa_names = data.lsoas.set_index("code")["name_en"]
    tables.append(
        Table(
            id="violence-lsoas",
            title=t("Neighbourhoods with the most serious violence"),
            frame=pd.DataFrame(
                {
                    t("LSOA"): top.index.to_numpy(),
                    t("Name"): [str(lsoa_names.get(c, "")) for c in top.index],
                    t("Crimes"): top.to_numpy(),
                }
            ),
        )
    )
    return (
        Section("violence", t("Serious violence"), paragraphs, statements, figures, tables),
        statement,
    )


#: The emerging hot spot test needs at least this many time slices.
MIN_SLICES = 4
HOTSPOT_CLASSES = ("persistent", "emerging", "new", "intermittent", "diminishing", "sporadic")


def hotspot_trends(
    frame: pd.DataFrame,
    previous: pd.DataFrame,
    boundary: BaseGeometry,
    t: Translator,
) -> Table | None:
    """Emerging, persistent... hot-spot cells over the quarters of both periods."""
    both = pd.concat([previous.assign(when=0), frame.assign(when=1)], ignore_index=True)
    both = both.dropna(subset=["x", "y"])
    if "month" not in frame or len(both) < 2 * MIN_MAP_POINTS:
        return None
    stamps = pd.to_datetime(both["month"], errors="coerce")
    # quarters when there are enough of them, months otherwise (the test needs four slices)
    slices = pd.PeriodIndex(stamps, freq="Q").astype(str)
    if slices.nunique() < MIN_SLICES:
        slices = pd.PeriodIndex(stamps, freq="M").astype(str)
    if slices.nunique() < MIN_SLICES:
        return None
    both = both.assign(slice=np.asarray(slices))
    result = hotspot_classify(
        both[["x", "y", "slice"]], time_slice="slice", cell_size=MAP_CELL_SIZE,
        boundary=boundary, quiet=True,
    )  # fmt: skip
    counts = result.cells["class"].astype(str).value_counts()
    words = {
        "persistent": t("Persistent: hot in nearly every quarter"),
        "emerging": t("Emerging: hot in the latest quarters, or rising"),
        "new": t("New: hot in the latest quarter only"),
        "intermittent": t("Intermittent: hot now, and on and off before"),
        "diminishing": t("Diminishing: long hot, now cooling"),
        "sporadic": t("Sporadic: hot at times, not now"),
    }
    return Table(
        "violence-hotspot-trends",
        t("Serious violence hot spots over time"),
        pd.DataFrame(
            {
                t("Class"): [words[c] for c in HOTSPOT_CLASSES],
                t("Cells"): [int(counts.get(c, 0)) for c in HOTSPOT_CLASSES],
            }
        ),
    )


# -- 6. anti-social behaviour ----------------------------------------------------------


def asb_section(
    data: AreaData, boundary: BaseGeometry, t: Translator, skip: set[str]
) -> tuple[Section, Statement | None]:
    series = monthly(data, [ASB_CATEGORY])
    frame = data.incidents[data.incidents["category"] == ASB_CATEGORY]
    total = len(frame)
    share = total / len(data.incidents) if len(data.incidents) else 0.0
    paragraphs = [
        t(
            "{total} incidents of anti-social behaviour were recorded, {share} of all "
            "incidents. ASB is not a notifiable crime and has no severity weight.",
            total=t.format_int(total),
            share=t.format_percent(share),
        )
    ]
    statements = []
    statement = None
    change = compare(series, data.period, data.comparison, skip)
    if change is not None:
        statement = change_statement(category_name(ASB_CATEGORY, t, start=True), change, t)
        statement.facts["category"] = ASB_CATEGORY
        statements.append(statement)
    figures = [trend_figure("asb-trend", t("Anti-social behaviour per month"), series, t)]
    map_fig, _ = gistar_map("asb-map", t("Anti-social behaviour hot spots"), frame, boundary, t)
    if map_fig is not None:
        figures.append(map_fig)
    tables = []
    repeats = repeat_locations(frame, by=["location", "lsoa_code"], top=10)
    if len(repeats):
        tables.append(repeat_table("asb-places", t("Top repeat locations"), repeats, t))
    return (
        Section("asb", t("Anti-social behaviour"), paragraphs, statements, figures, tables),
        statement,
    )
