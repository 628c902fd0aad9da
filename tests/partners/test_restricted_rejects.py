"""Rejected rows of partner files are restricted data: the web app's reads are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from diogel.errors import AccessDenied
from diogel.hub import load_police_uk
from diogel.hub_partners import load_partner_files
from diogel.ingest.partners.pseudonym import PseudonymKey
from tests.conftest import POLICE_UK

pytestmark = pytest.mark.shared_data

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "partners"


def test_partner_rejects_need_the_operator(store, key: PseudonymKey) -> None:  # type: ignore[no-untyped-def]
    police = load_police_uk(store, [POLICE_UK / "street" / "gwent" / "2024-01-gwent-street.csv"])
    partner = load_partner_files(
        store,
        [EXAMPLE / "istv-synthetic-cardiff-2018-10-to-2019-02.csv"],
        "istv",
        key=key,
        area="Cardiff",
    )
    partner_file = next(f for f in partner.files if f.rejected)
    # the operator of the store (the CLI) sees the partner's rejected rows
    assert len(store.rejects(str(partner_file.file_id))) == partner_file.rejected
    # a person, as the web app asks, does not
    with pytest.raises(AccessDenied, match="restricted data"):
        store.rejects(str(partner_file.file_id), open_only=True)
    with pytest.raises(AccessDenied):
        store.rejects("partner:istv", open_only=True)
    # open police.uk data stays readable
    police_id = police.files[0].file_id
    assert store.rejects(str(police_id), open_only=True).empty
