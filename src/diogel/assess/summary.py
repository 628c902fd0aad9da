"""The area summary: crimes in an area and period, in total, by category and by month."""

from __future__ import annotations

from dataclasses import dataclass

from diogel.assess.areas import area_counts
from diogel.geography import Area
from diogel.periods import Period
from diogel.storage import Store
from diogel.storage.base import months_between


@dataclass(frozen=True)
class Summary:
    """Counts of police.uk street-level crime and ASB for an area and period."""

    area: Area
    period: Period
    total: int
    by_category: dict[str, int]
    by_month: dict[str, int]
    months_without_data: list[str]

    def as_dict(self, lang: str = "en") -> dict[str, object]:
        """The JSON shape printed by ``diogel summary --json``."""
        return {
            "area": {"code": self.area.code, "name": self.area.name(lang), "kind": self.area.kind},
            "from": f"{self.period.start:%Y-%m}",
            "to": f"{self.period.end:%Y-%m}",
            "total": self.total,
            "by_category": self.by_category,
            "by_month": self.by_month,
            "months_without_data": self.months_without_data,
        }


def summarise(store: Store, area: Area, period: Period) -> Summary:
    """Count crimes in ``area`` over ``period``.

    Months in the period for which no police.uk street file has been loaded are listed in
    ``months_without_data`` (they show as zero in ``by_month`` but are not zero crimes).
    """
    counts = area_counts(store, area, period.start, period.end)
    by_category = {
        str(k): int(v)
        for k, v in counts.groupby("category")["count"].sum().sort_values(ascending=False).items()
    }
    per_month = counts.groupby("month")["count"].sum()
    per_month.index = [f"{m:%Y-%m}" for m in per_month.index]
    months = [f"{m:%Y-%m}" for m in months_between(period.start, period.end)]
    by_month = {m: int(per_month.get(m, 0)) for m in months}
    loaded = {f"{m:%Y-%m}" for m in store.months_loaded()}
    missing = [m for m in months if m not in loaded]
    return Summary(area, period, int(counts["count"].sum()), by_category, by_month, missing)
