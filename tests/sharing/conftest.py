"""A small sharing world on each backend: two partnerships, a health board's A&E dataset."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from diogel.sharing.agreements import add_agreement, parse_agreement
from diogel.sharing.registry import add_agency, add_member, add_partnership, set_dataset_policy

NEWPORT, CARDIFF = "W06000022", "W06000015"
ISTV = "partner:istv"
#: The moment tests read at: the agreement below is in force.
NOW = dt.datetime(2024, 6, 1, 12, 0)
#: Audit entries `build_world` writes: four memberships, the dataset's policy and the
#: agreement (every change to who may read what is audited).
WORLD_ENTRIES = 6


def agreement_spec(**changes: Any) -> dict[str, Any]:
    """A WASPI-style data disclosure agreement: the health board shares A&E assaults with
    the Newport CSP only."""
    spec: dict[str, Any] = {
        "id": "abuhb-istv-newport",
        "title": "A&E assault data for the Newport CSP",
        "purpose": "Cardiff Model violence prevention in Newport",
        "legal_basis": "Crime and Disorder Act 1998 s.115; UK GDPR Art 6(1)(e); Art 9(2)(g)",
        "level": "record",
        "starts": dt.date(2024, 1, 1),
        "review": dt.date(2024, 12, 1),
        "expires": dt.date(2025, 1, 1),
        "retention_days": 365,
        "areas": [NEWPORT, CARDIFF],
        "parties": [
            {"kind": "agency", "id": "abuhb", "role": "provider"},
            {"kind": "partnership", "id": "newport-csp", "role": "recipient"},
        ],
        "datasets": [{"name": ISTV, "fields": ["month", "category", "council_code", "x", "y"]}],
        "signatories": [
            {"name": "Data Protection Officer", "agency": "abuhb", "signed": "2023-12-01"}
        ],
    }
    spec.update(changes)
    return spec


def events(seed: int = 1) -> pd.DataFrame:
    """A&E assaults in Newport and Cardiff, Jan 2023 to Mar 2024, with many small counts."""
    rng = np.random.default_rng(seed)
    rows = []
    months = pd.date_range("2023-01-01", "2024-03-01", freq="MS").date
    for council in (NEWPORT, CARDIFF):
        for month in months:
            for category in ("assault", "sexual assault", "weapon"):
                for _ in range(int(rng.integers(0, 9))):
                    rows.append((council, month, category))
    frame = pd.DataFrame(rows, columns=["council_code", "month", "category"])
    n = len(frame)
    return frame.assign(
        dataset=ISTV, agency="abuhb", theme="violence", occurred_on=frame["month"],
        has_time=False, location_method="lsoa", has_location=True, synthetic=True,
        x=rng.uniform(300000, 330000, n), y=rng.uniform(170000, 190000, n),
        record_key=[f"r{i}" for i in range(n)], person_key=[f"p{i % 40}" for i in range(n)],
        file_id=1, line=np.arange(1, n + 1),
    )  # fmt: skip


def build_world(store: Any, **agreement: Any) -> pd.DataFrame:
    """Register agencies, partnerships, people, the dataset and the agreement; load events."""
    add_agency(store, "abuhb", "Aneurin Bevan University Health Board", "health-board")
    add_agency(store, "gwent-police", "Gwent Police", "police")
    add_partnership(store, "newport-csp", "Safer Newport", "csp", [NEWPORT])
    add_partnership(store, "cardiff-csp", "Community Safety Cardiff", "csp", [CARDIFF])
    add_member(store, "alice", "partnership", "newport-csp", "analyst")
    add_member(store, "vic", "partnership", "newport-csp", "viewer")
    add_member(store, "bob", "partnership", "cardiff-csp", "analyst")
    add_member(store, "hana", "agency", "abuhb", "analyst")
    set_dataset_policy(store, ISTV, "abuhb", "special")
    add_agreement(store, parse_agreement(agreement_spec(**agreement)), now=NOW)
    frame = events()
    store.insert_frame("partner_events", frame)
    return frame


@pytest.fixture
def world(store: Any) -> Any:
    build_world(store)
    return store
