"""The Cardiff Model for an area and period: A&E assaults beside police-recorded violence.

``build_cardiff_model`` reads the area's A&E assault records (partner events from health
agencies with the theme ``violence``) and police.uk violence, and computes the hour-by-day
table, the weapon and location-type profiles, the share of A&E assaults at places with no
police-recorded violence, and combined hot spots. ``shared_report`` turns that into the
report partners exchange, with small numbers suppressed; ``full_report`` is the data
holder's own unsuppressed view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd
import shapely

from diogel.analysis.cardiff import (
    DAYS,
    UNSEEN_RADIUS,
    HourDayTable,
    UnseenViolence,
    cell_sources,
    combined_points,
    hour_by_day,
    profile,
    unseen_violence,
)
from diogel.analysis.hotspots import HotspotResult, hotspot_gistar
from diogel.analysis.suppression import K, suppress_counts, suppress_table
from diogel.assess.areas import BUILT_IN, area_incidents
from diogel.assess.hotspots import area_boundary
from diogel.errors import DiogelError, InputError
from diogel.geography import Area, Geography
from diogel.i18n import Translator, translator
from diogel.ingest.partners.vocab import LOCATION_TYPES, POLICE_VIOLENCE, WEAPONS
from diogel.periods import Period
from diogel.storage import Store
from diogel.storage.partners import partner_events

#: Cell side (metres) of the combined hot spot map, as in the assessment's maps.
CELL_SIZE: Final = 250.0
#: Hours per band of the shared hour-by-day table (24 single hours would hide most cells).
HOUR_BAND: Final = 3
_COLUMNS = (
    "dataset",
    "agency",
    "theme",
    "occurred_on",
    "occurred_at",
    "x",
    "y",
    "place",
    "weapon",
    "location_type",
    "synthetic",
)
_OGL = "Contains public sector information licensed under the Open Government Licence v3.0."


@dataclass(frozen=True)
class CardiffModel:
    """The Cardiff Model figures for one area and period (see :func:`build_cardiff_model`)."""

    area: Area
    period: Period
    assaults: pd.DataFrame
    police: pd.DataFrame
    hours: HourDayTable
    weapons: pd.DataFrame
    location_types: pd.DataFrame
    unseen: UnseenViolence
    hotspots: HotspotResult | None
    cells: pd.DataFrame
    datasets: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def synthetic(self) -> int:
        """A&E records that are synthetic test data, not real patients."""
        return int(self.assaults["synthetic"].fillna(False).astype(bool).sum())


def area_codes(area: Area, geography: Geography) -> list[str] | None:
    """Codes partner events of an area are selected by (None: filter by polygon)."""
    if area.kind == "council" or area.kind == "lsoa":
        return [area.code]
    if area.kind == "force":
        return [*geography.councils_in_force(area.code), area.code]
    return None


def area_partner_events(
    store: Store,
    area: Area,
    period: Period,
    geography: Geography,
    *,
    columns: Sequence[str] = _COLUMNS,
    **filters: Any,
) -> pd.DataFrame:
    """Partner events of an area and period; for a loaded boundary layer, those inside it."""
    codes = area_codes(area, geography)
    wanted = list(dict.fromkeys([*columns, "x", "y"]))
    events = partner_events(
        store, period.start, period.end, area_codes=codes, columns=wanted, **filters
    )
    if codes is None and area.kind not in BUILT_IN:
        polygon = area_boundary(store, area, geography)
        inside = shapely.contains_xy(
            polygon, events["x"].to_numpy(float), events["y"].to_numpy(float)
        )
        events = events[inside]
    return events[list(columns)].reset_index(drop=True)


def build_cardiff_model(
    store: Store,
    area: Area,
    period: Period,
    *,
    geography: Geography | None = None,
    datasets: Sequence[str] | None = None,
    radius: float = UNSEEN_RADIUS,
    cell_size: float = CELL_SIZE,
) -> CardiffModel:
    """The Cardiff Model for ``area`` in ``period``.

    Raises
    ------
    InputError
        When no A&E assault records are loaded for the area and period.
    """
    geo = geography or Geography.bundled()
    filters: dict[str, Any] = {"themes": ["violence"]}
    filters.update({"datasets": list(datasets)} if datasets else {"agencies": ["health"]})
    assaults = area_partner_events(store, area, period, geo, **filters)
    if assaults.empty:
        raise InputError(
            f"no A&E assault records for {area.name_en} in {period.label}",
            hint="load them with 'diogel ingest partner --mapping istv --area "
            f"\"{area.name_en}\" FILE' (or make a synthetic file with 'diogel partner-data "
            "generate-istv')",
        )
    police = area_incidents(
        store, area, period.start, period.end, columns=("category", "x", "y", "location")
    )
    police = police[police["category"].isin(POLICE_VIOLENCE)].reset_index(drop=True)
    notes: list[str] = []
    if police.empty:
        notes.append(
            f"no police.uk violence is loaded for {area.name_en} in {period.label}: every "
            "placed A&E assault counts as unseen by the police"
        )
    stamps = pd.to_datetime(assaults["occurred_at"])
    hotspots, cells = _hotspots(store, area, geo, assaults, police, cell_size, notes)
    return CardiffModel(
        area=area,
        period=period,
        assaults=assaults,
        police=police,
        hours=hour_by_day(stamps),
        weapons=profile(assaults["weapon"], WEAPONS, missing="not-known"),
        location_types=profile(assaults["location_type"], LOCATION_TYPES, missing="not-known"),
        unseen=unseen_violence(assaults, police, radius=radius),
        hotspots=hotspots,
        cells=cells,
        datasets=sorted(assaults["dataset"].unique()),
        notes=notes,
    )


def _hotspots(
    store: Store,
    area: Area,
    geo: Geography,
    assaults: pd.DataFrame,
    police: pd.DataFrame,
    cell_size: float,
    notes: list[str],
) -> tuple[HotspotResult | None, pd.DataFrame]:
    points = combined_points(assaults, police)
    if len(points) < 10:
        notes.append(f"only {len(points)} placed events: too few for a hot spot map")
        return None, pd.DataFrame()
    try:
        result = hotspot_gistar(
            points[["x", "y"]],
            cell_size=cell_size,
            boundary=area_boundary(store, area, geo),
            quiet=True,
        )
    except DiogelError as exc:
        notes.append(f"no hot spot map: {exc.message}")
        return None, pd.DataFrame()
    notes.extend(result.notes)
    sources = cell_sources(result, points)
    cells = result.cells[["cell_id", "x", "y", "count", "z_score", "p_value_adjusted", "class"]]
    cells = cells.assign(police=sources.get("police", 0), a_and_e=sources.get("a&e", 0))
    lon, lat = _wgs84(cells["x"].to_numpy(float), cells["y"].to_numpy(float))
    return result, cells.assign(lon=lon, lat=lat)


def _wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    # Cell centres also in longitude/latitude, for people putting the JSON on a web map.
    lon, lat = Transformer.from_crs(27700, 4326, always_xy=True).transform(x, y)
    return np.round(np.asarray(lon), 6), np.round(np.asarray(lat), 6)


# -- reports ---------------------------------------------------------------------------------


def banded(table: HourDayTable, hours: int) -> pd.DataFrame:
    """The hour-by-day counts in bands of ``hours`` hours ("00-02", "03-05", ...).

    Examples
    --------
    >>> t = hour_by_day(pd.to_datetime(["2024-03-01 23:10", "2024-03-02 01:05"]))
    >>> banded(t, 12).loc["12-23", "Friday"], banded(t, 12).loc["00-11", "Saturday"]
    (np.int64(1), np.int64(1))
    """
    if hours < 1 or 24 % hours:
        raise InputError(
            f"hour bands must divide the day; received {hours}", hint="use 1, 2, 3, 4, 6, 8 or 12"
        )
    labels = [f"{h:02d}-{h + hours - 1:02d}" for h in range(0, 24, hours)]
    grouped = table.counts.groupby(table.counts.index // hours).sum()
    grouped.index = pd.Index(labels, name="hours")
    return grouped


def _day_names(t: Translator) -> list[str]:
    names = {
        "Monday": t("Monday"),
        "Tuesday": t("Tuesday"),
        "Wednesday": t("Wednesday"),
        "Thursday": t("Thursday"),
        "Friday": t("Friday"),
        "Saturday": t("Saturday"),
        "Sunday": t("Sunday"),
    }
    return [names[d] for d in DAYS]


def value_labels(t: Translator) -> dict[str, str]:
    """Words for the weapon and location-type codes, in the translator's language."""
    return {
        "body-part": t("Body part (fist, foot, head)"),
        "blunt-object": t("Blunt object"),
        "glass-or-bottle": t("Glass or bottle"),
        "knife-or-sharp-object": t("Knife or sharp object"),
        "firearm": t("Firearm"),
        "other": t("Other"),
        "not-known": t("Not known"),
        "street-or-public-place": t("Street or public place"),
        "licensed-premises": t("Licensed premises"),
        "home": t("Home"),
        "workplace": t("Workplace"),
        "school-or-college": t("School or college"),
        "public-transport": t("Public transport"),
    }


