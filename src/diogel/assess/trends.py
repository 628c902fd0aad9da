"""Trends for an area: monthly series, rolling totals, the period's change and alerts."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from diogel.analysis.alerts import BASELINE_MONTHS, ControlChart, control_chart_alerts
from diogel.analysis.alerts import incomplete_months as find_incomplete
from diogel.analysis.period_change import PeriodComparison, compare_periods
from diogel.analysis.trends import rolling_totals
from diogel.assess.areas import area_counts
from diogel.errors import InputError
from diogel.geography import Area, Geography
from diogel.periods import Period
from diogel.storage import Store


@dataclass(frozen=True)
class TrendReport:
    """Everything ``diogel trends`` reports for one area and period."""

    area: Area
    period: Period
    category: str | None
    series: pd.Series  # monthly counts over the period; NaN where no data was loaded
    rolling_12: pd.Series
    by_category: pd.DataFrame
    comparison: PeriodComparison | None
    compared: tuple[list[str], list[str]]  # months in each half that were tested
    category_changes: dict[str, PeriodComparison]
    chart: ControlChart | None
    incomplete: list[str]
    not_loaded: list[str]
    notes: list[str]

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        """The JSON shape printed by ``diogel trends --json``."""

        def months(s: pd.Series) -> dict[str, int | None]:
            return {str(k): None if pd.isna(v) else int(v) for k, v in s.items()}

        alerts = []
        if self.chart is not None:
            first, last = pd.Period(self.period.start, "M"), pd.Period(self.period.end, "M")
            for month, row in self.chart.alerts.iterrows():
                if first <= pd.Period(str(month), "M") <= last:
                    alerts.append(
                        {
                            "month": str(month),
                            "count": int(row["count"]),
                            "expected": round(float(row["expected"]), 1),
                            "upper_limit": float(row["upper_limit"]),
                            "p_value": float(row["p_value"]),
                        }
                    )
        return {
            "area": {"code": self.area.code, "name": self.area.name(lang), "kind": self.area.kind},
            "from": f"{self.period.start:%Y-%m}",
            "to": f"{self.period.end:%Y-%m}",
            "category": self.category,
            "series": months(self.series),
            "rolling_12_months": months(self.rolling_12.dropna()),
            "by_category": {c: months(self.by_category[c]) for c in self.by_category.columns},
            "change": None if self.comparison is None else _comparison(self.comparison),
            "change_months": {"before": self.compared[0], "after": self.compared[1]},
            "category_changes": {k: _comparison(v) for k, v in self.category_changes.items()},
            "alerts": alerts,
            "alert_method": None
            if self.chart is None
            else {
                "baseline_months": self.chart.baseline_months,
                "level": self.chart.level,
                "harmonics": self.chart.harmonics,
                "trend": self.chart.trend,
                "overdispersion": self.chart.overdispersion,
                "min_count": self.chart.min_count,
            },
            "incomplete_months": self.incomplete,
            "months_not_loaded": self.not_loaded,
            "notes": self.notes,
        }


def _comparison(c: PeriodComparison) -> dict[str, Any]:
    return {k: v for k, v in dataclasses.asdict(c).items()}


def force_of(area: Area, geography: Geography) -> str | None:
    """The police force whose files cover an area (None when it cannot be told)."""
    if area.kind == "force":
        return area.code
    code = area.code
    if area.kind == "lsoa":
        code = str(geography.council_of_lsoa(np.array([area.code], dtype=object))[0])
    if area.kind not in {"council", "lsoa"}:
        return None
    match = geography.councils[geography.councils["code"] == code]
    return None if match.empty else str(match["force"].iloc[0])


def build_trends(
    store: Store,
    area: Area,
    period: Period,
    *,
    geography: Geography,
    category: str | None = None,
) -> TrendReport:
    """Monthly series, the change from the first to the second half of the period, and
    control-chart alerts (each month judged against the 36 months before it, so months
    before ``period`` are read for the baseline).

    Months with no police.uk file loaded, and months that look incomplete, are left out
    of the change test (and said so in ``notes``).
    """
    if period.months < 2:
        raise InputError(
            f"the period {period.label} is one month; trends need at least two",
            hint="widen --from/--to, e.g. two years to compare one year with the last",
        )
    history_start = (pd.Period(period.start, "M") - BASELINE_MONTHS).to_timestamp().date()
    counts = area_counts(store, area, history_start, period.end)
    if category is not None:
        known = set(counts["category"])
        if category not in known and counts.size:
            raise InputError(
                f"no '{category}' incidents in {area.name_en}",
                hint=f"choose one of: {', '.join(sorted(known))}",
            )
        counts = counts[counts["category"] == category]
    force = force_of(area, geography)
    loaded = {pd.Period(m, "M") for m in store.months_loaded(force)}
    months = pd.period_range(history_start, period.end, freq="M")
    table = counts.assign(month=pd.PeriodIndex(pd.to_datetime(counts["month"]), freq="M"))
    by_cat = table.pivot_table(
        index="month", columns="category", values="count", aggfunc="sum", fill_value=0
    ).reindex(months, fill_value=0)
    total = by_cat.sum(axis=1).astype(float)
    missing = ~months.isin(list(loaded))
    total[missing] = np.nan
    by_cat.loc[missing, :] = np.nan
    in_period = months >= pd.Period(period.start, "M")

    notes: list[str] = []
    chart = None
    if int((~missing).sum()) > 24:
        chart = control_chart_alerts(total)
    else:
        notes.append("Too few months loaded before the period to judge alerts (24 needed).")
    incomplete_table = find_incomplete(total)
    incomplete = [str(m) for m in incomplete_table.index[incomplete_table["likely_incomplete"]]]
    not_loaded = [str(m) for m in months[missing & in_period]]
    series = total[in_period]
    usable = [m for m in series.index if str(m) not in incomplete and not pd.isna(series[m])]
    half = period.months // 2
    first = [m for m in series.index[:half] if m in usable]
    second = [m for m in series.index[period.months - half :] if m in usable]
    comparison = None
    category_changes: dict[str, PeriodComparison] = {}
    if first and second:
        comparison = compare_periods(
            int(series[first].sum()), int(series[second].sum()),
            before_months=len(first), after_months=len(second),
        )  # fmt: skip
        for cat in by_cat.columns:
            col = by_cat[cat]
            category_changes[str(cat)] = compare_periods(
                int(col[first].sum()), int(col[second].sum()),
                before_months=len(first), after_months=len(second),
            )  # fmt: skip
    else:
        notes.append("Not enough loaded months in each half of the period to test a change.")
    if incomplete:
        notes.append(f"Months that look incomplete, left out of the change test: {incomplete}.")
    if not_loaded:
        notes.append(f"Months with no police.uk data loaded: {not_loaded}.")
    if period.months % 2:
        notes.append(f"The middle month ({series.index[half]}) is in neither half.")
    return TrendReport(
        area=area,
        period=period,
        category=category,
        series=series,
        rolling_12=rolling_totals(total)[in_period],
        by_category=by_cat[in_period],
        comparison=comparison,
        compared=([str(m) for m in first], [str(m) for m in second]),
        category_changes=category_changes,
        chart=chart,
        incomplete=incomplete,
        not_loaded=not_loaded,
        notes=notes,
    )
