"""The Cardiff Model from the store equals hand calculations on a small file; the shared
report never shows a small number; dated partner events feed the Knox test."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from diogel.analysis.near_repeat import knox_test
from diogel.assess.cardiff import (
    build_cardiff_model,
    full_report,
    shared_report,
)
from diogel.assess.partner_section import partner_data_section, partner_near_repeat
from diogel.geography import Geography, to_bng
from diogel.hub import load_police_uk
from diogel.hub_partners import load_partner_files
from diogel.i18n import translator
from diogel.ingest.partners.pseudonym import PseudonymKey
from diogel.periods import Period
from diogel.storage import open_store

ST_MARY = (-3.1756, 51.4755)
QUEEN = (-3.1741, 51.4825)
FAR = (-3.1700, 51.5000)  # about 2 km north of both
POLICE = """Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context
a1,2024-03,South Wales Police,South Wales Police,{sm0},{sm1},On or near St Mary Street,,,Violence and sexual offences,,
a2,2024-03,South Wales Police,South Wales Police,{sm0},{sm1},On or near St Mary Street,,,Violence and sexual offences,,
a3,2024-03,South Wales Police,South Wales Police,{q0},{q1},On or near Queen Street,,,Violence and sexual offences,,
a4,2024-03,South Wales Police,South Wales Police,{f0},{f1},On or near Far Lane,,,Burglary,,
"""
ISTV = """Attendance Identifier,Site Code,Reporting Period,Attendance Date,Arrival Time,Incident Date,Incident Time,Incident Location Type,Incident Location Description,Primary Means of Assault
ED1,7A4BV,2024-03,01/03/2024,23:55,01/03/2024,23:10,Licensed Premises (pub, club, bar),Walkabout,Body part
ED2,7A4BV,2024-03,02/03/2024,00:20,01/03/2024,23:40,Street/Public Place,o/s Walkabout,Glass or bottle
ED3,7A4BV,2024-03,02/03/2024,02:00,02/03/2024,01:15,Street/Public Place,QUEEN ST,Body part
ED4,7A4BV,2024-03,02/03/2024,03:00,02/03/2024,02:05,Street/Public Place,Far Away Bar,Knife or other sharp object
ED5,7A4BV,2024-03,02/03/2024,03:30,02/03/2024,02:30,Street/Public Place,outside far away bar,Body part
ED6,7A4BV,2024-03,03/03/2024,04:00,03/03/2024,03:00,Home,home,Body part
ED7,7A4BV,2024-03,04/03/2024,10:00,04/03/2024,,Home,,Not known
ED8,7A4BV,2024-03,08/03/2024,23:00,08/03/2024,22:15,Licensed Premises (pub, club, bar),Walkabout,Body part
"""
VENUES = "name,longitude,latitude\nWalkabout,{sm0},{sm1}\nFar Away Bar,{f0},{f1}\n"
PERIOD = Period.parse("2024-03", "2024-03")


def _fill(text: str) -> str:
    return text.format(
        sm0=ST_MARY[0], sm1=ST_MARY[1], q0=QUEEN[0], q1=QUEEN[1], f0=FAR[0], f1=FAR[1]
    )


@pytest.fixture
def store(tmp_path: Path, key: PseudonymKey) -> Iterator[Any]:
    (tmp_path / "2024-03-south-wales-street.csv").write_text(_fill(POLICE), encoding="utf-8")
    (tmp_path / "venues.csv").write_text(_fill(VENUES), encoding="utf-8")
    s = open_store(str(tmp_path / "t.duckdb"))
    load_police_uk(s, [tmp_path / "2024-03-south-wales-street.csv"])
    yield s
    s.close()


def _load_istv(store: Any, tmp_path: Path, key: PseudonymKey) -> None:
    # The location type with commas is quoted as it would be in a real export.
    text = ISTV.replace(
        "Licensed Premises (pub, club, bar)", '"Licensed Premises (pub, club, bar)"'
    )
    (tmp_path / "istv.csv").write_text(text, encoding="utf-8")
    report = load_partner_files(
        store,
        [tmp_path / "istv.csv"],
        "istv",
        key=key,
        area="Cardiff",
        venues=tmp_path / "venues.csv",
        today=dt.date(2025, 1, 1),
    )
    assert report.accepted == 8 and report.rejected == 0


def test_figures_equal_hand_calculations(store: Any, tmp_path: Path, key: PseudonymKey) -> None:
    _load_istv(store, tmp_path, key)
    geo = Geography.bundled()
    model = build_cardiff_model(store, geo.resolve_area("Cardiff"), PERIOD, geography=geo)
    # 2024-03-01 is a Friday. By hand: Friday 23h twice (ED1, ED2), Saturday 01h (ED3),
    # Saturday 02h twice (ED4, ED5), Sunday 03h (ED6), Friday 22h (ED8); ED7 has no time.
    counts = model.hours.counts
    assert counts.to_numpy().sum() == 7 and model.hours.without_time == 1
    assert (
        counts.loc[23, "Friday"],
        counts.loc[22, "Friday"],
        counts.loc[1, "Saturday"],
        counts.loc[2, "Saturday"],
        counts.loc[3, "Sunday"],
    ) == (2, 1, 1, 2, 1)
    assert model.weapons.set_index("value")["count"].to_dict() == {
        "body-part": 5,
        "blunt-object": 0,
        "glass-or-bottle": 1,
        "knife-or-sharp-object": 1,
        "firearm": 0,
        "other": 0,
        "not-known": 1,
    }
    # Placed: ED1, ED2, ED8 (Walkabout, where the police recorded violence), ED3 (Queen
    # Street, likewise), ED4 and ED5 (Far Away Bar: only a burglary there) -> 2 of 6 unseen.
    u = model.unseen
    assert (u.events, u.unseen, u.without_place) == (6, 2, 2)
    assert u.share == pytest.approx(1 / 3)
    assert len(model.police) == 3
    full = full_report(model)
    assert full["unseen_violence"]["share"] == pytest.approx(0.333)
    assert full["hour_by_day"]["peak"] == {"day": "Friday", "hour": 23, "count": 2}
    assert full["combined_hotspots"]["cells"] == []  # 9 placed events: too few for a map
    assert any("too few for a hot spot map" in n for n in full["notes"])


def _numbers(value: Any, key: str = "") -> Iterator[tuple[str, int]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _numbers(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v, key)
    elif isinstance(value, int) and not isinstance(value, bool):
        yield key, value


#: Fields of the shared report that hold A&E counts (police counts are public data).
_AE_FIELDS = {"a_and_e_assaults", "counts", "count", "unseen", "without_place", "placed", "a_and_e"}


def _assert_no_small_numbers(report: dict[str, Any], k: int = 5) -> None:
    small = [(f, n) for f, n in _numbers(report) if f in _AE_FIELDS and 0 < n < k]
    assert not small, small


def test_the_shared_report_shows_no_small_number(
    store: Any, tmp_path: Path, key: PseudonymKey
) -> None:
    _load_istv(store, tmp_path, key)
    geo = Geography.bundled()
    model = build_cardiff_model(store, geo.resolve_area("Cardiff"), PERIOD, geography=geo)
    report = shared_report(model)
    _assert_no_small_numbers(report)
    assert report["a_and_e_assaults"] == 8  # the total, 8, may be shown
    assert report["unseen_violence"]["share"] is None  # 2 unseen: hidden, and so is the share
    weapons = {w["code"]: w["count"] for w in report["weapons"]}
    # 1 + 1 + 1 hidden would add up to 3 with the total shown, so the 5 goes too.
    assert weapons == {
        "body-part": None,
        "blunt-object": 0,
        "glass-or-bottle": None,
        "knife-or-sharp-object": None,
        "firearm": 0,
        "other": 0,
        "not-known": None,
        "Total": 8,
    }
    json.dumps(report)  # plain JSON


@pytest.mark.shared_data
def test_the_shared_report_on_the_synthetic_example_hides_small_numbers(
    cardiff_db: Path, tmp_path: Path, key: PseudonymKey
) -> None:
    from tests.partners.conftest import ISTV_EXAMPLE, VENUES, copy_db

    s = open_store(str(copy_db(cardiff_db, tmp_path)))
    try:
        load_partner_files(s, [ISTV_EXAMPLE], "istv", key=key, area="Cardiff", venues=VENUES)
        geo = Geography.bundled()
        for period in (Period.parse("2018-10", "2019-02"), Period.parse("2019-01", "2019-01")):
            model = build_cardiff_model(s, geo.resolve_area("Cardiff"), period, geography=geo)
            for k in (5, 8):
                _assert_no_small_numbers(shared_report(model, k=k), k)
            hd = shared_report(model)["hour_by_day"]["counts"]
            rows = [r for r in hd[:-1] if None not in r[:-1]]
            assert all(sum(r[:-1]) == r[-1] for r in rows)  # shown rows still add up
        full = full_report(model)
        assert full["combined_hotspots"]["cells"]
    finally:
        s.close()


def test_dated_partner_events_feed_the_knox_test(
    store: Any, tmp_path: Path, key: PseudonymKey
) -> None:
    _load_istv(store, tmp_path, key)
    geo = Geography.bundled()
    result = partner_near_repeat(
        store,
        geo.resolve_area("Cardiff"),
        PERIOD,
        geography=geo,
        distance_bands=(0, 100, 500),
        time_bands=(0, 1, 7),
        seed=3,
    )
    events = store.query(
        "SELECT x, y, occurred_on FROM partner_events WHERE has_location ORDER BY occurred_on, file_id, line"
    )
    direct = knox_test(
        events["x"].to_numpy(),
        events["y"].to_numpy(),
        pd.to_datetime(events["occurred_on"]).to_numpy(),
        distance_bands=(0, 100, 500),
        time_bands=(0, 1, 7),
        seed=3,
    )
    pd.testing.assert_frame_equal(result.table, direct.table)
    # By hand: ED1, ED2 (Walkabout, same day) and ED4, ED5 (Far Away Bar, same day) are
    # pairs 0 m and 0 days apart; ED1-ED8 and ED2-ED8 are 0 m and 7 days apart.
    first = result.table.iloc[0]
    assert (first["distance_to"], first["time_to"], first["observed"]) == (100.0, 1.0, 2)
    assert result.table.iloc[1]["observed"] == 2


def test_the_assessment_section_appears_with_partner_data_and_speaks_welsh(
    store: Any, tmp_path: Path, key: PseudonymKey
) -> None:
    geo = Geography.bundled()
    cardiff = geo.resolve_area("Cardiff")
    assert partner_data_section(store, cardiff, PERIOD, translator("en"), geo) is None
    _load_istv(store, tmp_path, key)
    cy = translator("cy")
    cy.misses.clear()
    section = partner_data_section(store, cardiff, PERIOD, cy, geo)
    assert section is not None and section.title == "Data partneriaid"
    assert cy.misses == set()
    assert "am Gaerdydd" in section.paragraphs[0]
    cardiff_part = section.subsections[0]
    table = cardiff_part.tables[0].frame
    shown = table.drop(columns=table.columns[0]).to_numpy().ravel()
    assert not any(v in {"1", "2", "3", "4"} for v in shown)


def test_no_assault_records_is_a_clear_error(store: Any) -> None:
    from diogel.errors import InputError

    geo = Geography.bundled()
    with pytest.raises(
        InputError, match="no A&E assault records for Cardiff in 2024-03 to 2024-03"
    ):
        build_cardiff_model(store, geo.resolve_area("Cardiff"), PERIOD, geography=geo)


def test_the_police_points_are_where_the_test_says(store: Any) -> None:
    x, y = to_bng([FAR[0], ST_MARY[0]], [FAR[1], ST_MARY[1]])
    assert np.hypot(x[0] - x[1], y[0] - y[1]) > 1000