def _hour_day_with_unknown(model: CardiffModel, hours: int) -> pd.DataFrame:
    """Banded hour-by-day counts plus a row of assaults whose time was not recorded."""
    table = banded(model.hours, hours)
    no_time = model.assaults[pd.to_datetime(model.assaults["occurred_at"]).isna()]
    days = pd.to_datetime(no_time["occurred_on"]).dt.day_of_week
    unknown = np.bincount(days.to_numpy(int), minlength=7)
    table.loc["unknown"] = unknown
    return table


def shared_report(
    model: CardiffModel, *, k: int = K, hours: int = HOUR_BAND, lang: str = "en"
) -> dict[str, Any]:
    """The report partners exchange: every A&E count from 1 to ``k - 1`` is hidden (null),
    with enough other cells hidden that totals cannot give them back."""
    t = translator(lang)
    labels = value_labels(t)
    table = _hour_day_with_unknown(model, hours)
    hd = suppress_table(table, k=k)
    weapons = suppress_counts(model.weapons.set_index("value")["count"], k=k)
    places = suppress_counts(model.location_types.set_index("value")["count"], k=k)
    u = model.unseen
    seen = suppress_counts(
        pd.Series({"seen": u.events - u.unseen, "unseen": u.unseen, "no_place": u.without_place}),
        k=k,
    )
    shown = seen.shown["count"]
    share = None
    if shown["seen"] is not None and shown["unseen"] is not None and u.events:
        share = round(u.unseen / u.events, 3)
    hidden = (
        hd.n_primary
        + hd.n_secondary
        + sum(s.n_primary + s.n_secondary for s in (weapons, places, seen))
    )
    return {
        **_header(model, lang),
        "suppression": {
            "k": k,
            "rule": t(
                "counts from 1 to {k1} are hidden, with other cells so that totals cannot "
                "reveal them",
                k1=k - 1,
            ),
            "cells_hidden": hidden,
        },
        "a_and_e_assaults": _int(hd.shown.iloc[-1, -1]),
        "hour_by_day": {
            "hours": [t("Time not recorded") if h == "unknown" else h for h in table.index]
            + [t("Total")],
            "days": [*_day_names(t), t("Total")],
            "counts": [[_int(v) for v in row] for row in hd.shown.to_numpy()],
        },
        "weapons": _profile_rows(weapons, labels, t),
        "location_types": _profile_rows(places, labels, t),
        "unseen_violence": {
            "radius_m": u.radius,
            "placed": None if shown["seen"] is None or shown["unseen"] is None else u.events,
            "unseen": _int(shown["unseen"]),
            "without_place": _int(shown["no_place"]),
            "share": share,
            "places": [
                {"place": p.place, "a_and_e": int(p.events)}
                for p in _records(u.places)
                if p.unseen and p.events >= k
            ][:10],
        },
        "combined_hotspots": _hot_cells(model, k),
    }


