"""Everything an assessment reads from the store, fetched once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from diogel.analysis.alerts import BASELINE_MONTHS
from diogel.assess.areas import area_counts, area_incidents
from diogel.assess.trends import force_of
from diogel.geography import Area, Geography
from diogel.periods import Period
from diogel.storage import AreaFilter, Store


@dataclass(frozen=True)
class AreaData:
    """The data behind one assessment."""

    area: Area
    period: Period
    comparison: Period
    force: str | None
    history_start: dt.date
    counts: pd.DataFrame  # month (Period[M]), category, count: history_start .. period.end
    months_loaded: pd.PeriodIndex  # months with a police.uk street file for the force
    incidents: pd.DataFrame  # the period's incidents
    previous: pd.DataFrame  # the comparison period's incidents (category, x, y)
    lsoas: pd.DataFrame  # the area's LSOAs (code, name, population, WIMD)
    council_counts: pd.Series  # every Welsh council with data in the period -> count
    files: pd.DataFrame  # loaded files covering the force and the periods


def default_comparison(period: Period) -> Period:
    """The same months one year earlier (fair to seasonal crime)."""
    start = pd.Period(period.start, "M") - 12
    end = pd.Period(period.end, "M") - 12
    return Period(start.to_timestamp().date(), end.to_timestamp().date())


def gather(
    store: Store, area: Area, period: Period, comparison: Period, geography: Geography
) -> AreaData:
    earliest = min(period.start, comparison.start)
    history_start = (pd.Period(earliest, "M") - BASELINE_MONTHS).to_timestamp().date()
    counts = area_counts(store, area, history_start, period.end)
    counts = counts.assign(month=pd.PeriodIndex(pd.to_datetime(counts["month"]), freq="M"))
    force = force_of(area, geography)
    loaded = pd.PeriodIndex(
        [pd.Period(m, "M") for m in store.months_loaded(force)], freq="M", name="month"
    )
    columns = (
        "month", "category", "x", "y", "lsoa_code", "lsoa_method", "location", "outcome", "crime_id",
    )  # fmt: skip
    incidents = area_incidents(store, area, period.start, period.end, columns=columns)
    previous = area_incidents(
        store, area, comparison.start, comparison.end, columns=("month", "category", "x", "y")
    )
    lsoas = geography.lsoas
    if area.kind == "council":
        lsoas = lsoas[lsoas["council_code"] == area.code]
    elif area.kind == "force":
        lsoas = lsoas[lsoas["council_code"].isin(geography.councils_in_force(area.code))]
    elif area.kind == "lsoa":
        lsoas = lsoas[lsoas["code"] == area.code]
    else:
        lsoas = lsoas.iloc[0:0]
    # Councils are compared only where their force's files cover the whole period:
    # a force's files also hold a few crimes over its borders, which are not a count.
    wanted = set(pd.period_range(period.start, period.end, freq="M"))
    covered = [
        code
        for slug in geography.councils["force"].unique()
        if wanted <= {pd.Period(m, "M") for m in store.months_loaded(str(slug))}
        for code in geography.councils_in_force(str(slug))
    ]
    by_council = store.count_by(AreaFilter("all", ""), period.start, period.end, ["council_code"])
    council_counts = (
        by_council[by_council["council_code"].isin(covered)]
        .set_index("council_code")["count"]
        .astype(np.int64)
    )
    files = store.files()
    if force is not None:
        files = files[files["force"] == force]
    files = files[
        (files["month_to"].notna())
        & (pd.to_datetime(files["month_to"]) >= pd.Timestamp(history_start))
        & (pd.to_datetime(files["month_from"]) <= pd.Timestamp(period.end))
    ]
    return AreaData(
        area=area,
        period=period,
        comparison=comparison,
        force=force,
        history_start=history_start,
        counts=counts,
        months_loaded=loaded,
        incidents=incidents,
        previous=previous,
        lsoas=lsoas.reset_index(drop=True),
        council_counts=council_counts,
        files=files.reset_index(drop=True),
    )


def monthly(data: AreaData, categories: list[str] | None = None) -> pd.Series:
    """Monthly counts from the history start to the period end; NaN where not loaded."""
    counts = data.counts
    if categories is not None:
        counts = counts[counts["category"].isin(categories)]
    months = pd.period_range(data.history_start, data.period.end, freq="M", name="month")
    series = counts.groupby("month")["count"].sum().reindex(months, fill_value=0).astype(float)
    series[~months.isin(data.months_loaded)] = np.nan
    return series


def period_total(series: pd.Series, period: Period) -> tuple[int, int]:
    """(count, months loaded) of a monthly series within a period."""
    window = series[
        (series.index >= pd.Period(period.start, "M"))
        & (series.index <= pd.Period(period.end, "M"))
    ]
    return int(window.sum()), int(window.notna().sum())
