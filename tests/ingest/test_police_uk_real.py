"""The police.uk load against every real file in ../shared/data/police-uk."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from diogel.hub import load_police_uk
from diogel.ingest.police_uk import read_police_uk
from diogel.schema import POLICE_UK_CATEGORIES
from tests.conftest import POLICE_UK, data_rows

pytestmark = pytest.mark.shared_data

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _all_csvs() -> list[Path]:
    return sorted(POLICE_UK.rglob("*.csv")) if POLICE_UK.is_dir() else []


def _independent_street_count(path: Path) -> tuple[int, int]:
    """Data rows and valid rows, counted with the csv module and the published rules."""
    rows = valid = 0
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for r in reader:
            rows += 1
            if len(r) != 12 or not MONTH.match(r[1]) or r[9] not in POLICE_UK_CATEGORIES:
                continue
            lon, lat = r[4], r[5]
            if lon == "" and lat == "":
                valid += 1
                continue
            try:
                x, y = float(lon), float(lat)
            except ValueError:
                continue
            valid += -8.75 <= x <= 2.0 and 49.8 <= y <= 60.95
    return rows, valid


@pytest.mark.parametrize("path", _all_csvs(), ids=lambda p: str(p.relative_to(POLICE_UK)))
def test_every_file_rows_in_equals_accepted_plus_rejected(path: Path) -> None:
    parsed = read_police_uk(path.read_bytes(), path.name, path.name)
    assert parsed.rows_in == parsed.accepted + parsed.rejected
    assert parsed.rows_in == data_rows(path)
    if parsed.kind == "street":
        assert (parsed.rows_in, parsed.accepted) == _independent_street_count(path)


def test_gwent_2023_council_totals_match_lsoa_names(store) -> None:
    from diogel.assess.summary import summarise
    from diogel.geography import Geography
    from diogel.periods import Period

    files = sorted((POLICE_UK / "street" / "gwent").glob("2023-*-gwent-street.csv"))
    report = load_police_uk(store, files)
    assert report.rejected == 0
    by_name: Counter[str] = Counter()
    for f in files:
        with f.open(encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh):
                by_name[r["LSOA name"].rsplit(" ", 1)[0]] += 1
    geo = Geography.bundled()
    for code in geo.councils_in_force("gwent"):
        area = geo.resolve_area(code)
        total = summarise(store, area, Period.parse("2023-01", "2023-12")).total
        assert total == by_name[area.name_en], area.name_en
    assert by_name["Newport"] == 20961


def test_reloading_changes_nothing_and_a_newer_download_updates_outcomes(store) -> None:
    old = sorted((POLICE_UK / "vintage-comparison").rglob("*.csv"))
    new = [POLICE_UK / "street" / "gwent" / p.name for p in old]
    load_police_uk(store, old)
    before = store.files()
    count = store.query_rows("SELECT COUNT(*) FROM incidents")[0][0]
    again = load_police_uk(store, old)
    assert all(f.skipped for f in again.files)
    assert store.query_rows("SELECT COUNT(*) FROM incidents")[0][0] == count
    assert len(store.files()) == len(before)

    def outcomes_of(paths: list[Path]) -> dict[str, str]:
        out = {}
        for p in paths:
            with p.open(encoding="utf-8-sig", newline="") as fh:
                for r in csv.DictReader(fh):
                    if r["Crime ID"]:
                        out[r["Crime ID"]] = r["Last outcome category"]
        return out

    old_outcomes, new_outcomes = outcomes_of(old), outcomes_of(new)
    changed = {k for k in new_outcomes if old_outcomes.get(k) != new_outcomes[k]}
    assert len(changed) > 1000  # the newer download moved many outcomes on

    load_police_uk(store, new)
    stored = dict(store.query_rows("SELECT crime_id, outcome FROM incidents WHERE crime_id <> ''"))
    assert stored == new_outcomes
    # the replaced snapshots are gone: one row per published row, no duplicates
    published = sum(data_rows(p) for p in new)
    assert store.query_rows("SELECT COUNT(*) FROM incidents")[0][0] == published


def test_outcomes_files_update_last_outcome_from_the_latest_month(store) -> None:
    street = [
        POLICE_UK / "vintage-comparison" / "gwent-morshedagithub" / "2022-07-gwent-street.csv"
    ]
    outcomes = sorted((POLICE_UK / "outcomes" / "gwent").glob("*.csv"))
    load_police_uk(store, street)
    report = load_police_uk(store, outcomes)
    assert report.outcomes_updated > 0
    latest: dict[str, tuple[str, str]] = {}
    for p in outcomes:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh):
                key = r["Crime ID"]
                if key and (key not in latest or r["Month"] >= latest[key][0]):
                    latest[key] = (r["Month"], r["Outcome type"])
    rows = store.query_rows(
        "SELECT crime_id, outcome, outcome_month FROM incidents WHERE crime_id <> ''"
    )
    checked = 0
    for crime_id, outcome, month in rows:
        if crime_id in latest:
            assert outcome == latest[crime_id][1]
            assert month == dt.date.fromisoformat(latest[crime_id][0] + "-01")
            checked += 1
    assert checked > 1000