def full_report(model: CardiffModel, *, lang: str = "en") -> dict[str, Any]:
    """The data holder's unsuppressed view: single hours, every count, every place."""
    t = translator(lang)
    labels = value_labels(t)
    u = model.unseen
    day, hour, count = model.hours.peak()
    return {
        **_header(model, lang),
        "suppression": None,
        "a_and_e_assaults": len(model.assaults),
        "hour_by_day": {
            "hours": list(range(24)),
            "days": _day_names(t),
            "counts": model.hours.counts.to_numpy().tolist(),
            "without_time": model.hours.without_time,
            "peak": {"day": _day_names(t)[DAYS.index(day)], "hour": hour, "count": count},
        },
        "weapons": [
            {
                "code": r.value,
                "label": labels.get(r.value, r.value),
                "count": int(r.count),
                "share": _round(r.share),
            }
            for r in _records(model.weapons)
        ],
        "location_types": [
            {
                "code": r.value,
                "label": labels.get(r.value, r.value),
                "count": int(r.count),
                "share": _round(r.share),
            }
            for r in _records(model.location_types)
        ],
        "unseen_violence": {
            "radius_m": u.radius,
            "placed": u.events,
            "unseen": u.unseen,
            "without_place": u.without_place,
            "share": _round(u.share),
            "places": [
                {"place": p.place, "a_and_e": int(p.events), "police_nearby": int(p.police)}
                for p in _records(u.places)
                if p.unseen
            ][:20],
        },
        "combined_hotspots": _hot_cells(model, 1),
    }


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _round(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), 3)


