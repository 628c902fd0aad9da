"""Reading rows with a mapping: every row stored or rejected with a reason, nothing raw kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diogel.errors import ConfigError, InputError
from diogel.geography import Geography
from diogel.ingest.partners.mapping_toml import load_mapping, parse_mapping
from diogel.ingest.partners.places import Gazetteer
from diogel.ingest.partners.pseudonym import PseudonymKey
from diogel.ingest.partners.reader import EVENT_COLUMNS, read_partner
from diogel.ingest.partners.tables import read_partner_file

TODAY = dt.date(2025, 1, 1)
ISTV_HEADER = (
    "Attendance Identifier,Site Code,Reporting Period,Attendance Date,Arrival Time,Incident Date,"
    "Incident Time,Incident Location Type,Incident Location Description,Primary Means of Assault"
)
#: One row per case; the comment says what must happen to it.
ISTV_ROWS = [
    "ED1,7A4BV,2024-03,01/03/2024,23:50,01/03/2024,23:10,Street/Public Place,o/s Walkabout St Mary St,01",  # stored, placed at the venue
    "ED2,7A4BV,2024-03,02/03/2024,02:00,,,Home,home,Body part",  # stored: date from attendance, no time, no place
    "ED3,7A4BV,2024-03,02/03/2024,03:00,31/02/2024,01:00,Home,,01",  # rejected: no such date
    "ED4,7A4BV,2024-03,02/03/2024,03:00,02/03/2024,25:61,Home,,01",  # rejected: no such time
    "ED5,7A4BV,2024-03,01/03/2024,03:00,02/03/2024,01:00,Home,,01",  # rejected: attended before it happened
    "ED6,7A4BV,2024-03,02/03/2024,03:00,02/03/2024,01:00,Home,,Spoon",  # rejected: unknown weapon
    "ED7,7A4BV,2024-03,02/03/2024,03:00,02/03/2024,01:00,Pub garden,,01",  # rejected: unknown location type
    ",7A4BV,2024-03,02/03/2024,03:00,02/03/2024,01:00,Home,,01",  # rejected: no record identifier
    "ED1,7A4BV,2024-03,02/03/2024,03:00,02/03/2024,01:00,Home,,01",  # rejected: ED1 again
    "ED8,7A4BV,2030-03,02/03/2030,03:00,02/03/2030,01:00,Home,,01",  # rejected: in the future
    "ED9,7A4BV,2024-03,03/03/2024,03:00,03/03/2024,02:30,Street,Quen Stret,",  # stored; place for review; blank weapon is 'not known'
    "ED10,7A4BV",  # rejected: too few fields (withheld)
]


@pytest.fixture
def gazetteer() -> Gazetteer:
    return Gazetteer(
        pd.DataFrame(
            {
                "name": ["St Mary Street", "Queen Street", "Walkabout"],
                "kind": ["street", "street", "venue"],
                "x": [318110.0, 318400.0, 318120.0],
                "y": [176200.0, 176600.0, 176210.0],
            }
        ),
        drop_words=["Cardiff"],
    )


def _read(tmp_path: Path, key: PseudonymKey, gazetteer: Gazetteer, text: str, mapping="istv"):  # type: ignore[no-untyped-def]
    path = tmp_path / "file.csv"
    path.write_text(text, encoding="utf-8")
    return read_partner(
        read_partner_file(path),
        load_mapping(mapping) if isinstance(mapping, str) else mapping,
        key=key,
        geography=Geography.bundled(),
        gazetteer=gazetteer,
        today=TODAY,
    )


def test_every_istv_row_is_stored_or_rejected_with_its_reason(
    tmp_path: Path, key: PseudonymKey, gazetteer: Gazetteer
) -> None:
    read = _read(tmp_path, key, gazetteer, "\n".join([ISTV_HEADER, *ISTV_ROWS]) + "\n")
    assert read.rows_in == len(ISTV_ROWS) == read.accepted + read.rejected
    assert read.accepted == 3
    reasons = dict(zip(read.rejects["line"], read.rejects["reason"], strict=True))
    assert reasons == {
        4: "date '31/02/2024' is not a date in the form %d/%m/%Y or %Y-%m-%d",
        5: "time '25:61' is not a time in the form %H:%M or %H:%M:%S or %H%M",
        6: "'Attendance Date' 01/03/2024 is before the date of the incident",
        7: "weapon 'Spoon' is not in the mapping's [attributes.weapon] map",
        8: "location type 'Pub garden' is not in the mapping's [attributes.location_type] map",
        9: "no record identifier in 'Attendance Identifier'",
        10: "the same record identifier as line 2 (a row cannot be sent twice in one file)",
        11: "date '02/03/2030' is in the future",
        13: "has 2 fields, expected 10",
    }
    rows = read.rows.set_index("line")
    assert list(read.rows.columns) == list(EVENT_COLUMNS)
    assert rows.loc[2, "occurred_at"] == pd.Timestamp("2024-03-01 23:10")
    assert rows.loc[2, "reported_at"] == pd.Timestamp("2024-03-01 23:50")
    assert (rows.loc[2, "place"], rows.loc[2, "location_method"]) == ("Walkabout", "gazetteer")
    assert rows.loc[2, "council_code"] == "W06000015"  # the point is in Cardiff
    assert (rows.loc[2, "weapon"], rows.loc[2, "location_type"]) == (
        "body-part",
        "street-or-public-place",
    )
    assert rows.loc[3, "occurred_on"] == dt.date(2024, 3, 2) and pd.isna(rows.loc[3, "occurred_at"])
    assert not rows.loc[3, "has_location"] and rows.loc[3, "location_method"] == "unmatched"
    assert rows.loc[12, "location_method"] == "review" and not rows.loc[12, "has_location"]
    assert rows.loc[12, "weapon"] == "not-known"
    assert read.reviews[["line", "candidate"]].values.tolist() == [[12, "Queen Street"]]
    assert set(rows["theme"]) == {"violence"}


def test_rejected_rows_keep_no_identifier_and_no_unmapped_column(
    tmp_path: Path, key: PseudonymKey, gazetteer: Gazetteer
) -> None:
    header = ISTV_HEADER + ",Patient Name"
    rows = [r + ",Jane Roe" for r in ISTV_ROWS[:-1]]
    read = _read(tmp_path, key, gazetteer, "\n".join([header, *rows, "ED10,only"]) + "\n")
    text = " ".join(read.rejects["raw"])
    assert "[pseudonymised]" in text
    for secret in ("ED3", "ED4", "ED5", "ED10", "Jane Roe"):
        assert secret not in text
    assert read.rejects.loc[read.rejects["line"] == 13, "raw"].item().startswith("[row withheld")
    stored = read.rows.astype(str).to_numpy().ravel().tolist()
    assert not any(s in ("ED1", "ED2", "ED9") for s in stored)
    assert read.rows["record_key"].tolist() == [
        key.pseudonym(i, "record") for i in ("ED1", "ED2", "ED9")
    ]


def test_a_missing_column_stops_the_file_before_any_row(
    tmp_path: Path, key: PseudonymKey, gazetteer: Gazetteer
) -> None:
    with pytest.raises(InputError, match=r"column 'Incident Time' is not in 'file\.csv'"):
        _read(tmp_path, key, gazetteer, ISTV_HEADER.replace(",Incident Time", "") + "\n")


def test_identifiers_need_a_key(tmp_path: Path, gazetteer: Gazetteer) -> None:
    path = tmp_path / "f.csv"
    path.write_text(ISTV_HEADER + "\n" + ISTV_ROWS[0] + "\n")
    with pytest.raises(ConfigError, match="need a pseudonym key"):
        read_partner(
            read_partner_file(path), load_mapping("istv"), key=None, geography=Geography.bundled()
        )


COORDS = """
name = "points"
agency = "council"
dedupe = "months"
[date]
column = "When"
formats = ["%Y-%m-%d %H:%M"]
[category]
column = "What"
map = { "Noise" = "anti-social-behaviour", "Fire" = "deliberate-fire" }
[location]
lon = "Lon"
lat = "Lat"
required = true
"""


def test_impossible_places_are_rejected_and_a_datetime_gives_the_time(
    tmp_path: Path, key: PseudonymKey
) -> None:
    mapping, problems = parse_mapping(COORDS)
    assert mapping is not None and not problems
    text = (
        "When,What,Lon,Lat\n"
        "2024-03-01 21:47,Noise,-3.1791,51.4816\n"  # stored, Cardiff
        "2024-03-01 21:47,noise,51.4816,-3.1791\n"  # rejected: the wrong way round
        "2024-03-01 21:47,Noise,-30.0,51.4816\n"  # rejected: mid-Atlantic
        "2024-03-01 21:47,Noise,west,51.48\n"  # rejected: not a number
        "2024-03-01 21:47,Noise,,\n"  # rejected: no place at all
        "2024-03-01 21:47,Flood,-3.1791,51.4816\n"  # rejected: unknown category
        "1970-01-01 00:00,Fire,-3.1791,51.4816\n"  # rejected: implausibly old
    )
    read = _read(tmp_path, key, None, text, mapping)  # type: ignore[arg-type]
    assert read.accepted == 1 and read.rejected == 6
    reasons = read.rejects["reason"].tolist()
    assert "look the wrong way round" in reasons[0]
    assert "is outside Great Britain" in reasons[1]
    assert "are not both numbers" in reasons[2]
    assert reasons[3] == "no location: 'Lon' and 'Lat' are all blank"
    assert reasons[4] == "category 'Flood' is not in the mapping's [category] map"
    assert "before 1990" in reasons[5]
    row = read.rows.iloc[0]
    assert row["occurred_at"] == pd.Timestamp("2024-03-01 21:47") and row["category"] == "Noise"
    assert row["council_code"] == "W06000015" and np.isfinite(row["x"])
