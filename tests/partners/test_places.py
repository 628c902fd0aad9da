"""Place matching: rules on a small gazetteer, and precision/recall on labelled messy strings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from diogel.ingest.partners.place_text import normalise_place, street_level
from diogel.ingest.partners.places import Gazetteer
from tests.partners.conftest import DATA, VENUES

#: Floors for the labelled sets (measured: see the printed figures).
PRECISION_FLOOR = 0.97
RECALL_FLOOR = 0.90


def test_normalising_folds_abbreviations_numbers_and_postcodes() -> None:
    assert normalise_place("Saint Mary Street") == normalise_place("St. Mary St") == "st mary st"
    assert normalise_place("Flat 2, 14b Cowbridge Road East CF11 9AB") == "cowbridge rd e"
    assert street_level("Flat 2, 14b Cowbridge Road East, CF11 9AB") == "Cowbridge Road East"


@pytest.fixture
def small() -> Gazetteer:
    streets = pd.DataFrame(
        {
            "location": [
                "On or near High Street",
                "On or near High Street",
                "On or near Queen Street",
                "On or near Parking Area",
                "On or near Castle Road",
            ],
            "x": [0.0, 5000.0, 1000.0, 1000.0, 2000.0],
            "y": [0.0, 0.0, 0.0, 50.0, 0.0],
        }
    )
    venues = pd.DataFrame(
        {"name": ["The Anchor"], "aliases": ["Anchor pub"], "x": [1010.0], "y": [5.0]}
    )
    return Gazetteer.from_police_locations(
        streets, venues=venues, drop_words=["Newport"], elsewhere=["Cardiff"]
    )


@pytest.mark.parametrize(
    ("text", "status", "place"),
    [
        ("QUEEN ST NEWPORT", "matched", "Queen Street"),
        ("o/s anchor pub, queen st", "matched", "The Anchor"),
        ("High Street", "review", None),  # two High Streets 5 km apart
        ("Queen Street Cardiff", "review", None),  # names another area
        ("Castle St", "review", None),  # similar to Castle Road, not the same
        ("parking area", "unmatched", None),  # police.uk's generic places are left out
        ("home address", "unmatched", None),
        ("", "blank", None),
    ],
)
def test_rules(small: Gazetteer, text: str, status: str, place: str | None) -> None:
    found = small.match_one(text)
    assert (found.status, found.place) == (status, place), found.reason


def _measure(gazetteer: Gazetteer, labelled: Path) -> tuple[float, float, int, int]:
    truth = pd.read_csv(labelled, keep_default_na=False)
    found = gazetteer.match(truth["text"].tolist())
    right = wrong = missed = 0
    for expected, (_, row) in zip(truth["expected"], found.iterrows(), strict=True):
        ok = {e for e in expected.split("|") if e}
        if row["status"] == "matched":
            right += row["place"] in ok
            wrong += row["place"] not in ok
        elif ok:
            missed += 1
    return (
        right / (right + wrong),
        right / (right + missed),
        len(truth),
        int((found["status"] == "review").sum()),
    )


@pytest.mark.shared_data
@pytest.mark.parametrize("labelled", ["places_cardiff_labelled.csv", "places_cardiff_heldout.csv"])
def test_precision_and_recall_on_labelled_cardiff_places(cardiff_db: Path, labelled: str) -> None:
    """The gazetteer is Cardiff's police.uk streets (South Wales Police, Oct 2018 - Feb 2019)
    plus the example venue list. The first set was used while building the matcher; the
    second was written afterwards and not tuned on."""
    from diogel.geography import Geography
    from diogel.hub_partners import build_gazetteer
    from diogel.storage import open_store

    store = open_store(str(cardiff_db), read_only=True)
    try:
        geo = Geography.bundled()
        gazetteer = build_gazetteer(store, geo, geo.resolve_area("Cardiff"), VENUES)
    finally:
        store.close()
    assert gazetteer is not None
    precision, recall, n, review = _measure(gazetteer, DATA / labelled)
    print(
        f"\n{labelled}: {n} strings, precision {precision:.3f}, recall {recall:.3f}, "
        f"{review} sent to review"
    )
    assert precision >= PRECISION_FLOOR
    assert recall >= RECALL_FLOOR
