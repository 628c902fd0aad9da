"""An area's harm, concentration and rates: store queries fed to the analysis engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from diogel.analysis.concentration import Concentration, concentration, repeat_locations
from diogel.analysis.harm import HarmTotals, harm_totals
from diogel.analysis.rates import DeprivationProfile, by_deprivation_decile, funnel_compare
from diogel.assess.areas import BUILT_IN, area_incidents, store_filter
from diogel.errors import InputError
from diogel.geography import Area, Geography
from diogel.periods import Period
from diogel.storage import AreaFilter, Store


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Frame rows as JSON-ready dictionaries (NaN becomes null)."""
    cleaned = frame.astype(object).where(frame.notna(), None)
    return [{str(k): v for k, v in row.items()} for row in cleaned.to_dict("records")]


def area_harm(store: Store, area: Area, period: Period) -> HarmTotals:
    """Crime Severity Score harm by category (ASB and unweighted categories reported)."""
    frame = area_incidents(store, area, period.start, period.end, columns=("category",))
    return harm_totals(frame)


def harm_dict(result: HarmTotals) -> dict[str, Any]:
    return {
        "total_harm": result.total_harm,
        "weighted_incidents": result.weighted_incidents,
        "by_category": _records(result.table),
        "not_weighted": _records(result.not_weighted),
        "method": "ONS Crime Severity Score weights per police.uk category (configurable)",
    }


@dataclass(frozen=True)
class PlaceProfile:
    """How concentrated an area's crime is across its LSOAs, and its busiest locations."""

    by_lsoa: Concentration
    repeat_locations: pd.DataFrame

    def as_dict(self) -> dict[str, Any]:
        c = self.by_lsoa
        return {
            "places": "LSOAs",
            "lsoas": c.places,
            "incidents": c.events,
            "lsoas_with_crime": c.places_with_crime,
            "top_shares": _records(c.top_shares),
            "share_of_places_for_half_of_crime": c.share_of_places_for_half_of_crime,
            "gini": c.gini,
            "gini_generalized": c.gini_generalized,
            "repeat_locations": _records(self.repeat_locations),
        }


def area_places(
    store: Store, area: Area, period: Period, *, geography: Geography, top: int = 20
) -> PlaceProfile:
    """Concentration over the area's LSOAs (zeros included) and top repeat locations."""
    lsoas = _lsoas_of(area, geography)
    counts = store.count_by(store_filter(area), period.start, period.end, ["lsoa_code"])
    per_lsoa = counts.set_index("lsoa_code")["count"].reindex(lsoas["code"], fill_value=0)
    frame = area_incidents(
        store, area, period.start, period.end, columns=("month", "location", "lsoa_code")
    )
    return PlaceProfile(
        concentration(per_lsoa.to_numpy()),
        repeat_locations(frame, by=["location", "lsoa_code"], top=top),
    )


def _lsoas_of(area: Area, geography: Geography) -> pd.DataFrame:
    lsoas = geography.lsoas
    if area.kind == "council":
        return lsoas[lsoas["council_code"] == area.code]
    if area.kind == "force":
        return lsoas[lsoas["council_code"].isin(geography.councils_in_force(area.code))]
    if area.kind == "lsoa":
        return lsoas[lsoas["code"] == area.code]
    raise InputError(
        f"'{area.name_en}' is from a loaded boundary layer, which has no population",
        hint="rates and LSOA profiles need a Welsh council or police force",
    )


@dataclass(frozen=True)
class RateProfile:
    """Rates per 1,000 residents: the area's LSOAs, its councils' standing, deprivation."""

    area: Area
    period: Period
    lsoas: pd.DataFrame
    councils: pd.DataFrame
    deprivation: DeprivationProfile

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "area": {"code": self.area.code, "name": self.area.name(lang)},
            "from": f"{self.period.start:%Y-%m}",
            "to": f"{self.period.end:%Y-%m}",
            "months": self.period.months,
            "per": 1000,
            "population": "ONS mid-2022 estimates",
            "lsoas": _records(self.lsoas),
            "councils": _records(self.councils),
            "deprivation": _records(self.deprivation.table),
            "method": "exact Poisson (Garwood) 95% intervals; funnel limits at 95% and 99.8% "
            "around the rate of the councils compared (Spiegelhalter 2005)",
        }


def area_rates(
    store: Store, area: Area, period: Period, *, geography: Geography, category: str | None = None
) -> RateProfile:
    """Crimes per 1,000 residents (mid-2022 population) over the whole period.

    Councils are compared with the others of the same force on a funnel plot (all the
    Welsh councils for which data is loaded when the area is a force).
    """
    from diogel.analysis.rates import rate_per_1000

    lsoas = _lsoas_of(area, geography)
    counts = store.count_by(store_filter(area), period.start, period.end, ["lsoa_code", "category"])
    if category is not None:
        counts = counts[counts["category"] == category]
    per_lsoa = counts.groupby("lsoa_code")["count"].sum().reindex(lsoas["code"], fill_value=0)
    rates = rate_per_1000(per_lsoa.to_numpy(), lsoas["population"].to_numpy())
    lsoa_table = pd.DataFrame(
        {
            "code": lsoas["code"].to_numpy(),
            "name": lsoas["name_en"].to_numpy(),
            "count": per_lsoa.to_numpy(),
            "population": lsoas["population"].to_numpy(),
            "rate": rates.rate,
            "lower": rates.lower,
            "upper": rates.upper,
            "wimd_decile": lsoas["wimd_decile"].to_numpy(),
        }
    ).sort_values("rate", ascending=False, ignore_index=True)
    force = area.code if area.kind == "force" else None
    if force is None:
        match = geography.councils[geography.councils["code"] == _council_of(area, geography)]
        force = str(match["force"].iloc[0])
    peers = geography.councils[geography.councils["force"] == force]
    council_counts = []
    for code in peers["code"]:
        got = store.count_by(AreaFilter("council", str(code)), period.start, period.end,
                             ["category"])  # fmt: skip
        if category is not None:
            got = got[got["category"] == category]
        council_counts.append(int(got["count"].sum()))
    populations = geography.lsoas.groupby("council_code")["population"].sum()
    funnel = funnel_compare(
        pd.Series(council_counts, index=peers["code"].to_numpy()),
        populations.reindex(peers["code"]).to_numpy(),
    )
    funnel.insert(0, "name", peers["name_en"].to_numpy())
    funnel.insert(0, "code", peers["code"].to_numpy())
    deprivation = by_deprivation_decile(per_lsoa, lsoas[["code", "population", "wimd_decile"]])
    return RateProfile(area, period, lsoa_table, funnel.reset_index(drop=True), deprivation)


def _council_of(area: Area, geography: Geography) -> str:
    if area.kind == "council":
        return area.code
    if area.kind in BUILT_IN:
        lsoas = geography.lsoas
        return str(lsoas.loc[lsoas["code"] == area.code, "council_code"].iloc[0])
    raise InputError(f"'{area.name_en}' is not in a Welsh council", hint="name a council")