def _header(model: CardiffModel, lang: str) -> dict[str, Any]:
    t = translator(lang)
    notes = list(model.notes)
    if model.synthetic:
        notes.insert(
            0,
            t(
                "{n} of the A&E records are synthetic test data, not real patients.",
                n=t.format_int(model.synthetic),
            ),
        )
    return {
        "area": {"code": model.area.code, "name": model.area.name(lang)},
        "from": f"{model.period.start:%Y-%m}",
        "to": f"{model.period.end:%Y-%m}",
        "datasets": model.datasets,
        "police_violence": len(model.police),
        "synthetic_records": model.synthetic,
        "notes": notes,
        "attribution": t(_OGL),
    }


def _profile_rows(table: Any, labels: dict[str, str], t: Translator) -> list[dict[str, Any]]:
    shown = table.shown["count"]
    total = shown.iloc[-1]
    rows = []
    for code, value in shown.items():
        share = None if value is None or total in (None, 0) else round(value / total, 3)
        label = t("Total") if code == "Total" else labels.get(str(code), str(code))
        rows.append({"code": code, "label": label, "count": _int(value), "share": share})
    return rows


def _hot_cells(model: CardiffModel, k: int) -> dict[str, Any]:
    if model.hotspots is None:
        return {"cells": [], "settings": None}
    hot = model.cells[model.cells["class"] == "hot"].sort_values("z_score", ascending=False)
    cells = []
    for c in _records(hot):
        small = 0 < c.a_and_e < k
        cells.append(
            {
                "cell_id": int(c.cell_id),
                "x": float(c.x),
                "y": float(c.y),
                "lon": float(c.lon),
                "lat": float(c.lat),
                "police": int(c.police),
                "a_and_e": None if small else int(c.a_and_e),
                "z_score": round(float(c.z_score), 2),
                "p_value_adjusted": float(c.p_value_adjusted),
            }
        )
    settings = {
        key: model.hotspots.settings[key] for key in ("cell_size", "neighbourhood", "adjustment")
    }
    return {"cells": cells, "settings": settings}


def _records(frame: pd.DataFrame) -> list[Any]:
    """Rows as named tuples, typed loosely (their fields are whatever the frame holds)."""
    return list(frame.itertuples(index=False))
