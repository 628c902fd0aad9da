"""Injection attempts in every parameter of the sharing functions change nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest

from diogel.errors import AccessDenied, DiogelError, InputError
from diogel.sharing import scoped
from diogel.sharing.agreements import parse_agreement, revoke_agreement, show_agreement
from diogel.sharing.audit import verify_audit
from diogel.sharing.registry import (
    add_agency,
    add_member,
    add_partnership,
    memberships,
    set_dataset_policy,
)
from diogel.storage.base import AreaFilter
from tests.sharing.conftest import ISTV, NEWPORT, NOW, agreement_spec

ATTACKS = [
    "x'; DROP TABLE share_audit; --",
    "' OR '1'='1",
    'partner:istv" OR 1=1 --',
    "W06000022') OR ('1'='1",
    "month, person_key",
    "1; DELETE FROM partner_events",
    "x\x00y",
]
S, E = dt.date(2023, 1, 1), dt.date(2024, 12, 1)


def _intact(store: Any, events: int) -> None:
    assert store.query_rows("SELECT COUNT(*) FROM partner_events")[0][0] == events
    assert store.query_rows("SELECT COUNT(*) FROM share_agreements")[0][0] == 1
    assert verify_audit(store).intact


@pytest.mark.parametrize("attack", ATTACKS)
def test_registry_parameters(world: Any, attack: str) -> None:
    n = world.query_rows("SELECT COUNT(*) FROM partner_events")[0][0]
    calls = [
        lambda: add_agency(world, attack, "Name", "police"),
        lambda: add_agency(world, "ok-id", attack, "police"),
        lambda: add_agency(world, "ok-id2", "Name", attack),
        lambda: add_partnership(world, attack, "N", "csp", [NEWPORT]),
        lambda: add_partnership(world, "p1", "N", "csp", [attack]),
        lambda: add_partnership(world, "p2", "N", attack, [NEWPORT]),
        lambda: add_partnership(world, "p3", "N", "csp", [NEWPORT], parent=attack),
        lambda: add_member(world, attack, "agency", "abuhb", "analyst"),
        lambda: add_member(world, "zed", attack, "abuhb", "analyst"),
        lambda: add_member(world, "zed", "agency", attack, "analyst"),
        lambda: add_member(world, "zed", "agency", "abuhb", attack),
        lambda: set_dataset_policy(world, attack, "abuhb", "special"),
        lambda: set_dataset_policy(world, "d1", attack, "special"),
        lambda: set_dataset_policy(world, "d2", "abuhb", attack),
        lambda: memberships(world, attack),
        lambda: show_agreement(world, attack),
        lambda: revoke_agreement(world, attack, by="x", reason="y", now=NOW),
    ]
    for call in calls:
        with contextlib.suppress(DiogelError):
            call()
    # Free text is stored as given, never run.
    assert world.query_rows("SELECT name FROM share_agencies WHERE agency_id = 'ok-id'") in (
        [],
        [(attack,)],
    )
    _intact(world, n)


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize(
    "key", ["id", "level", "starts", "areas", "parties", "datasets", "fields", "signatories"]
)
def test_agreement_fields(attack: str, key: str) -> None:
    value: Any = attack
    if key == "areas":
        value = [attack]
    elif key == "parties":
        value = [{"kind": "agency", "id": attack, "role": "provider"}]
    elif key == "datasets":
        value = [{"name": attack, "fields": ["month"]}]
    elif key == "fields":
        key, value = "datasets", [{"name": ISTV, "fields": [attack]}]
    elif key == "signatories":
        value = [{"name": "N", "agency": attack, "signed": "2024-01-01"}]
    with pytest.raises(InputError):
        parse_agreement(agreement_spec(**{key: value}))


@pytest.mark.parametrize("attack", ATTACKS)
def test_scoped_read_parameters(world: Any, attack: str) -> None:
    n = world.query_rows("SELECT COUNT(*) FROM partner_events")[0][0]
    view = scoped(world, "alice", NOW)
    calls = [
        lambda: view.partner_events(S, E, datasets=[attack], columns=["month"]),
        lambda: view.partner_events(S, E, datasets=[ISTV], columns=[attack]),
        lambda: view.partner_events(S, E, datasets=[ISTV], columns=["month"], area_codes=[attack]),
        lambda: view.count_partner_events(S, E, [attack], datasets=[ISTV]),
        lambda: view.count_by(AreaFilter("council", attack), S, E, ["month"]),
        lambda: view.count_by(AreaFilter(attack, NEWPORT), S, E, ["month"]),
        lambda: view.count_by(AreaFilter("all", ""), S, E, [attack]),
        lambda: view.incidents(AreaFilter("lsoa", attack), S, E, columns=["month"]),
        lambda: view.incidents(AreaFilter("all", ""), S, E, columns=[attack]),
        lambda: view.incidents(AreaFilter("all", ""), S, E, source=attack),
        lambda: scoped(world, attack, NOW).partner_events(S, E, datasets=[ISTV], columns=["month"]),
    ]
    for call in calls:
        try:
            frame = call()
        except (InputError, AccessDenied):
            continue
        assert len(frame) == 0 or set(frame.columns) <= {"month", "dataset", "count", "suppressed"}
    # The area filter found nothing for an attack string; the attacker saw no rows.
    with contextlib.suppress(InputError):
        rows = view.partner_events(S, E, datasets=[ISTV], columns=["month"], area_codes=[attack])
        assert rows.empty
    _intact(world, n)
