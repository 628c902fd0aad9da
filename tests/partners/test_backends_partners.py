"""Partner data on DuckDB and PostgreSQL: the same loads, replacements and Cardiff Model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from diogel.assess.cardiff import build_cardiff_model, full_report
from diogel.geography import Geography
from diogel.hub import load_police_uk
from diogel.hub_partners import load_partner_files
from diogel.ingest.partners.pseudonym import PseudonymKey
from diogel.periods import Period
from diogel.storage.partners import partner_datasets, place_reviews
from tests.partners.conftest import ASB_EXAMPLE, FIRE_EXAMPLE
from tests.partners.test_cardiff_model import ISTV, POLICE, VENUES, _fill

TODAY = dt.date(2025, 1, 1)


def test_loads_and_replacements_on_each_backend(
    store: Any, key: PseudonymKey, tmp_path: Path
) -> None:
    copy = tmp_path / "same-bytes.csv"
    copy.write_bytes(FIRE_EXAMPLE.read_bytes())
    first = load_partner_files(store, [FIRE_EXAMPLE, copy], "fire", key=key, today=TODAY)
    assert [f.accepted for f in first.files] == [46, 0]  # the second is the same file
    frame = pd.read_csv(FIRE_EXAMPLE, dtype=str, keep_default_na=False)
    frame.loc[0, "Property Type"] = "Dwelling"
    resent = tmp_path / "fire-resent.csv"
    frame.to_csv(resent, index=False)
    again = load_partner_files(store, [resent], "fire", key=key, today=TODAY)
    assert again.files[0].replaced == 46
    summary = partner_datasets(store)
    assert summary[["dataset", "events", "files"]].values.tolist() == [["partner:fire", 46, 1]]
    files = store.files()
    assert files["name"].tolist()[-1] == "fire-resent.csv"
    rejects = store.rejects(str(again.files[0].file_id))
    assert len(rejects) == 4 and "Spaceship" in " ".join(rejects["reason"])
    asb = load_partner_files(store, [ASB_EXAMPLE], "asb", key=key, today=TODAY)
    assert asb.accepted == 74 and any("cannot be matched" in w for w in asb.warnings)
    assert place_reviews(store).empty


def test_the_cardiff_model_on_each_backend(store: Any, key: PseudonymKey, tmp_path: Path) -> None:
    police = tmp_path / "2024-03-south-wales-street.csv"
    police.write_text(_fill(POLICE), encoding="utf-8")
    load_police_uk(store, [police])
    (tmp_path / "venues.csv").write_text(_fill(VENUES), encoding="utf-8")
    istv = tmp_path / "istv.csv"
    istv.write_text(
        ISTV.replace("Licensed Premises (pub, club, bar)", '"Licensed Premises (pub, club, bar)"'),
        encoding="utf-8",
    )
    load_partner_files(
        store, [istv], "istv", key=key, area="Cardiff", venues=tmp_path / "venues.csv", today=TODAY
    )
    geo = Geography.bundled()
    model = build_cardiff_model(
        store, geo.resolve_area("Cardiff"), Period.parse("2024-03", "2024-03"), geography=geo
    )
    report = full_report(model)
    assert report["a_and_e_assaults"] == 8
    assert (report["unseen_violence"]["placed"], report["unseen_violence"]["unseen"]) == (6, 2)
    assert sum(map(sum, report["hour_by_day"]["counts"])) == 7
